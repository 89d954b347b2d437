package app_test

import (
	"math"
	"testing"

	"dissolve/wasm/app"
)

func TestDrownedFrequency(t *testing.T) {
	f := []app.JSFloat{0.1, 0.2, 0.3, 0.4}
	tests := []struct {
		signal []app.JSFloat
		level  float64
		want   float64
	}{
		{[]app.JSFloat{10, 5, 1, 0.5}, 2, 0.3},
		{[]app.JSFloat{10, 1, 5, 0.5}, 2, 0.4}, // above the level again at 0.3
		{[]app.JSFloat{1, 1, 1, 1}, 2, 0.1},
		{[]app.JSFloat{10, 5, 4, 3}, 2, math.NaN()},
		{[]app.JSFloat{10, 5, 4, 3}, 0, math.NaN()},
	}
	for _, tc := range tests {
		got := app.DrownedFrequency(f, tc.signal, tc.level)
		if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("%v level %g: %g, want %g", tc.signal, tc.level, got, tc.want)
		}
	}
}

// The frequency view: at t = 0 x_t is x_0 and there is no noise; at t = T
// the noise is white at level 1 − ᾱ_T and the picture's share is tiny.
func TestSpectrum(t *testing.T) {
	e := newEngine(t, `{"t": 0}`)
	r := e.Spectrum()
	if r.N != 64 || len(r.Freq) != 32 || r.Freq[0] != 1.0/64 || r.Freq[31] != 0.5 {
		t.Fatalf("tile %d, %d frequencies", r.N, len(r.Freq))
	}
	for k := range r.Xt {
		if r.Xt[k] != r.X0[k] || r.Noise[k] != 0 {
			t.Fatalf("t = 0, bin %d: x_t %g x_0 %g noise %g", k, r.Xt[k], r.X0[k], r.Noise[k])
		}
	}
	// A photograph has much more power at low than at high frequencies.
	if !(r.X0[0] > 100*r.X0[len(r.X0)-1]) {
		t.Errorf("x_0's spectrum is not falling: %g … %g", r.X0[0], r.X0[len(r.X0)-1])
	}
	for _, mode := range []string{"closed", "markov"} {
		e = newEngine(t, `{"t": 1000, "mode": "`+mode+`"}`)
		r = e.Spectrum()
		mean := 0.0
		for _, v := range r.Noise {
			mean += float64(v) / float64(len(r.Noise))
		}
		if math.Abs(mean/float64(r.NoiseLevel)-1) > 0.05 {
			t.Errorf("%s: noise level %g, want %g", mode, mean, r.NoiseLevel)
		}
		if !(r.Drowned == r.Freq[0]) {
			t.Errorf("%s: at t = T all frequencies should be drowned, got %g", mode, r.Drowned)
		}
		ab := e.Schedule().AlphaBar[1000]
		for k := range r.SignalShare {
			if float64(r.SignalShare[k]) != ab*float64(r.X0[k]) {
				t.Fatalf("signal share at bin %d", k)
			}
		}
	}
	// Halfway, fine detail is drowned and coarse is not.
	e = newEngine(t, `{"t": 150}`)
	r = e.Spectrum()
	if d := float64(r.Drowned); !(d > float64(r.Freq[0]) && d <= 0.5) {
		t.Errorf("t = 150: drowned above %g", d)
	}
}
