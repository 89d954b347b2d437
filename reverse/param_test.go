package reverse_test

import (
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

func gauss(n int, seed, stream uint64) []float32 {
	x := make([]float32, n)
	diffusion.Noise{Seed: seed}.Fill(x, stream)
	return x
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// TestParameterisations checks each conversion against the defining
// relation x_t = a·x_0 + b·ε, v = a·ε − b·x_0, score = −ε/b, computed in
// float64 from a known (x_0, ε), at steps from nearly clean to pure noise.
func TestParameterisations(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	const n = 1000
	x0 := gauss(n, 1, 1)
	eps := gauss(n, 1, 2)
	for _, tt := range []int{1, 10, 300, 999, 1000} {
		a, b := s.SqrtAlphaBar(tt), s.SqrtOneMinusAlphaBar(tt)
		xt := make([]float32, n)
		wantV := make([]float32, n)
		wantScore := make([]float32, n)
		for i := range xt {
			xt[i] = float32(a*float64(x0[i]) + b*float64(eps[i]))
			wantV[i] = float32(a*float64(eps[i]) - b*float64(x0[i]))
			wantScore[i] = float32(-float64(eps[i]) / b)
		}
		got := make([]float32, n)
		// Tolerances: x_t is rounded to float32, and recovering ε from x_t
		// divides that rounding by b (and x_0's by a).
		tolE := 4e-7 * (1 + 1/b)
		tolX := 4e-7 * (1 + 1/a)
		check := func(what string, got, want []float32, tol float64) {
			t.Helper()
			if d := maxAbsDiff(got, want); d > tol {
				t.Errorf("t=%d %s: max error %.3g > %.3g", tt, what, d, tol)
			}
		}
		reverse.EpsFromX0(got, xt, x0, a, b)
		check("EpsFromX0", got, eps, tolE)
		if !reverse.X0FromEps(got, xt, eps, a, b) {
			t.Fatalf("t=%d: X0FromEps refused a = %v", tt, a)
		}
		check("X0FromEps", got, x0, tolX)
		reverse.VFromX0(got, xt, x0, a, b)
		check("VFromX0", got, wantV, tolE)
		reverse.X0FromV(got, xt, wantV, a, b)
		check("X0FromV", got, x0, 1e-6)
		reverse.EpsFromV(got, xt, wantV, a, b)
		check("EpsFromV", got, eps, 1e-6)
		reverse.Score(got, eps, b)
		check("Score", got, wantScore, 1e-6/b)
	}
}

// TestParameterisationsZeroSNR: at ᾱ_T = 0, x_0 cannot come from ε but can
// from v, and ε̂ from x̂_0 is x_T itself.
func TestParameterisationsZeroSNR(t *testing.T) {
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Cosine, T: 100, ZeroTerminalSNR: true})
	a, b := s.SqrtAlphaBar(100), s.SqrtOneMinusAlphaBar(100)
	if a != 0 || b != 1 {
		t.Fatalf("a, b = %v, %v; want 0, 1", a, b)
	}
	xt := gauss(64, 2, 1)
	x0 := gauss(64, 2, 2)
	got := make([]float32, 64)
	if reverse.X0FromEps(got, xt, xt, a, b) {
		t.Error("X0FromEps accepted a = 0")
	}
	reverse.EpsFromX0(got, xt, x0, a, b)
	if d := maxAbsDiff(got, xt); d != 0 {
		t.Errorf("ε̂ at ᾱ = 0 differs from x_T by %v", d)
	}
	v := make([]float32, 64)
	reverse.VFromX0(v, xt, x0, a, b) // v = −x_0
	reverse.X0FromV(got, xt, v, a, b)
	if d := maxAbsDiff(got, x0); d != 0 {
		t.Errorf("x̂_0 from v at ᾱ = 0 off by %v", d)
	}
}

func TestClip(t *testing.T) {
	x := []float32{-3, -1, -0.5, 0, 0.999, 1, 1.0001, 7}
	want := []float32{-1, -1, -0.5, 0, 0.999, 1, 1, 1}
	if n := reverse.Clip(x); n != 3 {
		t.Errorf("Clip changed %d values, want 3", n)
	}
	for i := range x {
		if x[i] != want[i] {
			t.Errorf("Clip: x[%d] = %v, want %v", i, x[i], want[i])
		}
	}
}
