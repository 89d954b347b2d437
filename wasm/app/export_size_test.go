package app_test

import (
	"bytes"
	"image/gif"
	"math"
	"slices"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// logSNROracle is λ_t = ln(ᾱ_t/(1 − ᾱ_t)) of the lesson's schedule,
// computed here from its definition (β linear from 1e-4 to 0.02, both ends
// included, ᾱ_t the running product of 1 − β), not from the Schedule.
func logSNROracle(T int) []float64 {
	lam := make([]float64, T+1)
	lam[0] = math.Inf(1)
	ab := 1.0
	for t := 1; t <= T; t++ {
		beta := 1e-4 + float64(t-1)/float64(T-1)*(0.02-1e-4)
		ab *= 1 - beta
		lam[t] = math.Log(ab) - math.Log1p(-ab)
	}
	return lam
}

// TestFrameStepsLogSNR: for the lesson's schedule the steps are strictly
// increasing from 0 to T, and each is the step nearest in λ to its target
// (λ_1 + (k−1)/(n−2)·(λ_T − λ_1)), except where that step was taken already
// near t = 1 (then it is the next free step); the gaps in λ are even
// within the rounding to integer t.
func TestFrameStepsLogSNR(t *testing.T) {
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	lam := logSNROracle(1000)
	for _, n := range []int{3, 5, 9, 20, 40, 60, 120} {
		steps := app.FrameStepsLogSNR(s, n)
		if len(steps) != n || steps[0] != 0 || steps[n-1] != 1000 {
			t.Fatalf("n = %d: %v, want %d steps from 0 to 1000", n, steps, n)
		}
		step := (lam[1000] - lam[1]) / float64(n-2)
		for k := 1; k < n; k++ {
			if steps[k] <= steps[k-1] {
				t.Fatalf("n = %d: not strictly increasing at %d: %v", n, k, steps)
			}
			target := lam[1] + float64(k-1)*step
			tk := steps[k]
			// Nearest: no neighbour is closer to the target...
			nearest := true
			for _, nb := range []int{tk - 1, tk + 1} {
				if nb >= 1 && nb <= 1000 && math.Abs(lam[nb]-target) < math.Abs(lam[tk]-target)-1e-9 {
					nearest = false
				}
			}
			// ...or the nearest was the previous frame's, and this is the next step.
			if !nearest && tk != steps[k-1]+1 {
				t.Errorf("n = %d, frame %d: t = %d (λ %.4f) is not the step nearest to λ %.4f", n, k, tk, lam[tk], target)
			}
		}
		// Evenly spaced: past the first steps (where one step of t moves λ
		// by more than the spacing), each gap is the spacing within the λ
		// change of one step on either side.
		for k := 2; k < n; k++ {
			a, b := steps[k-1], steps[k]
			if lam[a-1]-lam[a+1] > -step/2 || a < 2 { // too coarse here to say
				continue
			}
			slack := (lam[a-1]-lam[a+1])/2 + (lam[b-1]-lam[min(b+1, 1000)])/2
			if gap := lam[a] - lam[b]; math.Abs(gap+step) > slack+1e-9 {
				t.Errorf("n = %d: λ gap %d→%d is %.4f, want %.4f ± %.4f", n, a, b, gap, -step, slack)
			}
		}
	}
	// Against evenly in t: the first tenth of the steps, where √ᾱ_t falls
	// from 1 to 0.87 and λ from 9.2 to 2.2 (a third of its range), gets
	// 4 of 40 frames evenly in t, and a third of them evenly in log-SNR.
	early := func(st []int) int {
		c := 0
		for _, x := range st {
			if x > 0 && x < 100 {
				c++
			}
		}
		return c
	}
	if a, b := early(app.FrameSteps(1000, 40)), early(app.FrameStepsLogSNR(s, 40)); a != 3 || b < 13 {
		t.Errorf("frames in 0 < t < 100: %d evenly in t, %d evenly in log-SNR", a, b)
	}
}

// TestFrameStepsLogSNRZeroTerminal: under zero terminal SNR λ_T = −∞; the
// steps still end at T, increase strictly, and more frames than steps
// fall back to FrameSteps.
func TestFrameStepsLogSNRZeroTerminal(t *testing.T) {
	for _, name := range []string{diffusion.Linear, diffusion.Cosine} {
		c := diffusion.LessonConfig()
		c.Schedule, c.ZeroTerminalSNR = name, true
		s, err := diffusion.NewSchedule(c)
		if err != nil {
			t.Fatal(err)
		}
		steps := app.FrameStepsLogSNR(s, 40)
		if steps[0] != 0 || steps[39] != 1000 {
			t.Errorf("%s: %v", name, steps)
		}
		for k := 1; k < 40; k++ {
			if steps[k] <= steps[k-1] {
				t.Fatalf("%s: not increasing: %v", name, steps)
			}
		}
	}
	c := diffusion.LessonConfig()
	c.T = 5
	s, err := diffusion.NewSchedule(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := app.FrameStepsLogSNR(s, 6); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("T = 5, 6 frames: %v", got)
	}
	if got, want := app.FrameStepsLogSNR(s, 8), app.FrameSteps(5, 8); !slices.Equal(got, want) {
		t.Errorf("T = 5, 8 frames: %v, want FrameSteps %v", got, want)
	}
}

// TestGIFLogSNRAndLabel: a GIF with spacing "logsnr" and labels shows the
// frames at FrameStepsLogSNR, each with a light label in a dark box at
// its top-left corner, on the 64-colour palette.
func TestGIFLogSNRAndLabel(t *testing.T) {
	pic, err := testLibrary(t).Picture("astronaut", 192)
	if err != nil {
		t.Fatal(err)
	}
	m, x0 := lessonMovie(t, pic, 192, app.ClosedForm, 1)
	o := app.GIFOptions{Frames: 12, FPS: 10, Size: 192, Dither: false, Spacing: app.SpacingLogSNR, Colors: 64, Label: true}
	var buf bytes.Buffer
	if err := app.EncodeGIF(&buf, m, o); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := diffusion.NewSchedule(diffusion.LessonConfig())
	steps := app.FrameStepsLogSNR(s, 12)
	rgba := make([]byte, 4*x0.N())
	for k, img := range g.Image {
		if len(img.Palette) != 64 {
			t.Fatalf("palette of %d colours, want 64", len(img.Palette))
		}
		m.RGBA(steps[k], rgba)
		app.LabelFrame(rgba, x0.W, x0.H, steps[k])
		for i := range x0.N() {
			r, gg, b, _ := img.Palette[img.Pix[i]].RGBA()
			// Without dither each channel goes to the nearest of 4 levels (85 apart).
			if d := math.Abs(float64(r>>8) - float64(rgba[4*i])); d > 43 {
				t.Fatalf("frame %d (t = %d): pixel %d red %d, labelled x_t has %d", k, steps[k], i, r>>8, rgba[4*i])
			}
			_, _ = gg, b
		}
		// The label: light pixels (the glyphs) and dark ones (the box)
		// in the corner, rows 0..27 (2× basicfont at 192²).
		light, dark := 0, 0
		for y := 0; y < 28; y++ {
			for x := 0; x < 100; x++ {
				r, _, _, _ := img.At(x, y).RGBA()
				if r>>8 > 200 {
					light++
				} else if r>>8 < 90 {
					dark++
				}
			}
		}
		if light < 60 || dark < 1000 {
			t.Errorf("frame %d: label corner has %d light and %d dark pixels", k, light, dark)
		}
	}
	if app.LabelScale(192, 192) != 2 || app.LabelScale(64, 64) != 1 || app.LabelScale(512, 384) != 4 {
		t.Errorf("LabelScale: %d %d %d", app.LabelScale(192, 192), app.LabelScale(64, 64), app.LabelScale(512, 384))
	}
}

// TestEstimateGIFSize: the estimate is within 15% of the real size for
// pictures, sizes, palettes, spacings and modes; and the page's default
// export (the astronaut at the default size) is at most 1.5 MB.
func TestEstimateGIFSize(t *testing.T) {
	lib := testLibrary(t)
	def := app.DefaultGIFOptions(app.State{Size: 256})
	cases := []struct {
		image string
		size  int
		mode  app.Mode
		o     app.GIFOptions
	}{
		{"astronaut", 192, app.ClosedForm, def},
		{"cat", 192, app.Markov, def},
		{"coffee", 128, app.ClosedForm, app.GIFOptions{Frames: 30, FPS: 20, Size: 128, Dither: true}},
		{"astronaut", 256, app.ClosedForm, app.GIFOptions{Frames: 60, FPS: 20, Size: 256, Dither: true}},
		{"cat", 64, app.ClosedForm, app.GIFOptions{Frames: 20, FPS: 10, Size: 64, Spacing: app.SpacingLogSNR, Colors: 27, Label: true}},
		{"coffee", 192, app.Markov, app.GIFOptions{Frames: 7, FPS: 10, Size: 192, Dither: true, Spacing: app.SpacingLogSNR, Colors: 252}},
	}
	if testing.Short() {
		cases = cases[:2]
	}
	for _, c := range cases {
		pic, err := lib.Picture(c.image, c.size)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := lessonMovie(t, pic, c.size, c.mode, 1)
		est, err := app.EstimateGIFSize(m, c.o)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := app.EncodeGIF(&buf, m, c.o); err != nil {
			t.Fatal(err)
		}
		real := buf.Len()
		t.Logf("%s %d² %s %+v: real %d bytes, estimate %d (%.3f)", c.image, c.size, c.mode, c.o, real, est, float64(est)/float64(real))
		if r := float64(est) / float64(real); r < 1/1.15 || r > 1.15 {
			t.Errorf("%s %d² %+v: estimate %d, real %d (ratio %.3f), want within 15%%", c.image, c.size, c.o, est, real, r)
		}
		if c.o == def && c.image == "astronaut" && real > 1_500_000 {
			t.Errorf("the default GIF is %d bytes, want ≤ 1.5 MB", real)
		}
	}
}

func TestParseGIFOptionsNewFields(t *testing.T) {
	def := app.DefaultGIFOptions(app.State{Size: 512})
	if def.Size != 192 || def.Spacing != app.SpacingLogSNR || def.Colors != 64 || !def.Label {
		t.Errorf("defaults %+v", def)
	}
	o, err := app.ParseGIFOptions([]byte(`{"spacing": "t", "colors": 252, "label": false}`), def)
	if err != nil || o.Spacing != "t" || o.Colors != 252 || o.Label {
		t.Errorf("%+v %v", o, err)
	}
	for _, c := range []struct{ json, msg string }{
		{`{"spacing": "log"}`, `spacing must be one of logsnr, t, got "log"`},
		{`{"spacing": 3}`, `spacing must be a string, got 3`},
		{`{"colors": 100}`, `colors must be one of 252, 64, 27, got 100`},
		{`{"label": "yes"}`, `label must be true or false`},
	} {
		if _, err := app.ParseGIFOptions([]byte(c.json), def); err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.msg)) {
			t.Errorf("%s: %v, want %q", c.json, err, c.msg)
		}
	}
}
