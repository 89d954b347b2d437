package app_test

import (
	"math"
	"testing"

	"dissolve/wasm/app"
)

func TestResidualGain(t *testing.T) {
	for _, tc := range []struct{ a, want float64 }{
		{0, 1}, {math.NaN(), 1}, {0.5, 1}, {0.9, 1},
		{0.00635, 100}, // the lesson: 0.635·x_0 shows
		{0.05, 10}, {0.005, 100}, {0.0049, 1000}, {0.3, 10},
	} {
		g := app.ResidualGain(tc.a)
		if g != tc.want {
			t.Errorf("ResidualGain(%g) = %g, want %g", tc.a, g, tc.want)
		}
		if tc.a > 0 && tc.a < 0.5 && !(g*tc.a >= 0.5 && g*tc.a/10 < 0.5) {
			t.Errorf("ResidualGain(%g) = %g: %g·a is not the first power of ten past ½", tc.a, g, g)
		}
	}
}

// The residual view's x_T is the page's x_T at the sampled pixels, its
// second frame √ᾱ_T·x_0 is all but flat grey, and its third is that part
// magnified: the picture comes back.
func TestResidualView(t *testing.T) {
	e := newEngine(t, `{"playing": false}`)
	v := e.Residual()
	if v.T != 1000 || math.Abs(float64(v.SqrtAlphaBarT)-math.Sqrt(4.035829765375676e-05)) > 1e-12 || v.Gain != 100 {
		t.Fatalf("T %d √ᾱ_T %v gain %v", v.T, v.SqrtAlphaBarT, v.Gain)
	}
	x0 := e.X0()
	step := (max(x0.W, x0.H) + app.ResidualThumb - 1) / app.ResidualThumb
	if v.W != (x0.W+step-1)/step || v.H != (x0.H+step-1)/step || len(v.RGBA) != 3*4*v.W*v.H {
		t.Fatalf("%d×%d, %d bytes for a %d×%d picture", v.W, v.H, len(v.RGBA), x0.W, x0.H)
	}
	// Frame 0 against the page's own frame at t = T.
	setT(t, e, 1000)
	full, _ := e.Frame()
	n := v.W * v.H
	for y := 0; y < v.H; y++ {
		for x := 0; x < v.W; x++ {
			i := 4 * (y*step*x0.W + x*step)
			j := 4 * (y*v.W + x)
			for c := 0; c < 4; c++ {
				if v.RGBA[j+c] != full[i+c] {
					t.Fatalf("x_T at (%d, %d) channel %d: %d, the page shows %d", x, y, c, v.RGBA[j+c], full[i+c])
				}
			}
		}
	}
	// Frame 1: within a level or two of mid grey; frame 2: spread like the
	// picture, 0.635 of it.
	spread := func(frame int) (lo, hi byte) {
		lo, hi = 255, 0
		for k := 0; k < n; k++ {
			for c := 0; c < 3; c++ {
				b := v.RGBA[4*(frame*n+k)+c]
				lo, hi = min(lo, b), max(hi, b)
			}
		}
		return
	}
	if lo, hi := spread(1); lo < 126 || hi > 129 {
		t.Errorf("√ᾱ_T·x_0 spans %d..%d, want within 126..129 (invisible)", lo, hi)
	}
	lo, hi := spread(2)
	var x0lo, x0hi float32 = 1, -1
	for _, p := range x0.Pix {
		x0lo, x0hi = min(x0lo, p), max(x0hi, p)
	}
	wantSpan := 0.635 * float64(x0hi-x0lo) * 127.5
	if got := float64(hi) - float64(lo); math.Abs(got-wantSpan) > 0.1*wantSpan+3 {
		t.Errorf("magnified residual spans %d levels, want about %.0f", hi-lo, wantSpan)
	}
	// Zero terminal SNR: nothing is left to magnify.
	z := newEngine(t, `{"zeroTerminalSNR": true}`)
	if v := z.Residual(); v.SqrtAlphaBarT != 0 || v.Gain != 1 {
		t.Errorf("zero terminal SNR: √ᾱ_T %v gain %v", v.SqrtAlphaBarT, v.Gain)
	}
}
