package app_test

import (
	"fmt"
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// phi is Φ, written independently of diffusion.NormalCDF.
func phi(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }

func TestNormalBins(t *testing.T) {
	got := app.NormalBins(-4, 4, 96)
	w := 8.0 / 96
	total := 0.0
	for i, d := range got {
		lo := -4 + float64(i)*w
		want := (phi(lo+w) - phi(lo)) / w
		if math.Abs(d-want) > 1e-12 {
			t.Errorf("bin %d: %g, want %g", i, d, want)
		}
		total += d * w
	}
	if want := phi(4) - phi(-4); math.Abs(total-want) > 1e-12 {
		t.Errorf("total mass %g, want %g", total, want)
	}
	// Near the middle a bin's average density is φ(centre) to second order.
	mid := got[48] // [0, 1/12)
	if c := w / 2; math.Abs(mid-math.Exp(-c*c/2)/math.Sqrt(2*math.Pi)) > 1e-3 {
		t.Errorf("density near 0: %g", mid)
	}
}

func TestPredictedDensity(t *testing.T) {
	levels := []app.Level{{V: -0.5, W: 0.25}, {V: 0.2, W: 0.5}, {V: 0.9, W: 0.25}}
	const lo, hi, bins = -3.0, 3.0, 60
	w := (hi - lo) / bins

	// b = 0: point masses at a·v + c.
	got := app.PredictedDensity(levels, 2, 0, 0.1, lo, hi, bins)
	want := make([]float64, bins)
	for _, l := range levels {
		m := 2*l.V + 0.1
		want[int(math.Floor((m-lo)/w))] += l.W / w
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("b = 0, bin %d: %g, want %g", i, got[i], want[i])
		}
	}

	// b > 0: the bin average of the mixture's density, by Simpson's rule
	// on each bin (independent of Φ).
	for _, b := range []float64{0.05, 0.3, 1} {
		got := app.PredictedDensity(levels, 0.7, b, -0.2, lo, hi, bins)
		pdf := func(x float64) float64 {
			s := 0.0
			for _, l := range levels {
				z := (x - (0.7*l.V - 0.2)) / b
				s += l.W * math.Exp(-z*z/2) / (b * math.Sqrt(2*math.Pi))
			}
			return s
		}
		for i := range got {
			a := lo + float64(i)*w
			const m = 200
			h := w / m
			s := pdf(a) + pdf(a+w)
			for k := 1; k < m; k++ {
				c := 2.0
				if k%2 == 1 {
					c = 4
				}
				s += c * pdf(a+float64(k)*h)
			}
			avg := s * h / 3 / w
			if math.Abs(got[i]-avg) > 1e-6*math.Max(1, avg) {
				t.Errorf("b = %g, bin %d: %g, want %g", b, i, got[i], avg)
			}
		}
	}
}

func TestSampleStride(t *testing.T) {
	for _, tc := range []struct{ side, want int }{{32, 1}, {128, 1}, {209, 1}, {210, 2}, {256, 2}, {512, 6}, {1024, 24}} {
		n := 3 * tc.side * tc.side
		got := app.SampleStride(n)
		if got != tc.want || (n+got-1)/got > app.MaxSampled {
			t.Errorf("%d²: stride %d, want %d", tc.side, got, tc.want)
		}
	}
}

// The histogram's densities are the counts of the numbers on screen, and
// its readouts their mean, std and KS distance, counted here again.
func TestInstrumentsHistogram(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		for _, step := range []int{0, 300, 1000} {
			e := newEngine(t, fmt.Sprintf(`{"mode": %q, "t": %d}`, mode, step))
			xt := append([]float32(nil), e.Xt()...)
			r := e.Instruments(-1)
			if r.Stride != 1 || len(r.Panes) != 1 || r.Panes[0].N != len(xt) {
				t.Fatalf("stride %d, %d panes", r.Stride, len(r.Panes))
			}
			p := r.Panes[0]
			counts := make([]int, app.HistBins)
			outside := 0
			w := (app.HistHi - app.HistLo) / app.HistBins
			var sum, sum2 float64
			for _, v := range xt {
				sum += float64(v)
				sum2 += float64(v) * float64(v)
				k := int(math.Floor((float64(v) - app.HistLo) / w))
				if k < 0 || k >= app.HistBins {
					outside++
					continue
				}
				counts[k]++
			}
			n := float64(len(xt))
			for i, c := range counts {
				if want := float64(c) / (n * w); math.Abs(float64(p.Density[i])-want) > 1e-9 {
					t.Errorf("%s t=%d bin %d: density %g, want %g", mode, step, i, p.Density[i], want)
				}
			}
			mean := sum / n
			std := math.Sqrt(sum2/n - mean*mean)
			if math.Abs(float64(p.Mean)-mean) > 1e-6 || math.Abs(float64(p.Std)-std) > 1e-6 {
				t.Errorf("%s t=%d: mean %g std %g, want %g %g", mode, step, p.Mean, p.Std, mean, std)
			}
			if math.Abs(float64(p.Outside)-float64(outside)/n) > 1e-12 {
				t.Errorf("%s t=%d: outside %g, want %g", mode, step, p.Outside, float64(outside)/n)
			}
			if exact := diffusion.KSNormal(xt); float64(p.KS) > exact+1e-12 || float64(p.KS) < exact-diffusion.KSBinnedError {
				t.Errorf("%s t=%d: KS %g, exact %g", mode, step, p.KS, exact)
			}
			// The histogram follows the predicted law: the total variation
			// between the two, bin by bin, is small for 12288 numbers.
			tv := 0.0
			for i := range p.Density {
				tv += math.Abs(float64(p.Density[i]-p.Predicted[i])) * w / 2
			}
			if tv > 0.06 {
				t.Errorf("%s t=%d: histogram and q(x_t|x_0) differ by %.3f in total variation", mode, step, tv)
			}
		}
	}
}

// At t = T: the readouts of the lesson, √ᾱ_T = 0.00635 and the prior KL
// ½·mean(ᾱ_T(x_0² − 1) − ln(1 − ᾱ_T)), computed here from x_0.
func TestInstrumentsAtT(t *testing.T) {
	e := newEngine(t, `{"t": 1000}`)
	r := e.Instruments(-1)
	if got := float64(r.ResidualSignal); math.Abs(got-math.Sqrt(4.035829765375676e-05)) > 1e-15 || math.Round(got*1e5) != 635 {
		t.Errorf("residual signal %g, want √ᾱ_T ≈ 0.00635", got)
	}
	ab := 4.035829765375676e-05
	kl := 0.0
	for _, v := range e.X0().Pix {
		kl += 0.5 * (ab*(float64(v)*float64(v)-1) - math.Log1p(-ab))
	}
	kl /= float64(len(e.X0().Pix))
	if math.Abs(float64(r.KL)-kl) > 1e-12*kl || kl <= 0 {
		t.Errorf("KL %g, want %g", r.KL, kl)
	}
	st := e.Stats()
	if st.KL != r.KL || st.ResidualSignal != r.ResidualSignal || st.WrongSumStd != r.WrongSumStd || st.RightStd != r.RightStd {
		t.Errorf("stats() and instruments() disagree: %+v vs %+v", st, r)
	}
	if math.Abs(float64(st.RightStd)-math.Sqrt(1-ab)) > 1e-12 {
		t.Errorf("right std %g", st.RightStd)
	}
}

// Closed form and Markov chain: different pixels, the same law; the wrong
// sum: a std near √(ᾱ_t·var x_0 + W_t²), far above the right one.
func TestInstrumentsComparisons(t *testing.T) {
	for _, step := range []int{100, 400, 1000} {
		e := newEngine(t, fmt.Sprintf(`{"compare": "modes", "t": %d}`, step))
		r := e.Instruments(-1)
		closed, chain := r.Panes[0], r.Panes[1]
		if closed.Kind != "closed" || chain.Kind != "markov" {
			t.Fatalf("panes %s, %s", closed.Kind, chain.Kind)
		}
		if d := math.Abs(float64(closed.Std-chain.Std)) / float64(closed.Std); d > 0.02 {
			t.Errorf("t=%d: std closed %g, chain %g", step, closed.Std, chain.Std)
		}
		s := e.State()
		s.Compare = app.CompareWrongSum
		if err := e.SetState(s); err != nil {
			t.Fatal(err)
		}
		r = e.Instruments(-1)
		wrong := r.Panes[1]
		x0 := diffusion.Summarize(e.X0().Pix)
		sched := e.Schedule()
		want := math.Sqrt(sched.AlphaBar[step]*x0.Std*x0.Std + sched.WrongSumStd(step)*sched.WrongSumStd(step))
		if d := math.Abs(float64(wrong.Std)-want) / want; d > 0.02 {
			t.Errorf("t=%d: wrong-sum std %g, want ≈ %g", step, wrong.Std, want)
		}
		if float64(wrong.B) != sched.WrongSumStd(step) || !(wrong.B > r.RightStd) {
			t.Errorf("t=%d: wrong-sum coefficient %g, right %g", step, wrong.B, r.RightStd)
		}
	}
	// One-shot normalisation: mean 0 and std 1, but far from N(0, 1) in KS;
	// x_T is close to it.
	e := newEngine(t, `{"compare": "normalise", "t": 1000}`)
	r := e.Instruments(-1)
	z, xT := r.Panes[1], r.Panes[2]
	// One pane at a time gives the same numbers.
	if one := e.Instruments(1); len(one.Panes) != 1 || one.Panes[0].Index != 1 || one.Panes[0].KS != z.KS || len(one.Kinds) != 3 {
		t.Errorf("Instruments(1): %+v", one.Panes)
	}
	if math.Abs(float64(z.Mean)) > 1e-5 || math.Abs(float64(z.Std)-1) > 1e-5 {
		t.Errorf("z-score: mean %g std %g", z.Mean, z.Std)
	}
	if !(z.KS > 0.05) || !(xT.KS < 0.02) {
		t.Errorf("KS: z-scored %g, x_T %g", z.KS, xT.KS)
	}
}

// The KS readouts against cases whose distance to N(0, 1) is known in
// closed form: one point at 0 (F jumps from 0 to 1 where Φ = ½: ½); n
// points at the quantiles Φ⁻¹((i − ½)/n) (every gap is 1/(2n)); all the
// numbers at 10 (F is 0 below 10, where Φ is 1 − 7.6e-24: 1).
func TestKSKnownCases(t *testing.T) {
	quantile := func(p float64) float64 { // Φ⁻¹ by bisection on math.Erf
		lo, hi := -10.0, 10.0
		for i := 0; i < 200; i++ {
			m := (lo + hi) / 2
			if phi(m) < p {
				lo = m
			} else {
				hi = m
			}
		}
		return (lo + hi) / 2
	}
	const n = 1000
	q := make([]float32, n)
	for i := range q {
		q[i] = float32(quantile((float64(i) + 0.5) / n))
	}
	ten := make([]float32, 100)
	for i := range ten {
		ten[i] = 10
	}
	for _, tc := range []struct {
		name string
		x    []float32
		want float64
		tol  float64 // float32 rounding of the quantiles
	}{
		{"one point at 0", []float32{0}, 0.5, 1e-15},
		{"quantiles", q, 1.0 / (2 * n), 1e-7},
		{"all at 10", ten, 1, 1e-15},
	} {
		if got := diffusion.KSNormal(tc.x); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: exact KS %.12g, want %.12g", tc.name, got, tc.want)
		}
		if got := diffusion.Summarize(tc.x).KS; got > tc.want+tc.tol || got < tc.want-diffusion.KSBinnedError-tc.tol {
			t.Errorf("%s: binned KS (the readout) %.12g, want %.12g within the binning error", tc.name, got, tc.want)
		}
	}
}
