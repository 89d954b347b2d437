package app_test

import (
	"bytes"
	"image/gif"
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

func testRun() *app.ReverseRun {
	// A 2×1 grey run over the visited steps 1000, 500, 0 (frames of all three).
	return &app.ReverseRun{W: 2, H: 1, C: 1, Timesteps: []int{1000, 500, 0}, Frames: []int{0, 1, 2},
		XT:       []float32{-1, 1, 0, 0, 0.5, -0.5},
		X0:       []float32{0, 0, 1, 1, 0.5, -0.5},
		NearestX: []float32{0.5, -0.5}}
}

func TestReverseRunFrames(t *testing.T) {
	r := testRun()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ t, frame int }{{1000, 0}, {1001, 0}, {999, 0}, {500, 1}, {499, 1}, {1, 1}, {0, 2}} {
		if got := r.FrameAt(c.t); got != c.frame {
			t.Errorf("FrameAt(%d) = %d, want %d", c.t, got, c.frame)
		}
	}
	rgba := make([]byte, 8)
	r.PaneRGBA(rgba, app.PaneReverseXt, 1000)
	if want := []byte{0, 0, 0, 255, 255, 255, 255, 255}; string(rgba) != string(want) {
		t.Errorf("x_T as RGBA %v, want %v", rgba, want)
	}
	r.PaneRGBA(rgba, app.PaneX0Hat, 500) // frame 1: x̂_0 = (1, 1)
	if rgba[0] != 255 || rgba[4] != 255 {
		t.Errorf("x̂_0 at t = 500: %v", rgba)
	}
	if got := r.ReversePanes(); len(got) != 3 || got[2] != app.PaneNearest {
		t.Errorf("panes %v", got)
	}
}

func TestReverseRunValidate(t *testing.T) {
	for name, mutate := range map[string]func(r *app.ReverseRun){
		"short frames":    func(r *app.ReverseRun) { r.XT = r.XT[:5] },
		"bad planes":      func(r *app.ReverseRun) { r.C = 2 },
		"frame order":     func(r *app.ReverseRun) { r.Frames = []int{0, 2, 1} },
		"frame range":     func(r *app.ReverseRun) { r.Frames = []int{0, 1, 3} },
		"nearest size":    func(r *app.ReverseRun) { r.NearestX = r.NearestX[:1] },
		"no frames":       func(r *app.ReverseRun) { r.Frames, r.XT, r.X0 = nil, nil, nil },
		"absurd picture":  func(r *app.ReverseRun) { r.W = 1 << 20 },
		"negative height": func(r *app.ReverseRun) { r.H = -1 },
	} {
		r := testRun()
		mutate(r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// ValidateLengths is Validate before the pictures are read: the page
// checks a run with the byte lengths it was sent, so that a refused run
// leaves the last one's memory untouched.
func TestReverseRunValidateLengths(t *testing.T) {
	r := testRun() // 3 frames of 2 numbers
	for _, c := range []struct {
		name            string
		xt, x0, nearest int
		ok              bool
	}{
		{"the run's", 6, 6, 2, true},
		{"no nearest image", 6, 6, -1, true},
		{"short x_t", 5, 6, 2, false},
		{"long x̂_0", 6, 8, 2, false},
		{"nearest size", 6, 6, 1, false},
		{"empty nearest", 6, 6, 0, false},
	} {
		if err := r.ValidateLengths(c.xt, c.x0, c.nearest); (err == nil) != c.ok {
			t.Errorf("%s (%d, %d, %d): %v, want ok %v", c.name, c.xt, c.x0, c.nearest, err, c.ok)
		}
	}
}

func TestReverseKey(t *testing.T) {
	a, b := app.Default(), app.Default()
	b.Step, b.Playing, b.Lang = 250, false, "ko" // not part of the run
	if a.ReverseKey() != b.ReverseKey() {
		t.Error("the key depends on t, playing or lang")
	}
	for _, mutate := range []func(s *app.State){
		func(s *app.State) { s.Seed = 2 }, func(s *app.State) { s.Steps = 20 }, func(s *app.State) { s.Denoiser = app.DenoiserLocal },
		func(s *app.State) { s.DatasetSize = 100 }, func(s *app.State) { s.Schedule = "cosine" }, func(s *app.State) { s.Eta = 1 },
	} {
		c := app.Default()
		mutate(&c)
		if c.ReverseKey() == a.ReverseKey() {
			t.Errorf("the key misses a change: %+v", c)
		}
	}
}

func TestReverseRunStats(t *testing.T) {
	r := testRun()
	r.EffectiveN = []float64{9000, 3}
	r.Nearest = app.ReverseMatch{Index: 4721, Label: 7, Distance: 0.001, Novelty: 0.01}
	s := r.Stats(600)
	if s.Visited != 1000 || s.EffectiveN != 9000 || s.Mean != 0 || s.N != 2 || s.Nearest.Index != 4721 || s.Novelty != 0.01 {
		t.Errorf("stats at 600: %+v", s)
	}
	if s := r.Stats(0); s.Visited != 0 || !math.IsNaN(float64(s.EffectiveN)) {
		t.Errorf("stats at 0: %+v", s)
	}
}

// The reverse run's movie: x_T to x_0, each pixel a k×k square.
func TestReverseMovie(t *testing.T) {
	sched, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	m := app.NewReverseMovie(sched, testRun(), 8) // 2×1 → 8×4
	if b := m.Bounds(); b.Dx() != 8 || b.Dy() != 4 {
		t.Fatalf("bounds %v", b)
	}
	img := m.Image(1000) // x_T = (−1, 1): black then white, 4×4 each
	if img.Pix[0] != 0 || img.Pix[4*3] != 0 || img.Pix[4*4] != 255 || img.Pix[4*(3*8+7)] != 255 {
		t.Errorf("x_T magnified: %v", img.Pix[:32])
	}
	o := app.DefaultGIFOptions(app.Default())
	o.Frames = 3
	enc, err := app.NewGIFEncoder(m, o)
	if err != nil {
		t.Fatal(err)
	}
	if s := enc.Steps(); s[0] != 1000 || s[len(s)-1] != 0 {
		t.Errorf("the reverse GIF's steps %v, want T down to 0", s)
	}
	for enc.Next() == nil {
	}
	data, err := enc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil || len(g.Image) != 3 {
		t.Fatalf("GIF: %v, %d frames", err, len(g.Image))
	}
	if strip := app.Strip(m, 3); strip.Bounds().Dy() < 4 {
		t.Errorf("strip %v", strip.Bounds())
	}
}
