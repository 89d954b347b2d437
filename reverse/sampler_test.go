package reverse_test

import (
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// diffusersLoop replays diffusers' DDIMScheduler test loop
// (tests/schedulers/test_scheduler_ddim.py, full_loop): the 4×3×8×8 sample
// arange(768)/768, the dummy model output·τ/(τ+1) for 0-based τ, leading
// spacing, clip_sample, η = 0; with noise, the sample is first noised to
// timesteps[startAt] with the reversed arange as noise. It returns
// Σ|x| of the result.
func diffusersLoop(t *testing.T, betaStart float64, setAlphaToOne, vPrediction bool, startAt int) float64 {
	t.Helper()
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 1000, BetaStart: betaStart, BetaEnd: 0.02})
	const n = 768
	x := make([]float32, n)
	for k := range x {
		x[k] = float32(k) / n
	}
	ts, err := reverse.Timesteps(1000, 10, reverse.Leading, 0)
	if err != nil {
		t.Fatal(err)
	}
	if startAt > 0 {
		t0 := ts[startAt]
		a, b := float32(s.SqrtAlphaBar(t0)), float32(s.SqrtOneMinusAlphaBar(t0))
		for k := range x {
			x[k] = a*x[k] + b*float32(n-1-k)/n
		}
	}
	out := make([]float32, n)
	x0 := make([]float32, n)
	eps := make([]float32, n)
	for i := startAt; i < len(ts); i++ {
		tt := ts[i]
		tau := float32(tt - 1)
		for k := range out {
			out[k] = x[k] * tau / (tau + 1)
		}
		a, b := s.SqrtAlphaBar(tt), s.SqrtOneMinusAlphaBar(tt)
		if vPrediction {
			reverse.X0FromV(x0, x, out, a, b)
			reverse.EpsFromV(eps, x, out, a, b)
		} else {
			copy(eps, out)
			reverse.X0FromEps(x0, x, eps, a, b)
		}
		reverse.Clip(x0)
		// prev_timestep = τ − T/S; below 0, final_alpha_cumprod.
		abPrev, omPrev := 1.0, 0.0
		if i+1 < len(ts) {
			abPrev, omPrev = s.AlphaBar[ts[i+1]], s.OneMinusAlphaBar(ts[i+1])
		} else if !setAlphaToOne {
			abPrev, omPrev = s.AlphaBar[1], s.OneMinusAlphaBar(1)
		}
		reverse.DDIMUpdate(x, x0, eps, abPrev, omPrev, 0, nil)
	}
	var sum float64
	for _, v := range x {
		sum += math.Abs(float64(v))
	}
	return sum
}

// TestDiffusersDDIM checks DDIMUpdate, the conversions and Clip against the
// numbers diffusers' own DDIM tests publish, with their tolerance (1e-2 on
// the sum).
func TestDiffusersDDIM(t *testing.T) {
	cases := []struct {
		name          string
		betaStart     float64
		setAlphaToOne bool
		v             bool
		startAt       int
		wantSum       float64
	}{
		{"full_loop_no_noise", 1e-4, true, false, 0, 172.0067},
		{"full_loop_with_v_prediction", 1e-4, true, true, 0, 52.5302},
		{"full_loop_with_set_alpha_to_one", 0.01, true, false, 0, 149.8295},
		{"full_loop_with_no_set_alpha_to_one", 0.01, false, false, 0, 149.0784},
		{"full_loop_with_noise", 1e-4, true, false, 8, 354.5418},
	}
	for _, c := range cases {
		got := diffusersLoop(t, c.betaStart, c.setAlphaToOne, c.v, c.startAt)
		if math.Abs(got-c.wantSum) >= 1e-2 {
			t.Errorf("%s: Σ|x| = %.4f, diffusers expects %.4f", c.name, got, c.wantSum)
		}
	}
}

// TestDiffusersDDIMVariance: diffusers' test_variance, σ² at η = 1 for
// (τ, τ_prev) pairs (t = τ + 1), to 1e-5.
func TestDiffusersDDIMVariance(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	for _, c := range []struct {
		tau, prev int
		want      float64
	}{
		{0, 0, 0}, {420, 400, 0.14771}, {980, 960, 0.32460}, {487, 486, 0.00979}, {999, 998, 0.02},
	} {
		sig := reverse.DDIMSigma(s, c.tau+1, c.prev+1, 1)
		if math.Abs(sig*sig-c.want) >= 1e-5 {
			t.Errorf("σ²(%d, %d) = %.6f, diffusers expects %.5f", c.tau, c.prev, sig*sig, c.want)
		}
	}
}

// TestDDIMSigmaIsPosteriorVariance: with η = 1 and consecutive steps,
// DDIM's σ² is DDPM's β̃_t (Song et al. 2021, §4.1).
func TestDDIMSigmaIsPosteriorVariance(t *testing.T) {
	for name, s := range testSchedules(t) {
		p := reverse.NewPosterior(s)
		for tt := 1; tt <= s.T; tt++ {
			sig := reverse.DDIMSigma(s, tt, tt-1, 1)
			if !relClose(sig*sig, p.Var[tt], 1e-12) && math.Abs(sig*sig-p.Var[tt]) > 1e-300 {
				t.Fatalf("%s t=%d: σ² = %v, β̃ = %v", name, tt, sig*sig, p.Var[tt])
			}
		}
	}
}

// TestDDPMUpdateAlgorithm2 compares the posterior form of a DDPM step with
// Ho et al.'s Algorithm 2 written in ε̂ and computed in float64:
//
//	x_{t−1} = (x_t − β_t/√(1 − ᾱ_t)·ε̂)/√α_t + σ_t·z,  ε̂ = (x_t − √ᾱ_t·x̂_0)/√(1 − ᾱ_t)
func TestDDPMUpdateAlgorithm2(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	p := reverse.NewPosterior(s)
	const n = 512
	xt := gauss(n, 3, 1)
	x0 := gauss(n, 3, 2)
	z := gauss(n, 3, 3)
	got := make([]float32, n)
	for _, tt := range []int{1, 2, 10, 100, 500, 1000} {
		sd := math.Sqrt(p.Var[tt])
		reverse.DDPMUpdate(got, x0, xt, p.C0[tt], p.Ct[tt], sd, z)
		a, b := s.SqrtAlphaBar(tt), s.SqrtOneMinusAlphaBar(tt)
		var worst float64
		for i := range got {
			eps := (float64(xt[i]) - a*float64(x0[i])) / b
			want := (float64(xt[i])-s.Beta[tt]/b*eps)/math.Sqrt(s.Alpha[tt]) + sd*float64(z[i])
			worst = math.Max(worst, math.Abs(float64(got[i])-want)/(1+math.Abs(want)))
		}
		if worst > 2e-6 {
			t.Errorf("t=%d: posterior form and Algorithm 2 differ by %.3g", tt, worst)
		}
	}
}

// TestDDIMUpdateEq12 compares DDIMUpdate with Song et al.'s eq. 12 computed
// in float64 with σ from eq. 16, for several η and step pairs.
func TestDDIMUpdateEq12(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	const n = 512
	xt := gauss(n, 4, 1)
	x0 := gauss(n, 4, 2)
	z := gauss(n, 4, 3)
	got := make([]float32, n)
	eps := make([]float32, n)
	for _, c := range []struct {
		t, prev int
		eta     float64
	}{{1000, 980, 0}, {1000, 980, 1}, {500, 300, 0.5}, {21, 1, 1}, {1, 0, 1}, {2, 0, 0.3}} {
		a, b := s.SqrtAlphaBar(c.t), s.SqrtOneMinusAlphaBar(c.t)
		reverse.EpsFromX0(eps, xt, x0, a, b)
		sig := reverse.DDIMSigma(s, c.t, c.prev, c.eta)
		abt, abp := s.AlphaBar[c.t], s.AlphaBar[c.prev]
		wantSig := c.eta * math.Sqrt((1-abp)/(1-abt)*(1-abt/abp))
		if math.Abs(sig-wantSig) > 1e-9*(1+wantSig) {
			t.Errorf("σ(%d→%d, η=%v) = %v, eq. 16 gives %v", c.t, c.prev, c.eta, sig, wantSig)
		}
		reverse.DDIMUpdate(got, x0, eps, abp, s.OneMinusAlphaBar(c.prev), sig, z)
		var worst float64
		for i := range got {
			e := (float64(xt[i]) - math.Sqrt(abt)*float64(x0[i])) / math.Sqrt(1-abt)
			want := math.Sqrt(abp)*float64(x0[i]) + math.Sqrt(math.Max(1-abp-wantSig*wantSig, 0))*e + wantSig*float64(z[i])
			worst = math.Max(worst, math.Abs(float64(got[i])-want)/(1+math.Abs(want)))
		}
		if worst > 2e-6 {
			t.Errorf("%d→%d η=%v: DDIMUpdate and eq. 12 differ by %.3g", c.t, c.prev, c.eta, worst)
		}
	}
}

// TestOracleReturnsToX0: with the oracle every sampler ends at x_0, to float
// error, for every schedule kind and setting.
func TestOracleReturnsToX0(t *testing.T) {
	x0 := gauss(300, 5, 1)
	for i := range x0 {
		x0[i] = float32(math.Tanh(float64(x0[i])))
	}
	configs := []reverse.Config{
		{Method: reverse.DDPM, Variance: reverse.Small},
		{Method: reverse.DDPM, Variance: reverse.Large},
		{Method: reverse.DDIM, Eta: 0, Steps: 50, Spacing: reverse.Leading},
		{Method: reverse.DDIM, Eta: 1, Steps: 50, Spacing: reverse.Trailing},
		{Method: reverse.DDIM, Eta: 0.5, Steps: 7, Spacing: reverse.Linspace},
		{Method: reverse.DDIM, Eta: 0, Steps: 1, Spacing: reverse.Trailing},
	}
	for _, zt := range []bool{false, true} {
		s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Cosine, T: 1000, ZeroTerminalSNR: zt})
		for _, c := range configs {
			sp, err := reverse.NewSampler(s, reverse.Oracle{X0: x0}, c)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float32, len(x0))
			sp.Sample(x, 9, nil)
			if d := maxAbsDiff(x, x0); d > 1e-6 {
				t.Errorf("zsnr=%v %+v: ends %.3g from x_0", zt, c, d)
			}
		}
	}
}

// TestDDIMEta1IsDDPM: DDIM with η = 1 over all T steps is DDPM with β̃_t
// (Song et al. 2021, §4.1), and with the same noise streams the two runs
// agree to float rounding.
func TestDDIMEta1IsDDPM(t *testing.T) {
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 200, BetaStart: 1e-4, BetaEnd: 0.05})
	den := shrink{s}
	ddpm, _ := reverse.NewSampler(s, den, reverse.Config{Method: reverse.DDPM, Variance: reverse.Small})
	ddim, _ := reverse.NewSampler(s, den, reverse.Config{Method: reverse.DDIM, Eta: 1, Steps: 200, Spacing: reverse.Trailing})
	a := make([]float32, 256)
	b := make([]float32, 256)
	ddpm.Sample(a, 11, nil)
	ddim.Sample(b, 11, nil)
	if d := maxAbsDiff(a, b); d > 1e-4 {
		t.Errorf("DDIM η=1 and DDPM differ by %.3g", d)
	}
}

// shrink is the ideal denoiser of x_0 ~ N(0, ½I): x̂_0 = √ᾱ·½·x_t/(ᾱ·½ + 1 − ᾱ).
type shrink struct{ s *diffusion.Schedule }

func (d shrink) Denoise(dst, xt []float32, t int) {
	ab := d.s.AlphaBar[t]
	k := float32(math.Sqrt(ab) * 0.5 / (ab*0.5 + d.s.OneMinusAlphaBar(t)))
	for i := range dst {
		dst[i] = k * xt[i]
	}
}

// TestShrinkSamplesVariance: the reverse process with the exact denoiser of
// a Gaussian data set N(0, ½I) must produce samples of variance ½, up to the
// O(1/T) error of taking single steps (DDPM with β̃_t, and DDIM over all T
// steps with η = 0 or 1; DDIM with 100 steps ends near 0.46–0.47, its
// discretisation error). 20,000 numbers give the variance to ±0.01 (its
// standard error is 0.005); a sampler with a wrong coefficient ends
// elsewhere.
func TestShrinkSamplesVariance(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	for _, c := range []reverse.Config{
		{Method: reverse.DDPM, Variance: reverse.Small},
		{Method: reverse.DDIM, Eta: 0, Steps: 1000, Spacing: reverse.Trailing},
		{Method: reverse.DDIM, Eta: 1, Steps: 1000, Spacing: reverse.Trailing},
	} {
		sp, err := reverse.NewSampler(s, shrink{s}, c)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 20000)
		sp.Sample(x, 2026, nil)
		var v float64
		for _, e := range x {
			v += float64(e) * float64(e)
		}
		v /= float64(len(x))
		if math.Abs(v-0.5) > 0.01 {
			t.Errorf("%+v: sample variance %.4f, want 0.5", c, v)
		}
	}
}

func TestNewSamplerRefuses(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	for _, c := range []struct {
		c    reverse.Config
		want string
	}{
		{reverse.Config{Method: reverse.DDIM, Eta: 1.5, Steps: 10}, "eta must be a number in 0..1, got 1.5"},
		{reverse.Config{Method: reverse.DDIM, Eta: math.NaN(), Steps: 10}, "eta must be a number in 0..1, got NaN"},
		{reverse.Config{Method: reverse.DDIM, Steps: 0}, "steps must be an integer in 1..1000, got 0"},
		{reverse.Config{Method: reverse.DDPM, Variance: 5}, "variance must be small or large, got 5"},
		{reverse.Config{Method: 3}, "sampler must be ddpm or ddim, got 3"},
	} {
		_, err := reverse.NewSampler(s, shrink{s}, c.c)
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: error %v, want %q", c.c, err, c.want)
		}
	}
}
