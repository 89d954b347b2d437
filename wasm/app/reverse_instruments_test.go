package app_test

import (
	"math"
	"math/big"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// binOf returns the bin of v in 96 bins over [−4, 4) (width 1/12), worked
// exactly in rationals: ⌊(v + 4)·12⌋, or −1 outside.
func binOf(v float32) int {
	r := new(big.Rat).SetFloat64(float64(v))
	r.Add(r, big.NewRat(4, 1))
	r.Mul(r, big.NewRat(12, 1))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward 0
	if r.Sign() < 0 || !q.IsInt64() || q.Int64() >= 96 {
		return -1
	}
	return int(q.Int64())
}

// TestReverseHistogram: the reverse histogram's bins are x_t's numbers at
// the cursor's frame counted independently (exact bin edges, in
// rationals), and its mean, std and KS are those of stats() — computed here
// by plain loops and the exact KS distance.
func TestReverseHistogram(t *testing.T) {
	// Numbers on bin edges (−1 = −4 + 36/12, 0, 0.25 = −4 + 51/12), just
	// below and above them, at and beyond the range's ends.
	edges := []float32{-1, 0, 0.25, math.Nextafter32(-1, -2), math.Nextafter32(0, 1), -4, math.Nextafter32(4, 0), 4, -4.5, 7}
	noise := make([]float32, 500)
	diffusion.Noise{Seed: 7}.Fill(noise, 1)
	digit := make([]float32, 784) // a digit's two peaks: paper (−1) and ink (1)
	for i := range digit {
		digit[i] = -1
		if i%5 == 0 {
			digit[i] = 1
		}
	}
	for _, c := range []struct {
		name    string
		x       []float32
		t, want int // cursor, visited step
	}{
		{"edges", edges, 1000, 1000},
		{"noise at T", noise, 1000, 1000},
		{"noise between steps", noise, 700, 1000},
		{"a digit at 0", digit, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := len(c.x)
			// Three frames: x at the step the cursor shows, zeros elsewhere.
			r := &app.ReverseRun{W: d, H: 1, C: 1, Timesteps: []int{1000, 500, 0}, Frames: []int{0, 1, 2},
				XT: make([]float32, 3*d), X0: make([]float32, 3*d)}
			k := map[int]int{1000: 0, 500: 1, 0: 2}[c.want]
			copy(r.XT[k*d:], c.x)
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			h := r.Histogram(c.t)
			var want [96]int
			inside := 0
			for _, v := range c.x {
				if b := binOf(v); b >= 0 {
					want[b]++
					inside++
				}
			}
			if h.Bins != 96 || h.Lo != -4 || h.Hi != 4 || len(h.Counts) != 96 || len(h.Density) != 96 || len(h.Normal) != 96 {
				t.Fatalf("layout: %d bins over [%v, %v), %d counts", h.Bins, h.Lo, h.Hi, len(h.Counts))
			}
			for i := range want {
				if h.Counts[i] != want[i] {
					t.Errorf("bin %d [%.4f, %.4f): %d numbers, want %d", i, -4+float64(i)/12, -4+float64(i+1)/12, h.Counts[i], want[i])
				}
				if dens := float64(want[i]) * 12 / float64(d); math.Abs(float64(h.Density[i])-dens) > 1e-12*dens {
					t.Errorf("bin %d: density %v, want %v", i, h.Density[i], dens)
				}
				// N(0, 1)'s mass in the bin over its width, by erf.
				lo, hi := -4+float64(i)/12, -4+float64(i+1)/12
				if n := (math.Erf(hi/math.Sqrt2) - math.Erf(lo/math.Sqrt2)) / 2 * 12; math.Abs(float64(h.Normal[i])-n) > 1e-12 {
					t.Errorf("bin %d: N(0, 1) %v, want %v", i, h.Normal[i], n)
				}
			}
			if out := float64(d-inside) / float64(d); math.Abs(float64(h.Outside)-out) > 1e-15 {
				t.Errorf("outside %v, want %v", h.Outside, out)
			}
			// The readouts: plain loops, and they are stats()'s.
			var s, s2 float64
			for _, v := range c.x {
				s += float64(v)
			}
			mean := s / float64(d)
			for _, v := range c.x {
				s2 += (float64(v) - mean) * (float64(v) - mean)
			}
			std := math.Sqrt(s2 / float64(d))
			st := r.Stats(c.t)
			if h.N != d || h.Visited != c.want || st.Visited != c.want || math.Abs(float64(h.Mean)-mean) > 1e-9 || math.Abs(float64(h.Std)-std) > 1e-9 {
				t.Errorf("n %d, visited %d, mean %v, std %v; want %d, %d, %v, %v", h.N, h.Visited, h.Mean, h.Std, d, c.want, mean, std)
			}
			if h.Mean != st.Mean || h.Std != st.Std || h.KS != st.KS || h.N != st.N {
				t.Errorf("histogram %v/%v/%v/%d, stats() %v/%v/%v/%d", h.Mean, h.Std, h.KS, h.N, st.Mean, st.Std, st.KS, st.N)
			}
			// The binned KS is within a bin's N(0, 1) mass (2^-9·φ(0)) of the exact one.
			if ks := diffusion.KSNormal(c.x); math.Abs(float64(h.KS)-ks) > 1e-3 {
				t.Errorf("KS %v, exact %v", h.KS, ks)
			}
		})
	}
}

// lessonAlphaBar is the lesson's schedule worked independently: β_t
// linear from 1e-4 to 0.02 over T steps (np.linspace), ᾱ_t by a product
// in big floats; it returns β and ᾱ indexed by t (ᾱ_0 = 1).
func lessonAlphaBar(T int) (beta, ab []float64) {
	beta, ab = make([]float64, T+1), make([]float64, T+1)
	p := big.NewFloat(1).SetPrec(200)
	ab[0] = 1
	for t := 1; t <= T; t++ {
		beta[t] = 1e-4 + float64(t-1)*(0.02-1e-4)/float64(T-1)
		p.Mul(p, new(big.Float).SetPrec(200).Sub(big.NewFloat(1), big.NewFloat(beta[t])))
		ab[t], _ = p.Float64()
	}
	return beta, ab
}

// trailing is diffusers' "trailing" spacing in the lesson's t (τ + 1):
// round(T − k·T/S), k = 0..S−1.
func trailing(T, S int) []int {
	ts := make([]int, S)
	for k := range ts {
		ts[k] = int(math.RoundToEven(float64(T) - float64(k)*float64(T)/float64(S)))
	}
	return ts
}

// TestReverseStep: the numbers of the step at the cursor against the
// formulas worked here — the posterior's C0, Ct and β̃ (Ho et al. eqs. 6–7)
// for DDPM with either variance, and DDIM's next visited step (trailing
// spacing), √ᾱ_{t'}, √(1 − ᾱ_{t'} − σ²) and σ (Song et al. eq. 16) with
// η = 0, ½ and 1.
func TestReverseStep(t *testing.T) {
	const T = 1000
	beta, ab := lessonAlphaBar(T)
	ddimNext := func(S, from int) int {
		ts := trailing(T, S)
		for i, v := range ts {
			if v == from && i+1 < len(ts) {
				return ts[i+1]
			}
		}
		return 0
	}
	for _, c := range []struct {
		name            string
		sampler, varnce string
		eta             float64
		steps, t        int
		from, to        int // the visited step the cursor shows and the next one
	}{
		{"ddpm small at T", "ddpm", "small", 0, 50, 1000, 1000, 999},
		{"ddpm small mid", "ddpm", "small", 0, 50, 500, 500, 499},
		{"ddpm large mid", "ddpm", "large", 0, 50, 500, 500, 499},
		{"ddpm small at 2", "ddpm", "small", 0, 50, 2, 2, 1},
		{"ddpm last step", "ddpm", "small", 0, 50, 1, 1, 0},
		{"ddpm at 0: the last step", "ddpm", "large", 0, 50, 0, 1, 0},
		{"ddim 50 at T", "ddim", "", 0, 50, 1000, 1000, 980},
		{"ddim 50 between steps", "ddim", "", 0, 50, 990, 1000, 980},
		{"ddim 50 η=1", "ddim", "", 1, 50, 500, 500, 480},
		{"ddim 50 η=½ below a step", "ddim", "", 0.5, 50, 481, 500, 480},
		{"ddim 50 last", "ddim", "", 1, 50, 20, 20, 0},
		{"ddim 50 at 0", "ddim", "", 1, 50, 0, 20, 0},
		{"ddim 3 trailing", "ddim", "", 1, 3, 500, 667, 333},
		{"ddim 10 η=0", "ddim", "", 0, 10, 250, 300, 200},
		{"ddim 1000 η=1 is ddpm", "ddim", "", 1, 1000, 500, 500, 499},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := app.Default()
			s.Direction, s.Sampler, s.Eta, s.Steps, s.Step = app.Reverse, c.sampler, c.eta, c.steps, c.t
			if c.varnce != "" {
				s.Variance = c.varnce
			}
			sched, err := diffusion.NewSchedule(s.Config())
			if err != nil {
				t.Fatal(err)
			}
			st, err := app.ReverseStepAt(s, sched)
			if err != nil {
				t.Fatal(err)
			}
			if c.sampler == "ddim" && c.to != ddimNext(c.steps, c.from) {
				t.Fatalf("the case is wrong: after %d comes %d in trailing(%d)", c.from, ddimNext(c.steps, c.from), c.steps)
			}
			if st.Step != c.t || st.From != c.from || st.To != c.to || st.Sampler != c.sampler {
				t.Fatalf("t %d: step %d → %d (%s), want %d → %d", st.Step, st.From, st.To, st.Sampler, c.from, c.to)
			}
			near := func(name string, got app.JSFloat, want float64) {
				t.Helper()
				if math.IsNaN(want) != math.IsNaN(float64(got)) || math.Abs(float64(got)-want) > 1e-9*math.Max(1e-3, math.Abs(want)) {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
			f, p := c.from, c.to
			tilde := (1 - ab[f-1]) / (1 - ab[f]) * beta[f]
			near("beta", st.Beta, beta[f])
			near("alphaBar", st.AlphaBar, ab[f])
			near("alphaBarTo", st.AlphaBarTo, ab[p])
			near("sqrtAlphaBar", st.SqrtAlphaBar, math.Sqrt(ab[f]))
			near("sqrtOneMinusAlphaBar", st.SqrtOneMinusAlphaBar, math.Sqrt(1-ab[f]))
			near("posteriorVariance", st.PosteriorVariance, tilde)
			nan := math.NaN()
			if c.sampler == "ddpm" {
				sig2 := tilde
				if c.varnce == "large" {
					sig2 = beta[f]
				}
				if f == 1 {
					sig2 = 0 // the last step adds no noise
				}
				near("c0", st.C0, math.Sqrt(ab[f-1])*beta[f]/(1-ab[f]))
				near("ct", st.Ct, math.Sqrt(1-beta[f])*(1-ab[f-1])/(1-ab[f]))
				near("sigma2", st.Sigma2, sig2)
				near("sigma", st.Sigma, math.Sqrt(sig2))
				near("eta", st.Eta, nan)
				near("coefX0", st.CoefX0, nan)
				if st.Steps != T || st.Variance != c.varnce {
					t.Errorf("steps %d, variance %q", st.Steps, st.Variance)
				}
				return
			}
			sigma := c.eta * math.Sqrt((1-ab[p])/(1-ab[f])) * math.Sqrt(1-ab[f]/ab[p])
			near("eta", st.Eta, c.eta)
			near("sigma", st.Sigma, sigma)
			near("sigma2", st.Sigma2, sigma*sigma)
			near("coefX0", st.CoefX0, math.Sqrt(ab[p]))
			near("coefEps", st.CoefEps, math.Sqrt(math.Max(1-ab[p]-sigma*sigma, 0)))
			near("c0", st.C0, nan)
			if c.eta == 0 && st.Sigma != 0 {
				t.Errorf("η = 0: σ = %v, want exactly 0", st.Sigma)
			}
			if st.Steps != c.steps {
				t.Errorf("steps %d, want %d", st.Steps, c.steps)
			}
			if c.steps == T && c.eta == 1 { // DDIM with η = 1 over every step is DDPM
				near("sigma² = β̃", st.Sigma2, tilde)
			}
		})
	}
}
