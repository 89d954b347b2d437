package app_test

import (
	"testing"
)

// The strip's thumbnails are the picture's own pixels at t_k (closed form).
func TestSnapshotStrip(t *testing.T) {
	e := newEngine(t, `{"size": 256}`)
	s := e.SnapshotStrip(11)
	if s.W != 86 || s.H != 86 || len(s.Steps) != 11 || s.Steps[1] != 100 || s.Steps[10] != 1000 || len(s.RGBA) != 11*86*86*4 {
		t.Fatalf("strip %d×%d, steps %v, %d bytes", s.W, s.H, s.Steps, len(s.RGBA))
	}
	for k, step := range s.Steps {
		setT(t, e, step)
		full := frameCopy(e)
		w := e.X0().W
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				got := s.RGBA[(k*s.W*s.H+y*s.W+x)*4:][:4]
				want := full[(y*3*w+x*3)*4:][:4]
				if string(got) != string(want) {
					t.Fatalf("t=%d pixel (%d,%d): %v, want %v", step, x, y, got, want)
				}
			}
		}
	}
	// The chain's strip starts at the picture and ends in noise.
	e = newEngine(t, `{"size": 64, "mode": "markov"}`)
	s = e.SnapshotStrip(5)
	if s.W != 64 || string(s.RGBA[:64*64*4]) != string(e.X0().Image().Pix) {
		t.Error("markov strip does not start at x_0")
	}
}
