package reverse_test

import (
	"math"
	"strconv"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

func mustSchedule(t testing.TB, c diffusion.Config) *diffusion.Schedule {
	t.Helper()
	s, err := diffusion.NewSchedule(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testSchedules covers every base schedule, with and without zero terminal
// SNR, at the lesson's T and at small T.
func testSchedules(t testing.TB) map[string]*diffusion.Schedule {
	out := map[string]*diffusion.Schedule{}
	for _, name := range diffusion.ScheduleNames() {
		for _, zt := range []bool{false, true} {
			for _, T := range []int{1, 2, 10, 1000} {
				c := diffusion.Config{Schedule: name, T: T, BetaStart: 1e-4, BetaEnd: 0.02, ZeroTerminalSNR: zt}
				key := c.Schedule
				if zt {
					key += "+zsnr"
				}
				out[key+"/T="+strconv.Itoa(T)] = mustSchedule(t, c)
			}
		}
	}
	return out
}

func relClose(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-300)
}

// TestPosteriorBayes derives the posterior independently, as the product of
// the two Gaussians Bayes' rule multiplies (x_{t−1} | x_0 and x_t | x_{t−1}):
//
//	1/β̃ = 1/(1 − ᾱ_{t−1}) + α_t/β_t
//	μ̃ = β̃·(√ᾱ_{t−1}/(1 − ᾱ_{t−1})·x_0 + √α_t/β_t·x_t)
//
// with ᾱ from an independent running product.
func TestPosteriorBayes(t *testing.T) {
	for name, s := range testSchedules(t) {
		p := reverse.NewPosterior(s)
		abar := 1.0
		oneMinus := 0.0 // 1 − ᾱ_{t−1}, by the recurrence 1 − ᾱ_t = β_t + α_t(1 − ᾱ_{t−1})
		for tt := 1; tt <= s.T; tt++ {
			beta := s.Beta[tt]
			alpha := 1 - beta
			var wantVar, wantC0, wantCt float64
			if tt == 1 {
				wantVar, wantC0, wantCt = 0, 1, 0 // x_0 is known exactly: 1 − ᾱ_0 = 0
			} else {
				prec := 1/oneMinus + alpha/beta
				wantVar = 1 / prec
				wantC0 = wantVar * math.Sqrt(abar) / oneMinus
				wantCt = wantVar * math.Sqrt(alpha) / beta
			}
			if !relClose(p.Var[tt], wantVar, 1e-9) || !relClose(p.C0[tt], wantC0, 1e-9) ||
				!(relClose(p.Ct[tt], wantCt, 1e-9) || math.Abs(p.Ct[tt]-wantCt) < 1e-15) {
				t.Fatalf("%s t=%d: got C0=%v Ct=%v Var=%v, Bayes gives %v %v %v",
					name, tt, p.C0[tt], p.Ct[tt], p.Var[tt], wantC0, wantCt, wantVar)
			}
			if math.IsNaN(p.LogVar[tt]) || math.IsInf(p.LogVar[tt], 0) {
				t.Fatalf("%s t=%d: LogVar = %v", name, tt, p.LogVar[tt])
			}
			abar *= alpha
			oneMinus = beta + alpha*oneMinus
		}
	}
}

// TestPosteriorZeroTerminalSNR: at ᾱ_T = 0 the last row is finite and
// ignores x_T.
func TestPosteriorZeroTerminalSNR(t *testing.T) {
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02, ZeroTerminalSNR: true})
	p := reverse.NewPosterior(s)
	T := s.T
	if s.AlphaBar[T] != 0 {
		t.Fatalf("ᾱ_T = %v, want 0", s.AlphaBar[T])
	}
	if p.Ct[T] != 0 || !relClose(p.C0[T], math.Sqrt(s.AlphaBar[T-1]), 1e-12) ||
		!relClose(p.Var[T], s.OneMinusAlphaBar(T-1), 1e-12) {
		t.Fatalf("last row C0=%v Ct=%v Var=%v", p.C0[T], p.Ct[T], p.Var[T])
	}
}

// TestPosteriorMeanSamples checks μ̃ and β̃ as the law of x_{t−1} given
// (x_0, x_t) by simulation: draw x_{t−1} ~ q(x_{t−1}|x_0), then x_t ~
// q(x_t|x_{t−1}); the regression of x_{t−1} on (x_0, x_t) has slopes C0, Ct
// and residual variance β̃. With 400,000 draws the slopes are known to
// ±0.01 or better; a swapped or mis-squared coefficient misses by far more.
func TestPosteriorMeanSamples(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	p := reverse.NewPosterior(s)
	const n = 400000
	for _, tt := range []int{2, 50, 600} {
		x0 := make([]float32, n)
		e1 := make([]float32, n)
		e2 := make([]float32, n)
		diffusion.Noise{Seed: 7}.Fill(x0, 1)
		diffusion.Noise{Seed: 7}.Fill(e1, 2)
		diffusion.Noise{Seed: 7}.Fill(e2, 3)
		a1, b1 := s.SqrtAlphaBar(tt-1), s.SqrtOneMinusAlphaBar(tt-1)
		// Ordinary least squares of y = x_{t−1} on (x_0, x_t), no intercept.
		var s00, s0t, stt, sy0, syt float64
		ys := make([]float64, n)
		xts := make([]float64, n)
		for i := range n {
			y := a1*float64(x0[i]) + b1*float64(e1[i])
			xt := math.Sqrt(s.Alpha[tt])*y + math.Sqrt(s.Beta[tt])*float64(e2[i])
			ys[i], xts[i] = y, xt
			u := float64(x0[i])
			s00 += u * u
			s0t += u * xt
			stt += xt * xt
			sy0 += y * u
			syt += y * xt
		}
		det := s00*stt - s0t*s0t
		c0 := (sy0*stt - syt*s0t) / det
		ct := (syt*s00 - sy0*s0t) / det
		var rss float64
		for i := range n {
			r := ys[i] - c0*float64(x0[i]) - ct*xts[i]
			rss += r * r
		}
		v := rss / (n - 2)
		if math.Abs(c0-p.C0[tt]) > 0.01 || math.Abs(ct-p.Ct[tt]) > 0.01 || math.Abs(v/p.Var[tt]-1) > 0.02 {
			t.Errorf("t=%d: regression C0=%.4f Ct=%.4f var=%.4g; Posterior %.4f %.4f %.4g", tt, c0, ct, v, p.C0[tt], p.Ct[tt], p.Var[tt])
		}
	}
}
