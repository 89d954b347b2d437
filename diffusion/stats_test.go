package diffusion_test

import (
	"bytes"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"dissolve/diffusion"
)

// gonum is used here only, as an oracle: gonum/stat and stat/distuv would add
// about 3.6 MB to the wasm binary if the package imported them.

func TestNormalPDFCDF(t *testing.T) {
	for x := -9.0; x <= 9; x += 0.01 {
		if got, want := diffusion.NormalCDF(x), distuv.UnitNormal.CDF(x); math.Abs(got-want) > 1e-15 && math.Abs(got-want) > 1e-13*want {
			t.Fatalf("NormalCDF(%v) = %v, gonum %v", x, got, want)
		}
		if got, want := diffusion.NormalPDF(x), distuv.UnitNormal.Prob(x); math.Abs(got-want) > 1e-15*math.Max(want, 1e-300) && math.Abs(got-want) > 1e-16 {
			t.Fatalf("NormalPDF(%v) = %v, gonum %v", x, got, want)
		}
	}
}

// samples returns named test samples, N(0, 1) and far from it.
func samples(n int) map[string][]float32 {
	out := map[string][]float32{}
	g := make([]float32, n)
	diffusion.Noise{Seed: 8}.Fill(g, 0)
	out["normal"] = g
	u, shifted, atoms, wide := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range u {
		u[i] = float32(i)/float32(n)*2 - 1
		shifted[i] = g[i]*0.5 + 0.3
		atoms[i] = float32(i%5) - 2 // point masses, like 8-bit pixels
		wide[i] = g[i] * 6          // beyond ±8 sometimes
	}
	out["uniform"], out["shifted"], out["atoms"], out["wide"] = u, shifted, atoms, wide
	z := make([]float32, n)
	diffusion.ZScore(z, picture(n))
	out["z-scored picture"] = z
	return out
}

// picture returns n values shaped like one channel of a photograph: a sky
// gradient, a dark ground and a bright sun, quantised to 8 bits.
func picture(n int) []float32 {
	side := int(math.Sqrt(float64(n)))
	x := make([]float32, n)
	for i := range x {
		r, c := i/side, i%side
		fr, fc := float64(r)/float64(side), float64(c)/float64(side)
		var b float64
		switch {
		case (fr-0.35)*(fr-0.35)+(fc-0.6)*(fc-0.6) < 0.01:
			b = 250
		case fr < 0.6:
			b = 120 + 100*fr + 10*math.Sin(20*fc)
		default:
			b = 30 + 20*math.Sin(7*fc+3*fr)
		}
		x[i] = float32(math.Round(b)/127.5 - 1)
	}
	return x
}

func TestSummarize(t *testing.T) {
	for name, x := range samples(1 << 16) {
		st := diffusion.Summarize(x)
		x64 := make([]float64, len(x))
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, v := range x {
			x64[i] = float64(v)
			lo, hi = math.Min(lo, x64[i]), math.Max(hi, x64[i])
		}
		mean, std := stat.PopMeanStdDev(x64, nil)
		if st.N != len(x) || math.Abs(st.Mean-mean) > 1e-12 || math.Abs(st.Std-std) > 1e-12 || st.Min != lo || st.Max != hi {
			t.Errorf("%s: %+v, want mean %v std %v min %v max %v", name, st, mean, std, lo, hi)
		}
		exact := diffusion.KSNormal(x)
		if !(st.KS <= exact+1e-12 && exact <= st.KS+diffusion.KSBinnedError) {
			t.Errorf("%s: binned KS %v, exact %v: outside [KS, KS + %v]", name, st.KS, exact, diffusion.KSBinnedError)
		}
	}
	if st := diffusion.Summarize(nil); st != (diffusion.Stats{}) {
		t.Errorf("Summarize(nil) = %+v", st)
	}
}

// KSNormal against its definition: the supremum over the sorted values of
// both one-sided gaps, computed by brute force on small samples.
func TestKSNormalBruteForce(t *testing.T) {
	for _, x := range [][]float32{{0}, {0, 0, 0}, {-1, 2}, {5, -5, 0.5, 0.5, 0.1}, samples(200)["atoms"], samples(300)["normal"]} {
		want := 0.0
		n := float64(len(x))
		for _, a := range x {
			var below, atOrBelow float64
			for _, b := range x {
				if b < a {
					below++
				}
				if b <= a {
					atOrBelow++
				}
			}
			c := distuv.UnitNormal.CDF(float64(a))
			want = math.Max(want, math.Max(math.Abs(below/n-c), math.Abs(atOrBelow/n-c)))
		}
		if got := diffusion.KSNormal(x); math.Abs(got-want) > 1e-14 {
			t.Errorf("KSNormal(%v…) = %v, brute force %v", x[0], got, want)
		}
	}
}

func TestZScoreIsNotGaussian(t *testing.T) {
	n := 1 << 16
	s := samples(n)
	z := s["z-scored picture"]
	st := diffusion.Summarize(z)
	if math.Abs(st.Mean) > 1e-6 || math.Abs(st.Std-1) > 1e-6 {
		t.Errorf("z-scored mean %v std %v, want 0, 1", st.Mean, st.Std)
	}
	if st.KS < 0.05 {
		t.Errorf("z-scored picture KS %v: should be far from N(0, 1)", st.KS)
	}
	if ks := diffusion.Summarize(s["normal"]).KS; ks > 2/math.Sqrt(float64(n)) {
		t.Errorf("N(0, 1) noise KS %v", ks)
	}
	c := []float32{3, 3, 3}
	diffusion.ZScore(c, c)
	for _, v := range c {
		if v != 0 {
			t.Errorf("ZScore of a constant = %v, want 0", c)
		}
	}
}

func TestHistogram(t *testing.T) {
	x := samples(1 << 16)["normal"]
	h := diffusion.NewHistogram(x, -4, 4, 64)
	if h.N != len(x) || len(h.Counts) != 64 || h.Width() != 0.125 {
		t.Fatalf("N %d bins %d width %v", h.N, len(h.Counts), h.Width())
	}
	var in int
	var mass float64
	for i, c := range h.Counts {
		in += c
		mass += h.Density(i) * h.Width()
		mid := -4 + (float64(i)+0.5)*h.Width()
		// Density ≈ φ: 5σ of a binomial count, plus the bin's curvature.
		p := diffusion.NormalCDF(mid+h.Width()/2) - diffusion.NormalCDF(mid-h.Width()/2)
		sd := math.Sqrt(p*(1-p)/float64(len(x))) / h.Width()
		if math.Abs(h.Density(i)-diffusion.NormalPDF(mid)) > 5*sd+2e-3 {
			t.Errorf("bin %d density %v, φ(%v) = %v", i, h.Density(i), mid, diffusion.NormalPDF(mid))
		}
	}
	if math.Abs(mass-float64(in)/float64(len(x))) > 1e-12 {
		t.Errorf("density integrates to %v, in-range fraction %v", mass, float64(in)/float64(len(x)))
	}
	outside := diffusion.NewHistogram([]float32{-10, 10, 0, float32(math.NaN())}, -1, 1, 2)
	if outside.N != 4 || outside.Counts[0]+outside.Counts[1] != 1 || outside.Density(1) != 0.25 {
		t.Errorf("outside values: %+v", outside)
	}
	if d := diffusion.NewHistogram(nil, 0, 1, 0).Density(0); d != 0 {
		t.Errorf("empty density %v", d)
	}
}

// ZScoreRGBA gives the bytes of ToRGBA after ZScore, at sizes that are and
// are not whole blocks, and for a constant picture (zeros: grey).
func TestZScoreRGBA(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pix   int // pixels (three planes of them)
		solid bool
	}{{"one pixel", 1, false}, {"a block", 256, false}, {"blocks and a bit", 256*3 + 17, false}, {"a constant picture", 100, true}} {
		x := make([]float32, 3*tc.pix)
		diffusion.Noise{Seed: 4}.Fill(x, 0)
		if tc.solid {
			for i := range x {
				x[i] = 0.25
			}
		}
		z := make([]float32, len(x))
		diffusion.ZScore(z, x)
		want, got := make([]byte, 4*tc.pix), make([]byte, 4*tc.pix)
		diffusion.ToRGBA(want, z)
		diffusion.ZScoreRGBA(got, x)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: ZScoreRGBA differs from ToRGBA(ZScore)", tc.name)
		}
	}
}
