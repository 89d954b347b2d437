package app_test

import (
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// The crossing of √ᾱ_t and √(1−ᾱ_t) lies where ᾱ_t = ½, found here by an
// independent cumulative product of the lesson's β.
func TestCurveCrossing(t *testing.T) {
	const T = 1000
	ab := make([]float64, T+1)
	ab[0] = 1
	for i := 1; i <= T; i++ {
		beta := 1e-4 + float64(i-1)*(0.02-1e-4)/(T-1)
		ab[i] = ab[i-1] * (1 - beta)
	}
	k := 0
	for ab[k+1] >= 0.5 {
		k++
	}
	want := float64(k) + (ab[k]-0.5)/(ab[k]-ab[k+1])
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := app.Curve(s)
	got := float64(c.Crossing)
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("crossing at t = %.6f, want %.6f", got, want)
	}
	// There the two coefficients are equal (1/√2), on the interpolated ᾱ.
	a := ab[k] + (got-float64(k))*(ab[k+1]-ab[k])
	if math.Abs(math.Sqrt(a)-math.Sqrt(1-a)) > 1e-9 {
		t.Errorf("at the crossing √ᾱ = %g, √(1−ᾱ) = %g", math.Sqrt(a), math.Sqrt(1-a))
	}
	if len(c.Step) != T+1 || c.Step[T] != T || float64(c.AlphaBarT) != 4.035829765375676e-05 {
		t.Errorf("curve: %d points, ᾱ_T %g", len(c.Step), c.AlphaBarT)
	}
	// A long schedule is sampled, ends included.
	long, err := diffusion.NewSchedule(diffusion.Config{Schedule: "cosine", T: 10000, BetaStart: 1e-4, BetaEnd: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	lc := app.Curve(long)
	if len(lc.Step) != app.CurvePoints || lc.Step[0] != 0 || lc.Step[len(lc.Step)-1] != 10000 {
		t.Errorf("T = 10000: %d points from %d to %d", len(lc.Step), lc.Step[0], lc.Step[len(lc.Step)-1])
	}
	// All four schedules, the state's first; with the state's T.
	e := newEngine(t, `{"schedule": "cosine", "T": 500}`)
	cs := e.ScheduleCurves()
	if len(cs) != 4 || cs[0].Name != "cosine" || cs[1].Name != "linear" || len(cs[2].Step) != 501 {
		t.Errorf("schedule curves: %d, first %s", len(cs), cs[0].Name)
	}
}
