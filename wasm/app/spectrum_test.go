package app_test

import (
	"image"
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

// A picture with a side under 4 pixels (a 257×5 upload at size 64 is
// 64×1) has no tile of two frequencies or more: the frequency view is
// empty (N = 0), in either mode, where the tile used to outgrow the
// picture (a panic: slice bounds out of range) or give a single
// frequency (the plot's log axis from 0.5 to 0.5: NaN). Found by the
// monkey test (web/e2e/monkey_test.go).
func TestSpectrumOfAThinPicture(t *testing.T) {
	for _, c := range []struct{ w, h, n int }{{64, 1, 0}, {64, 2, 0}, {3, 64, 0}, {64, 4, 4}, {7, 64, 4}, {64, 8, 8}} {
		for _, mode := range []app.Mode{app.ClosedForm, app.Markov} {
			lib := testLibrary(t)
			lib.Upload = image.NewGray(image.Rect(0, 0, c.w, c.h))
			s := app.Default()
			s.Size, s.Image, s.Mode, s.Step = 64, app.UploadImage, mode, 500
			e, err := app.NewEngine(lib, s)
			if err != nil {
				t.Fatal(err)
			}
			r := e.Spectrum()
			if r.N != c.n || len(r.Freq) != c.n/2 || len(r.Xt) != c.n/2 || len(r.Noise) != c.n/2 || len(r.X0) != c.n/2 || len(r.SignalShare) != c.n/2 {
				t.Errorf("%d×%d %v: tile %d with %d frequencies, want %d and %d", c.w, c.h, mode, r.N, len(r.Freq), c.n, c.n/2)
			}
			if r.Freq == nil || r.Xt == nil {
				t.Errorf("%d×%d %v: nil lists (JSON null), want []", c.w, c.h, mode)
			}
		}
	}
}
