package diffusion_test

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"dissolve/diffusion"
)

// The lesson's printed value, np.cumprod(1 − np.linspace(1e-4, 0.02, 1000))[-1].
const lessonAlphaBarT = 4.035829765375676e-05

func mustSchedule(t testing.TB, c diffusion.Config) *diffusion.Schedule {
	t.Helper()
	s, err := diffusion.NewSchedule(c)
	if err != nil {
		t.Fatalf("NewSchedule(%+v): %v", c, err)
	}
	return s
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), math.SmallestNonzeroFloat64)
}

func TestLessonAlphaBarT(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	if got := s.AlphaBar[1000]; relErr(got, lessonAlphaBarT) > 1e-15 {
		t.Errorf("ᾱ_T = %.17g, want %.17g", got, lessonAlphaBarT)
	}
	if len(s.Beta) != 1001 || s.Beta[0] != 0 || s.Alpha[0] != 1 || s.AlphaBar[0] != 1 {
		t.Errorf("t = 0 entries wrong: len %d, β_0 %v, α_0 %v, ᾱ_0 %v", len(s.Beta), s.Beta[0], s.Alpha[0], s.AlphaBar[0])
	}
	if s.Beta[1] != 1e-4 || s.Beta[1000] != 0.02 {
		t.Errorf("β_1, β_T = %v, %v; want 1e-4, 0.02 exactly (both ends included)", s.Beta[1], s.Beta[1000])
	}
}

// bigAlphaBar returns ∏_{s≤t}(1 − β_s) for t = 0..T, with the betas given as
// exact big numbers, at 200 bits: an independent check of the float64
// cumulative product.
func bigAlphaBar(betas []*big.Float) []*big.Float {
	out := []*big.Float{big.NewFloat(1).SetPrec(200)}
	p := new(big.Float).SetPrec(200).SetInt64(1)
	for _, b := range betas {
		a := new(big.Float).SetPrec(200).Sub(big.NewFloat(1), b)
		p = new(big.Float).SetPrec(200).Mul(p, a)
		out = append(out, p)
	}
	return out
}

func f64(x *big.Float) float64 { v, _ := x.Float64(); return v }

// referenceBetas derives β_1..β_T from the schedule's formula in exact or
// high-precision arithmetic, written independently of the package.
func referenceBetas(c diffusion.Config) []*big.Float {
	T := c.T
	prec := uint(200)
	nb := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	frac := func(i int) *big.Float { // (i)/(T−1) as a big ratio
		if T == 1 {
			return nb(0)
		}
		return new(big.Float).SetPrec(prec).Quo(nb(float64(i)), nb(float64(T-1)))
	}
	lerp := func(a, b *big.Float, i int) *big.Float {
		d := new(big.Float).SetPrec(prec).Sub(b, a)
		d.Mul(d, frac(i))
		return d.Add(d, a)
	}
	var out []*big.Float
	for i := 0; i < T; i++ {
		var b *big.Float
		switch c.Schedule {
		case diffusion.Linear:
			b = lerp(nb(c.BetaStart), nb(c.BetaEnd), i)
		case diffusion.ScaledLinear:
			r := lerp(new(big.Float).SetPrec(prec).Sqrt(nb(c.BetaStart)), new(big.Float).SetPrec(prec).Sqrt(nb(c.BetaEnd)), i)
			b = r.Mul(r, r)
		case diffusion.Sigmoid:
			x := -6 + 12*f64(frac(i))
			sig := 1 / (1 + math.Exp(-x)) // float64 is enough: 1 ulp
			b = nb(c.BetaStart + sig*(c.BetaEnd-c.BetaStart))
		case diffusion.Cosine:
			f := func(u float64) float64 { return math.Pow(math.Cos((u+0.008)/1.008*math.Pi/2), 2) }
			b = nb(math.Min(1-f(float64(i+1)/float64(T))/f(float64(i)/float64(T)), 0.999))
		}
		out = append(out, b)
	}
	return out
}

func TestScheduleTables(t *testing.T) {
	cases := []struct {
		c        diffusion.Config
		beta1    float64 // independent closed form for β_1
		betaT    float64 // and β_T
		betaTol  float64 // relative
		checkAt  []int
		abarTol  float64 // relative, ᾱ_t against the big-float product
		sigmoidF bool
	}{
		{diffusion.LessonConfig(), 1e-4, 0.02, 0, []int{1, 2, 10, 100, 500, 999, 1000}, 1e-13, false},
		{diffusion.Config{Schedule: diffusion.Linear, T: 10, BetaStart: 0.1, BetaEnd: 0.2}, 0.1, 0.2, 0, []int{1, 5, 10}, 1e-14, false},
		{diffusion.Config{Schedule: diffusion.Linear, T: 1, BetaStart: 0.3, BetaEnd: 0.4}, 0.3, 0.3, 0, []int{1}, 1e-15, false},
		{diffusion.Config{Schedule: diffusion.Linear, T: 10000, BetaStart: 1e-5, BetaEnd: 0.005}, 1e-5, 0.005, 0, []int{1, 5000, 10000}, 1e-12, false},
		{diffusion.Config{Schedule: diffusion.ScaledLinear, T: 1000, BetaStart: 0.00085, BetaEnd: 0.012}, 0.00085, 0.012, 1e-15, []int{1, 10, 500, 1000}, 1e-13, false},
		{diffusion.Config{Schedule: diffusion.ScaledLinear, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02}, 1e-4, 0.02, 1e-15, []int{1, 250, 1000}, 1e-13, false},
		{diffusion.Config{Schedule: diffusion.Sigmoid, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02},
			1e-4 + (0.02-1e-4)/(1+math.Exp(6)), 1e-4 + (0.02-1e-4)/(1+math.Exp(-6)), 1e-15, []int{1, 500, 1000}, 1e-13, true},
		{diffusion.Config{Schedule: diffusion.Cosine, T: 1000}, 0, 0.999, 1e-12, []int{1, 10, 500, 999, 1000}, 1e-12, false},
		{diffusion.Config{Schedule: diffusion.Cosine, T: 50}, 0, 0.999, 1e-12, []int{1, 25, 49, 50}, 1e-13, false},
	}
	for _, tc := range cases {
		name := tc.c.Schedule + "/T=" + itoa(tc.c.T)
		t.Run(name, func(t *testing.T) {
			s := mustSchedule(t, tc.c)
			T := tc.c.T
			if tc.c.Schedule != diffusion.Cosine {
				if relErr(s.Beta[1], tc.beta1) > tc.betaTol || relErr(s.Beta[T], tc.betaT) > tc.betaTol {
					t.Errorf("β_1, β_T = %.17g, %.17g; want %.17g, %.17g", s.Beta[1], s.Beta[T], tc.beta1, tc.betaT)
				}
			} else if s.Beta[T] != 0.999 {
				t.Errorf("cosine β_T = %v, want the clip 0.999", s.Beta[T])
			}
			ref := referenceBetas(tc.c)
			for i, b := range ref {
				tol := math.Max(tc.betaTol, 1e-15) // linspace rounds step, i·step and the sum
				if tc.c.Schedule == diffusion.Cosine {
					tol = 1e-9 // 1 − ratio cancels; both sides use float64 cos
				}
				if relErr(s.Beta[i+1], f64(b)) > tol {
					t.Fatalf("β_%d = %.17g, want %.17g", i+1, s.Beta[i+1], f64(b))
				}
			}
			abar := bigAlphaBar(ref)
			for _, tt := range tc.checkAt {
				want := f64(abar[tt])
				if relErr(s.AlphaBar[tt], want) > tc.abarTol {
					t.Errorf("ᾱ_%d = %.17g, want %.17g (rel %.2g)", tt, s.AlphaBar[tt], want, relErr(s.AlphaBar[tt], want))
				}
				// 1 − ᾱ_t, SNR and β̃_t from the big product.
				om := f64(new(big.Float).Sub(big.NewFloat(1), abar[tt]))
				if relErr(s.OneMinusAlphaBar(tt), om) > 1e-12 {
					t.Errorf("1 − ᾱ_%d = %.17g, want %.17g", tt, s.OneMinusAlphaBar(tt), om)
				}
				if relErr(s.SNR(tt), want/om) > 1e-12 {
					t.Errorf("SNR_%d = %.17g, want %.17g", tt, s.SNR(tt), want/om)
				}
				omPrev := f64(new(big.Float).Sub(big.NewFloat(1), abar[tt-1]))
				pv := omPrev / om * f64(ref[tt-1])
				if relErr(s.PosteriorVariance(tt), pv) > 1e-12 && math.Abs(pv-s.PosteriorVariance(tt)) > 1e-300 {
					t.Errorf("β̃_%d = %.17g, want %.17g", tt, s.PosteriorVariance(tt), pv)
				}
			}
		})
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// Values printed by NumPy on this machine (np.linspace, np.cumprod, repr),
// compared for exact equality: the tables follow NumPy's operations.
func TestNumPyGolden(t *testing.T) {
	cases := []struct {
		c    diffusion.Config
		beta map[int]float64
		abar map[int]float64
	}{
		{diffusion.Config{Schedule: diffusion.Linear, T: 10000, BetaStart: 1e-5, BetaEnd: 0.005},
			map[int]float64{495: 0.0002565306530653066, 9999: 0.00499950095009501}, nil},
		{diffusion.LessonConfig(),
			map[int]float64{2: 0.00011991991991991993, 999: 0.01998008008008008},
			map[int]float64{1: 0.9999, 100: 0.89701814567496, 500: 0.07858724288177824, 1000: lessonAlphaBarT}},
		{diffusion.Config{Schedule: diffusion.ScaledLinear, T: 1000, BetaStart: 0.00085, BetaEnd: 0.012},
			map[int]float64{501: 0.00481495414171188}, map[int]float64{1000: 0.004660098513077238}},
	}
	for _, tc := range cases {
		s := mustSchedule(t, tc.c)
		for tt, want := range tc.beta {
			if s.Beta[tt] != want {
				t.Errorf("%+v: β_%d = %.17g, NumPy %.17g", tc.c, tt, s.Beta[tt], want)
			}
		}
		for tt, want := range tc.abar {
			if relErr(s.AlphaBar[tt], want) > 1e-15 {
				t.Errorf("%+v: ᾱ_%d = %.17g, NumPy %.17g", tc.c, tt, s.AlphaBar[tt], want)
			}
		}
	}
}

// The cosine schedule telescopes: without the clip, ᾱ_t = f(t/T)/f(0).
func TestCosineTelescopes(t *testing.T) {
	for _, T := range []int{10, 1000, 4000} {
		s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Cosine, T: T})
		f := func(u float64) float64 { return math.Pow(math.Cos((u+0.008)/1.008*math.Pi/2), 2) }
		for _, tt := range []int{1, T / 3, T / 2, T - 2} {
			want := f(float64(tt)/float64(T)) / f(0)
			if relErr(s.AlphaBar[tt], want) > 1e-10 {
				t.Errorf("T=%d: ᾱ_%d = %.17g, want f(t/T)/f(0) = %.17g", T, tt, s.AlphaBar[tt], want)
			}
		}
	}
}

// rescaleReference is diffusers' rescale_zero_terminal_snr, written as there
// (array arithmetic on ᾱ, float64), for comparison.
func rescaleReference(beta []float64) (abar []float64) {
	T := len(beta)
	ab := make([]float64, T)
	p := 1.0
	for i, b := range beta {
		p *= 1 - b
		ab[i] = math.Sqrt(p)
	}
	s0, sT := ab[0], ab[T-1]
	for i := range ab {
		ab[i] = (ab[i] - sT) * (s0 / (s0 - sT))
		ab[i] *= ab[i]
	}
	return ab
}

func TestZeroTerminalSNR(t *testing.T) {
	for _, name := range diffusion.ScheduleNames() {
		for _, T := range []int{2, 10, 1000} {
			c := diffusion.Config{Schedule: name, T: T, BetaStart: 0.00085, BetaEnd: 0.012, ZeroTerminalSNR: true}
			s := mustSchedule(t, c)
			base := c
			base.ZeroTerminalSNR = false
			b := mustSchedule(t, base)
			if s.AlphaBar[T] != 0 || s.Beta[T] != 1 || s.SNR(T) != 0 || !math.IsInf(s.LogSNR(T), -1) {
				t.Errorf("%s T=%d: ᾱ_T = %v, β_T = %v, SNR_T = %v, logSNR_T = %v; want 0, 1, 0, -Inf",
					name, T, s.AlphaBar[T], s.Beta[T], s.SNR(T), s.LogSNR(T))
			}
			if relErr(s.AlphaBar[1], b.AlphaBar[1]) > 1e-13 {
				t.Errorf("%s T=%d: ᾱ_1 = %v changed from %v", name, T, s.AlphaBar[1], b.AlphaBar[1])
			}
			ref := rescaleReference(b.Beta[1:])
			for tt := 1; tt < T; tt++ {
				if relErr(s.AlphaBar[tt], ref[tt-1]) > 1e-9 {
					t.Errorf("%s T=%d: ᾱ_%d = %.17g, diffusers-style %.17g", name, T, tt, s.AlphaBar[tt], ref[tt-1])
					break
				}
			}
			if s.PriorKL([]float32{0.5, -1}) != 0 {
				t.Errorf("%s: PriorKL under zero terminal SNR = %v, want 0", name, s.PriorKL([]float32{0.5, -1}))
			}
		}
	}
	// T = 1: the only step is pure noise.
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 1, BetaStart: 0.1, BetaEnd: 0.1, ZeroTerminalSNR: true})
	if s.AlphaBar[1] != 0 || s.Beta[1] != 1 {
		t.Errorf("T=1 zero terminal SNR: ᾱ_1 = %v, β_1 = %v; want 0, 1", s.AlphaBar[1], s.Beta[1])
	}
}

// checkTables asserts the properties every schedule must have.
func checkTables(t *testing.T, s *diffusion.Schedule, strict bool) {
	t.Helper()
	T := s.T
	if len(s.Beta) != T+1 || len(s.Alpha) != T+1 || len(s.AlphaBar) != T+1 {
		t.Fatalf("table lengths %d %d %d, want %d", len(s.Beta), len(s.Alpha), len(s.AlphaBar), T+1)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for tt := 0; tt <= T; tt++ {
		b, a, ab := s.Beta[tt], s.Alpha[tt], s.AlphaBar[tt]
		if !finite(b) || !finite(a) || !finite(ab) || b < 0 || b > 1 || a < 0 || a > 1 || ab < 0 || ab > 1 {
			t.Fatalf("%+v: t=%d β=%v α=%v ᾱ=%v out of [0,1] or not finite", s.Config, tt, b, a, ab)
		}
		if tt > 0 {
			// Strictly decreasing while ᾱ is a normal float64 (it may
			// underflow when β stays near 1 for long).
			if ab > s.AlphaBar[tt-1] || (strict && s.AlphaBar[tt-1] > 1e-290 && ab >= s.AlphaBar[tt-1]) {
				t.Fatalf("%+v: ᾱ_%d = %v not below ᾱ_%d = %v", s.Config, tt, ab, tt-1, s.AlphaBar[tt-1])
			}
			if b <= 0 {
				t.Fatalf("%+v: β_%d = %v <= 0", s.Config, tt, b)
			}
			if snr := s.SNR(tt); math.IsNaN(snr) || snr < 0 { // may overflow to +Inf when β_1 < 1/MaxFloat64
				t.Fatalf("%+v: SNR_%d = %v", s.Config, tt, snr)
			}
			for _, v := range []float64{s.PosteriorVariance(tt), s.SqrtAlphaBar(tt), s.SqrtOneMinusAlphaBar(tt), s.WrongSumStd(tt)} {
				if !finite(v) || v < 0 {
					t.Fatalf("%+v: t=%d derived value %v", s.Config, tt, v)
				}
			}
			c0, ct := s.PosteriorMeanCoef(tt)
			ja, jb := s.JumpCoef(tt-1, tt)
			if !finite(c0) || !finite(ct) || !finite(ja) || !finite(jb) || math.IsNaN(s.LogSNR(tt)) {
				t.Fatalf("%+v: t=%d coefficients %v %v %v %v %v", s.Config, tt, c0, ct, ja, jb, s.LogSNR(tt))
			}
		}
	}
	if kl := s.PriorKL([]float32{1, -1, 0.25}); !finite(kl) || kl < 0 {
		t.Fatalf("%+v: PriorKL = %v", s.Config, kl)
	}
}

func TestScheduleProperties(t *testing.T) {
	ranges := [][2]float64{{1e-4, 0.02}, {0.00085, 0.012}, {0.3, 0.3}, {1e-6, 0.999}}
	for _, name := range diffusion.ScheduleNames() {
		for _, T := range []int{1, 2, 3, 7, 100, 1000, 4096, diffusion.MaxT} {
			for _, r := range ranges {
				for _, zt := range []bool{false, true} {
					s := mustSchedule(t, diffusion.Config{Schedule: name, T: T, BetaStart: r[0], BetaEnd: r[1], ZeroTerminalSNR: zt})
					checkTables(t, s, true)
				}
			}
		}
	}
}

func TestDerivedIdentities(t *testing.T) {
	for _, name := range diffusion.ScheduleNames() {
		s := mustSchedule(t, diffusion.Config{Schedule: name, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02})
		for _, tt := range []int{1, 2, 50, 500, 999, 1000} {
			ab, abPrev := s.AlphaBar[tt], s.AlphaBar[tt-1]
			// E[μ̃ | x_0] = √ᾱ_{t−1}·x_0 and Var = ct²(1−ᾱ_t) + β̃_t = 1 − ᾱ_{t−1}.
			c0, ct := s.PosteriorMeanCoef(tt)
			if got := c0 + ct*math.Sqrt(ab); relErr(got, math.Sqrt(abPrev)) > 1e-12 {
				t.Errorf("%s t=%d: c0 + ct√ᾱ_t = %v, want √ᾱ_{t−1} = %v", name, tt, got, math.Sqrt(abPrev))
			}
			if got := ct*ct*(1-ab) + s.PosteriorVariance(tt); math.Abs(got-(1-abPrev)) > 1e-13 {
				t.Errorf("%s t=%d: ct²(1−ᾱ_t) + β̃_t = %v, want 1 − ᾱ_{t−1} = %v", name, tt, got, 1-abPrev)
			}
			// LogSNR = ln SNR.
			if got := s.LogSNR(tt); math.Abs(got-math.Log(ab/(1-ab))) > 1e-9*math.Max(1, math.Abs(got)) {
				t.Errorf("%s t=%d: LogSNR %v, want %v", name, tt, got, math.Log(ab/(1-ab)))
			}
			// Jumps compose: 0 → k → t equals 0 → t.
			k := tt / 3
			a1, b1 := s.JumpCoef(0, k)
			a2, b2 := s.JumpCoef(k, tt)
			if relErr(a1*a2, math.Sqrt(ab)) > 1e-13 || math.Abs(a2*a2*b1*b1+b2*b2-(1-ab)) > 1e-13 {
				t.Errorf("%s t=%d: composed jump (%v, %v), want (%v, %v)", name, tt, a1*a2, a2*a2*b1*b1+b2*b2, math.Sqrt(ab), 1-ab)
			}
			if a, b := s.JumpCoef(0, tt); a != s.SqrtAlphaBar(tt) || b != s.SqrtOneMinusAlphaBar(tt) {
				t.Errorf("%s t=%d: JumpCoef(0, t) = (%v, %v), want (%v, %v)", name, tt, a, b, s.SqrtAlphaBar(tt), s.SqrtOneMinusAlphaBar(tt))
			}
			// WrongSumStd against the sum written out.
			var w float64
			for u := 1; u <= tt; u++ {
				w += math.Sqrt(ab/s.AlphaBar[u]) * math.Sqrt(s.Beta[u])
			}
			if relErr(s.WrongSumStd(tt), w) > 1e-12 {
				t.Errorf("%s t=%d: WrongSumStd = %v, want %v", name, tt, s.WrongSumStd(tt), w)
			}
			if tt > 1 && !(s.WrongSumStd(tt) > s.SqrtOneMinusAlphaBar(tt)) {
				t.Errorf("%s t=%d: wrong std %v should exceed the right %v", name, tt, s.WrongSumStd(tt), s.SqrtOneMinusAlphaBar(tt))
			}
		}
		if s.SNR(0) != math.Inf(1) || s.PosteriorVariance(1) != 0 {
			t.Errorf("%s: SNR_0 = %v, β̃_1 = %v; want +Inf, 0", name, s.SNR(0), s.PosteriorVariance(1))
		}
	}
}

func TestPriorKL(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := []float32{-1, -0.5, 0, 0.25, 1}
	ab := s.AlphaBar[s.T]
	var want float64
	for _, v := range x0 {
		mu, v2 := math.Sqrt(ab)*float64(v), 1-ab
		want += 0.5 * (v2 + mu*mu - 1 - math.Log(v2))
	}
	want /= float64(len(x0))
	if got := s.PriorKL(x0); relErr(got, want) > 1e-6 { // the direct form cancels; log1p is better
		t.Errorf("PriorKL = %v, want %v", got, want)
	}
}

func TestSignalNoiseCrossing(t *testing.T) {
	for _, name := range diffusion.ScheduleNames() {
		s := mustSchedule(t, diffusion.Config{Schedule: name, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02})
		c := s.SignalNoiseCrossing()
		lo := int(math.Floor(c))
		if !(s.AlphaBar[lo] >= 0.5 && s.AlphaBar[lo+1] <= 0.5) {
			t.Errorf("%s: crossing %v, but ᾱ_%d = %v, ᾱ_%d = %v", name, c, lo, s.AlphaBar[lo], lo+1, s.AlphaBar[lo+1])
		}
		f := c - float64(lo)
		if interp := s.AlphaBar[lo]*(1-f) + s.AlphaBar[lo+1]*f; math.Abs(interp-0.5) > 1e-12 {
			t.Errorf("%s: interpolated ᾱ at the crossing = %v", name, interp)
		}
	}
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 10, BetaStart: 1e-4, BetaEnd: 1e-3})
	if c := s.SignalNoiseCrossing(); !math.IsNaN(c) {
		t.Errorf("crossing of a schedule that never reaches ½ = %v, want NaN", c)
	}
}

func TestTwoStepVariance(t *testing.T) {
	cases := []struct{ a1, a2, right, wrong float64 }{
		{0.9, 0.8, 0.28, math.Pow(math.Sqrt(0.08)+math.Sqrt(0.2), 2)},
		{1, 1, 0, 0},
		{0.5, 1, 0.5, 0.5},
		{0.99, 0.98, 1 - 0.99*0.98, math.Pow(math.Sqrt(0.98*0.01)+math.Sqrt(0.02), 2)},
	}
	for _, c := range cases {
		r, w := diffusion.TwoStepVariance(c.a1, c.a2)
		if math.Abs(r-c.right) > 1e-15 || math.Abs(w-c.wrong) > 1e-15 {
			t.Errorf("TwoStepVariance(%v, %v) = %v, %v; want %v, %v", c.a1, c.a2, r, w, c.right, c.wrong)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := diffusion.LessonConfig()
	with := func(f func(*diffusion.Config)) diffusion.Config { c := ok; f(&c); return c }
	cases := []struct {
		c     diffusion.Config
		field string
		msg   string
	}{
		{with(func(c *diffusion.Config) { c.T = 0 }), "T", "T must be an integer in 1..10000, got 0"},
		{with(func(c *diffusion.Config) { c.T = 10001 }), "T", "T must be an integer in 1..10000, got 10001"},
		{with(func(c *diffusion.Config) { c.T = -5 }), "T", "T must be an integer in 1..10000, got -5"},
		{with(func(c *diffusion.Config) { c.BetaStart = math.NaN() }), "betaStart", "betaStart must be a number in (0, 1), got NaN"},
		{with(func(c *diffusion.Config) { c.BetaStart = 0 }), "betaStart", "betaStart must be a number in (0, 1), got 0"},
		{with(func(c *diffusion.Config) { c.BetaStart = -1e-4 }), "betaStart", "betaStart must be a number in (0, 1), got -0.0001"},
		{with(func(c *diffusion.Config) { c.BetaEnd = 1 }), "betaEnd", "betaEnd must be a number in (0, 1), got 1"},
		{with(func(c *diffusion.Config) { c.BetaEnd = math.Inf(1) }), "betaEnd", "betaEnd must be a number in (0, 1), got +Inf"},
		{with(func(c *diffusion.Config) { c.BetaStart = math.Inf(-1) }), "betaStart", "betaStart must be a number in (0, 1), got -Inf"},
		{with(func(c *diffusion.Config) { c.BetaStart, c.BetaEnd = 0.02, 0.01 }), "betaEnd", "betaEnd must be >= betaStart (0.02), got 0.01"},
		{with(func(c *diffusion.Config) { c.Schedule = "foo" }), "schedule", `schedule must be one of linear, scaled-linear, cosine, sigmoid, got "foo"`},
		{with(func(c *diffusion.Config) { c.Schedule = "" }), "schedule", `schedule must be one of linear, scaled-linear, cosine, sigmoid, got ""`},
	}
	for _, tc := range cases {
		err := tc.c.Validate()
		pe, isPE := err.(*diffusion.ParamError)
		if !isPE || pe.Field != tc.field || err.Error() != tc.msg {
			t.Errorf("Validate(%+v) = %v, want %q", tc.c, err, tc.msg)
		}
		if s, err2 := diffusion.NewSchedule(tc.c); s != nil || err2 == nil || err2.Error() != tc.msg {
			t.Errorf("NewSchedule(%+v) = %v, %v; want nil, %q", tc.c, s, err2, tc.msg)
		}
	}
	for _, c := range []diffusion.Config{
		ok,
		{Schedule: diffusion.Cosine, T: 1000}, // cosine ignores the betas
		{Schedule: diffusion.Sigmoid, T: 1, BetaStart: 0.5, BetaEnd: 0.5},
		{Schedule: diffusion.ScaledLinear, T: diffusion.MaxT, BetaStart: 1e-300, BetaEnd: 0.999999, ZeroTerminalSNR: true},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", c, err)
		}
	}
	if got := strings.Join(diffusion.ScheduleNames(), ","); got != "linear,scaled-linear,cosine,sigmoid" {
		t.Errorf("ScheduleNames() = %s", got)
	}
}

func FuzzNewSchedule(f *testing.F) {
	f.Add("linear", 1000, 1e-4, 0.02, false)
	f.Add("cosine", 1, 0.0, 0.0, true)
	f.Add("scaled-linear", 10000, 5e-324, 0.9999999999999999, true)
	f.Add("sigmoid", 2, 0.5, 0.5, true)
	f.Add("linear", 3, 1e-20, 1e-19, true)
	f.Add("nope", -1, math.NaN(), math.Inf(1), false)
	f.Fuzz(func(t *testing.T, name string, T int, b0, b1 float64, zt bool) {
		if T > 2000 && T <= diffusion.MaxT {
			T = 2000 + T%64 // keep each run quick; MaxT is covered by TestScheduleProperties
		}
		c := diffusion.Config{Schedule: name, T: T, BetaStart: b0, BetaEnd: b1, ZeroTerminalSNR: zt}
		s, err := diffusion.NewSchedule(c)
		if (err == nil) != (c.Validate() == nil) {
			t.Fatalf("NewSchedule and Validate disagree on %+v", c)
		}
		if err != nil {
			if _, ok := err.(*diffusion.ParamError); !ok || s != nil {
				t.Fatalf("%+v: error %T %v with schedule %v", c, err, err, s)
			}
			return
		}
		checkTables(t, s, false)
		if zt && s.AlphaBar[T] != 0 {
			t.Fatalf("%+v: ᾱ_T = %v under zero terminal SNR", c, s.AlphaBar[T])
		}
	})
}
