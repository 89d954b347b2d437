package reverse_test

import (
	"hash/fnv"
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// synthetic returns N images of w×h×c bytes from a fixed hash: "inked"
// (about a fifth of the pixels carry ink, the rest 0, like MNIST) or dense
// (every byte uniform, like a photograph).
func synthetic(t testing.TB, n, w, h, c int, inked bool) *reverse.Dataset {
	t.Helper()
	pix := make([]uint8, n*w*h*c)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range pix {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b := uint8(x >> 56)
		if inked && x>>40&0xff > 51 {
			b = 0
		}
		pix[i] = b
	}
	d, err := reverse.NewDataset(w, h, c, pix, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// idealReference is E[x_0 | x_t] straight from the definition, in float64:
// distances summed pixel by pixel, softmax by log-sum-exp over all N.
func idealReference(s *diffusion.Schedule, d *reverse.Dataset, xt []float32, t int) ([]float64, []float64) {
	a := math.Sqrt(s.AlphaBar[t])
	v := s.OneMinusAlphaBar(t)
	N, D := d.Len(), d.Dim()
	logit := make([]float64, N)
	img := make([]float32, D)
	mx := math.Inf(-1)
	for n := range N {
		d.Image(img, n)
		var d2 float64
		for i := range D {
			e := float64(xt[i]) - a*float64(img[i])
			d2 += e * e
		}
		logit[n] = -d2 / (2 * v)
		mx = math.Max(mx, logit[n])
	}
	w := make([]float64, N)
	var sum float64
	for n := range N {
		w[n] = math.Exp(logit[n] - mx)
		sum += w[n]
	}
	out := make([]float64, D)
	for n := range N {
		w[n] /= sum
		d.Image(img, n)
		for i := range D {
			out[i] += w[n] * float64(img[i])
		}
	}
	return out, w
}

// noised returns √ᾱ_t·X_k + √(1 − ᾱ_t)·ε for training image k (k < 0: pure
// noise).
func noised(s *diffusion.Schedule, d *reverse.Dataset, k, t int, seed uint64) []float32 {
	x := gauss(d.Dim(), seed, uint64(t))
	if k < 0 {
		return x
	}
	img := d.Image(make([]float32, d.Dim()), k)
	a, b := float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t))
	for i := range x {
		x[i] = a*img[i] + b*x[i]
	}
	return x
}

// TestIdealMatchesDefinition: the sparse two-pass kernel against the
// definition, on inked and dense data, one and three planes, from pure noise
// to nearly clean, at x_t near a training image and far from all.
func TestIdealMatchesDefinition(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	for _, c := range []struct {
		name       string
		n, w, h, c int
		inked      bool
	}{
		{"inked 7x7", 40, 7, 7, 1, true},
		{"dense 5x4x3", 25, 5, 4, 3, false},
		{"inked 28x28", 100, 28, 28, 1, true},
		{"one image", 1, 6, 6, 1, true},
	} {
		d := synthetic(t, c.n, c.w, c.h, c.c, c.inked)
		m := reverse.NewIdeal(s, d)
		got := make([]float32, d.Dim())
		for _, tt := range []int{1, 5, 50, 200, 500, 1000} {
			for _, k := range []int{-1, 0, c.n - 1} {
				xt := noised(s, d, k, tt, 17)
				m.Denoise(got, xt, tt)
				want, w := idealReference(s, d, xt, tt)
				for i := range got {
					if math.Abs(float64(got[i])-want[i]) > 1e-6 {
						t.Fatalf("%s t=%d k=%d: x̂_0[%d] = %v, definition gives %v", c.name, tt, k, i, got[i], want[i])
					}
				}
				var s2 float64
				for _, v := range w {
					s2 += v * v
				}
				if st := m.Stats(); math.Abs(st.EffectiveN*s2-1) > 1e-9 {
					t.Errorf("%s t=%d k=%d: EffectiveN %v, definition %v", c.name, tt, k, st.EffectiveN, 1/s2)
				}
			}
		}
	}
}

// TestIdealSnapsAndSpreads: nearly clean, x_t = √ᾱ·X_k + noise gives x̂_0 =
// X_k with all the weight on k; at t = T the weights are nearly uniform.
func TestIdealSnapsAndSpreads(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	d := synthetic(t, 200, 28, 28, 1, true)
	m := reverse.NewIdeal(s, d)
	got := make([]float32, d.Dim())
	want := make([]float32, d.Dim())
	for _, k := range []int{0, 57, 199} {
		m.Denoise(got, noised(s, d, k, 20, 3), 20)
		st := m.Stats()
		if st.Top != k || st.TopWeight < 1-1e-12 || st.EffectiveN > 1+1e-9 {
			t.Errorf("t=20 near image %d: stats %+v", k, st)
		}
		if dd := maxAbsDiff(got, d.Image(want, k)); dd > 1e-7 {
			t.Errorf("t=20 near image %d: x̂_0 is %.3g from it", k, dd)
		}
	}
	m.Denoise(got, noised(s, d, -1, 1000, 3), 1000)
	if st := m.Stats(); st.EffectiveN < 190 || st.Used != 200 {
		t.Errorf("t=T: stats %+v, want nearly uniform weights over all 200", st)
	}
}

// TestIdealSkipBound: skipping the images whose weight is below e^−Cut
// relative to the largest moves no output by more than 2·N·e^−Cut beyond
// float32 rounding (see Ideal), at steps where it skips nearly everything.
func TestIdealSkipBound(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	d := synthetic(t, 500, 28, 28, 1, true)
	skip := reverse.NewIdeal(s, d)
	full := reverse.NewIdeal(s, d)
	full.Cut = 0
	a := make([]float32, d.Dim())
	b := make([]float32, d.Dim())
	skipped := false
	for _, tt := range []int{1, 30, 100, 150, 200, 300, 1000} {
		for _, k := range []int{-1, 3} {
			xt := noised(s, d, k, tt, 5)
			skip.Denoise(a, xt, tt)
			full.Denoise(b, xt, tt)
			bound := 2 * 500 * math.Exp(-reverse.DefaultCut)
			for i := range a {
				ulp := float64(math.Nextafter32(float32(math.Abs(float64(b[i]))), 2) - float32(math.Abs(float64(b[i]))))
				if math.Abs(float64(a[i])-float64(b[i])) > bound+ulp {
					t.Fatalf("t=%d k=%d: pixel %d %v with skipping, %v without", tt, k, i, a[i], b[i])
				}
			}
			if skip.Stats().Used < 500 {
				skipped = true
			}
		}
	}
	if !skipped {
		t.Error("no call skipped any image: the test does not exercise the bound")
	}
}

// TestIdealGolden: a DDIM run with the ideal denoiser gives these bits
// natively and in WebAssembly.
func TestIdealGolden(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	d := synthetic(t, 300, 28, 28, 1, true)
	m := reverse.NewIdeal(s, d)
	for _, c := range []struct {
		cfg  reverse.Config
		want uint64
	}{
		{reverse.Config{Method: reverse.DDIM, Eta: 0, Steps: 20, Spacing: reverse.Trailing}, 0xb76fdd6fef72ef31},
		{reverse.Config{Method: reverse.DDIM, Eta: 1, Steps: 20, Spacing: reverse.Leading, Clip: true}, 0x5de421fa62274b1b},
		{reverse.Config{Method: reverse.DDPM, Variance: reverse.Large}, 0xcc4381cac6615e2c},
	} {
		sp, _ := reverse.NewSampler(s, m, c.cfg)
		x := make([]float32, d.Dim())
		h := fnv.New64a()
		sp.Sample(x, 42, func(i, t int, x, x0 []float32) {
			for _, v := range x {
				b := math.Float32bits(v)
				h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
			}
		})
		if got := h.Sum64(); got != c.want {
			t.Errorf("%+v: checksum %#x, want %#x", c.cfg, got, c.want)
		}
	}
}

// TestIdealBatchSameBits: a batch gives each member the bits Denoise gives
// it alone, for batch sizes around the kernel's groups of four; and a grid
// of samples the bits of the samples drawn one by one.
func TestIdealBatchSameBits(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	d := synthetic(t, 120, 28, 28, 1, true)
	m := reverse.NewIdeal(s, d)
	one := make([]float32, d.Dim())
	for _, B := range []int{1, 3, 4, 5, 9, 16} {
		for _, tt := range []int{3, 300, 1000} {
			xt := make([][]float32, B)
			dst := make([][]float32, B)
			for b := range B {
				xt[b] = noised(s, d, b*7%120-1, tt, uint64(b))
				dst[b] = make([]float32, d.Dim())
			}
			m.DenoiseBatch(dst, xt, tt)
			for b := range B {
				m.Denoise(one, xt[b], tt)
				for i := range one {
					if math.Float32bits(one[i]) != math.Float32bits(dst[b][i]) {
						t.Fatalf("B=%d t=%d member %d pixel %d: batch %v, alone %v", B, tt, b, i, dst[b][i], one[i])
					}
				}
			}
		}
	}
	sp, _ := reverse.NewSampler(s, m, reverse.Config{Method: reverse.DDIM, Eta: 1, Steps: 25, Spacing: reverse.Trailing})
	seeds := []uint64{4, 5, 6, 7, 8}
	xs := make([][]float32, len(seeds))
	for k := range xs {
		xs[k] = make([]float32, d.Dim())
	}
	sp.SampleBatch(xs, seeds)
	for k, seed := range seeds {
		sp.Sample(one, seed, nil)
		if d := maxAbsDiff(one, xs[k]); d != 0 {
			t.Errorf("seed %d: grid sample differs from the single sample by %v", seed, d)
		}
	}
}
