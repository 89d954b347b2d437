package app_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"math/big"
	"slices"
	"strconv"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

func TestFrameSteps(t *testing.T) {
	for _, c := range []struct {
		T, n int
		want []int
	}{
		{1000, 5, []int{0, 250, 500, 750, 1000}},
		{1000, 2, []int{0, 1000}},
		{10, 4, []int{0, 3, 7, 10}}, // 10/3 = 3.33, 20/3 = 6.67
		{1, 3, []int{0, 1, 1}},      // 0.5 rounds up; more frames than steps repeat
		{999, 3, []int{0, 500, 999}},
	} {
		if got := app.FrameSteps(c.T, c.n); !slices.Equal(got, c.want) {
			t.Errorf("FrameSteps(%d, %d) = %v, want %v", c.T, c.n, got, c.want)
		}
	}
}

func ExampleFrameSteps() {
	fmt.Println(app.FrameSteps(1000, 5))
	// Output: [0 250 500 750 1000]
}

func TestPalette(t *testing.T) {
	p := app.Palette()
	if len(p) != 6*7*6 {
		t.Fatalf("palette has %d colours, want 252", len(p))
	}
	seen := map[color.RGBA]bool{}
	for _, c := range p {
		rgba := c.(color.RGBA)
		if seen[rgba] {
			t.Errorf("colour %v twice", rgba)
		}
		seen[rgba] = true
	}
	// The corners of the cube are black and white, and the levels are even.
	if p[0] != (color.RGBA{0, 0, 0, 255}) || p[251] != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("corners %v %v", p[0], p[251])
	}
	if g := p[1*6].(color.RGBA).G; g != 43 { // 255/6 = 42.5, rounded up
		t.Errorf("green level 1 = %d, want 43", g)
	}
}

// nearest is the palette index of the colour closest to (r, g, b) in
// squared RGB distance, by search.
func nearest(p color.Palette, r, g, b int) (int, int) {
	best, bestD := 0, math.MaxInt
	for i, c := range p {
		q := c.(color.RGBA)
		dr, dg, db := r-int(q.R), g-int(q.G), b-int(q.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	return best, bestD
}

func TestQuantizeWithoutDitherIsNearestColour(t *testing.T) {
	p := app.Palette()
	src := make([]byte, 4*256*3)
	for i := range 256 * 3 { // every byte value in each channel, others varied
		src[4*i] = byte(i)
		src[4*i+1] = byte(i * 7)
		src[4*i+2] = byte(255 - i)
	}
	dst := make([]byte, 256*3)
	app.Quantize(dst, src, 256, 3, false)
	for i := range dst {
		q := p[dst[i]].(color.RGBA)
		dr, dg, db := int(src[4*i])-int(q.R), int(src[4*i+1])-int(q.G), int(src[4*i+2])-int(q.B)
		_, want := nearest(p, int(src[4*i]), int(src[4*i+1]), int(src[4*i+2]))
		if d := dr*dr + dg*dg + db*db; d != want {
			t.Fatalf("pixel %d %v → %v at distance² %d, the nearest is at %d", i, src[4*i:4*i+3], q, d, want)
		}
	}
}

// blockError is the mean over 8×8 blocks and channels of |mean of the
// quantized block − mean of the original block|, in levels of 0..255:
// how far what the eye averages moved.
func blockError(p color.Palette, idx, src []byte, w, h int) float64 {
	var sum float64
	n := 0
	for by := 0; by+8 <= h; by += 8 {
		for bx := 0; bx+8 <= w; bx += 8 {
			for c := range 3 {
				var a, b float64
				for y := by; y < by+8; y++ {
					for x := bx; x < bx+8; x++ {
						i := y*w + x
						q := p[idx[i]].(color.RGBA)
						a += float64([]uint8{q.R, q.G, q.B}[c])
						b += float64(src[4*i+c])
					}
				}
				sum += math.Abs(a-b) / 64
				n++
			}
		}
	}
	return sum / float64(n)
}

// TestDitherKeepsLocalMeans: on a smooth picture the cube's 6–7 levels
// band; error diffusion keeps 8×8 averages within about a level.
func TestDitherKeepsLocalMeans(t *testing.T) {
	img := app.Gradient(128)
	x0 := diffusion.FromImage(img, 128)
	src := x0.Image().Pix
	w, h := x0.W, x0.H
	p := app.Palette()
	plain, dith := make([]byte, w*h), make([]byte, w*h)
	app.Quantize(plain, src, w, h, false)
	app.Quantize(dith, src, w, h, true)
	ep, ed := blockError(p, plain, src, w, h), blockError(p, dith, src, w, h)
	t.Logf("8×8 block mean error: %.2f levels without dither, %.2f with", ep, ed)
	if ed > 1.5 || ed > ep/4 {
		t.Errorf("dithered block error %.2f levels (plain %.2f): want ≤ 1.5 and ≤ a quarter of plain", ed, ep)
	}
}

func lessonMovie(t testing.TB, picture image.Image, size int, mode app.Mode, seed uint32) (*app.Movie, *diffusion.Planar) {
	t.Helper()
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	x0 := diffusion.FromImage(picture, size)
	return app.NewMovie(s, x0, mode, seed), x0
}

// TestMovieMatchesEngine: an export frame has the bits of the page's frame
// at the same processing size.
func TestMovieMatchesEngine(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		e := newEngine(t, `{"mode":"`+mode+`","seed":7,"schedule":"cosine","T":300}`)
		st := e.State()
		m := app.NewMovie(e.Schedule(), e.X0(), st.Mode, st.Seed)
		got := make([]byte, 4*e.X0().N())
		for _, step := range []int{0, 1, 150, 299, 300} {
			setT(t, e, step)
			m.RGBA(step, got)
			if want := frameCopy(e); !bytes.Equal(got, want) {
				t.Errorf("%s: movie frame at t = %d differs from the engine's", mode, step)
			}
		}
	}
}

func TestParseGIFOptions(t *testing.T) {
	def := app.GIFOptions{Frames: 60, FPS: 20, Size: 256, Dither: true}
	good, err := app.ParseGIFOptions([]byte(`{"frames": 30, "fps": 50, "size": 64, "dither": false}`), def)
	if err != nil || good != (app.GIFOptions{Frames: 30, FPS: 50, Size: 64, Dither: false}) {
		t.Errorf("good options: %+v, %v", good, err)
	}
	if o, err := app.ParseGIFOptions([]byte(`{}`), def); err != nil || o != def {
		t.Errorf("empty options: %+v, %v; want the defaults", o, err)
	}
	for _, c := range []struct{ json, field string }{
		{`{"frames": 1}`, "frames"},
		{`{"frames": 121}`, "frames"},
		{`{"frames": 2.5}`, "frames"},
		{`{"frames": "30"}`, "frames"},
		{`{"fps": 0}`, "fps"},
		{`{"fps": 51}`, "fps"},
		{`{"size": 16}`, "size"},
		{`{"size": 1024}`, "size"},
		{`{"dither": 1}`, "dither"},
		{`{"dither": null}`, "dither"},
		{`{"colours": 3}`, "colours"},
		{`[1, 2]`, ""},
		{`null`, ""},
	} {
		o, err := app.ParseGIFOptions([]byte(c.json), def)
		if err == nil {
			t.Errorf("%s: accepted as %+v", c.json, o)
			continue
		}
		if o != def {
			t.Errorf("%s: returned %+v with the error, want the defaults", c.json, o)
		}
		var fe *app.FieldError
		if c.field == "" {
			if app.ErrorField(err) != "" {
				t.Errorf("%s: %v names a field", c.json, err)
			}
			continue
		}
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %q does not name %s", c.json, err, c.field)
		}
	}
	if _, err := app.ParseGIFOptions([]byte(`{"frames": 500}`), def); err == nil || err.Error() != "frames must be an integer in 2..120, got 500" {
		t.Errorf("message: %v", err)
	}
}

func TestDelay(t *testing.T) {
	for fps, want := range map[int]int{1: 100, 10: 10, 20: 5, 25: 4, 30: 3, 33: 3, 50: 2} {
		if got := (app.GIFOptions{FPS: fps}).Delay(); got != want {
			t.Errorf("fps %d: delay %d cs, want %d", fps, got, want)
		}
	}
}

// grey reads an RGBA-like pixel of a decoded frame.
func rgbOf(img *image.Paletted, x, y int) (r, g, b uint8) {
	c := img.Palette[img.ColorIndexAt(x, y)].(color.RGBA)
	return c.R, c.G, c.B
}

// TestGIFExport: the file decodes with image/gif into the requested
// frames, with the requested delay, looping; each frame is exactly the
// quantized x_t; the first is close to x_0 and the last to noise.
func TestGIFExport(t *testing.T) {
	files := testLibrary(t)
	pic, err := files.Picture("astronaut", 96)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []app.Mode{app.ClosedForm, app.Markov} {
		m, x0 := lessonMovie(t, pic, 96, mode, 3)
		opts := app.GIFOptions{Frames: 9, FPS: 25, Size: 96, Dither: true}
		var buf bytes.Buffer
		if err := app.EncodeGIF(&buf, m, opts); err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: image/gif cannot decode the export: %v", mode, err)
		}
		if len(g.Image) != 9 || g.LoopCount != 0 || g.Config.Width != x0.W || g.Config.Height != x0.H {
			t.Fatalf("%s: %d frames, loop %d, %dx%d; want 9, 0 (forever), %dx%d", mode, len(g.Image), g.LoopCount, g.Config.Width, g.Config.Height, x0.W, x0.H)
		}
		steps := app.FrameSteps(1000, 9)
		rgba := make([]byte, 4*x0.N())
		idx := make([]byte, x0.N())
		for k, img := range g.Image {
			if g.Delay[k] != 4 {
				t.Errorf("%s: frame %d delay %d cs, want 4 (25 fps)", mode, k, g.Delay[k])
			}
			m.RGBA(steps[k], rgba)
			app.Quantize(idx, rgba, x0.W, x0.H, true)
			if !bytes.Equal(img.Pix, idx) {
				t.Errorf("%s: frame %d is not the quantized x_%d", mode, k, steps[k])
			}
		}

		// First frame: within the dither's reach of x_0 on average.
		want := x0.Image()
		first := g.Image[0]
		var diff float64
		for y := range x0.H {
			for x := range x0.W {
				r, gg, b := rgbOf(first, x, y)
				o := want.RGBAAt(x, y)
				diff += math.Abs(float64(r)-float64(o.R)) + math.Abs(float64(gg)-float64(o.G)) + math.Abs(float64(b)-float64(o.B))
			}
		}
		if mean := diff / float64(3*x0.N()); mean > 16 {
			t.Errorf("%s: first frame differs from x_0 by %.1f levels on average, want ≤ 16 (half a cube step)", mode, mean)
		}

		// Last frame: the quantized values, read as numbers, have the
		// statistics of x_T's bytes, and nothing of the picture is left.
		m.RGBA(1000, rgba)
		last := g.Image[8]
		var exact, quant []float32
		var sxy, sx, sy, sxx, syy float64
		for y := range x0.H {
			for x := range x0.W {
				r, _, _ := rgbOf(last, x, y)
				o := rgba[4*(y*x0.W+x)]
				exact = append(exact, float32(o)/127.5-1)
				quant = append(quant, float32(r)/127.5-1)
				p, q := float64(r), float64(want.RGBAAt(x, y).R)
				sx, sy, sxx, syy, sxy = sx+p, sy+q, sxx+p*p, syy+q*q, sxy+p*q
			}
		}
		n := float64(x0.N())
		corr := (sxy/n - sx/n*sy/n) / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
		se, sq := diffusion.Summarize(exact), diffusion.Summarize(quant)
		if math.Abs(corr) > 0.05 {
			t.Errorf("%s: last frame correlates %.3f with x_0; want noise", mode, corr)
		}
		if math.Abs(sq.Mean-se.Mean) > 0.01 || math.Abs(sq.Std-se.Std) > 0.03*se.Std {
			t.Errorf("%s: last frame quantized mean %.4f std %.4f; x_T's bytes have %.4f, %.4f", mode, sq.Mean, sq.Std, se.Mean, se.Std)
		}
	}
}

func TestGIFEncoderSteps(t *testing.T) {
	m, _ := lessonMovie(t, app.Gradient(32), 32, app.ClosedForm, 1)
	enc, err := app.NewGIFEncoder(m, app.GIFOptions{Frames: 3, FPS: 10, Size: 32})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Bytes(); err == nil {
		t.Error("Bytes before the last frame did not fail")
	}
	for i := range 3 {
		if err := enc.Next(); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if enc.Done() != i+1 {
			t.Errorf("Done = %d after %d frames", enc.Done(), i+1)
		}
	}
	if err := enc.Next(); err == nil {
		t.Error("Next after the last frame did not report the end")
	}
	a, err := enc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := enc.Bytes()
	if !bytes.Equal(a, b) || a[len(a)-1] != 0x3b {
		t.Error("Bytes is not stable, or the file does not end with the GIF trailer")
	}
	if _, err := app.NewGIFEncoder(m, app.GIFOptions{Frames: 1, FPS: 10, Size: 32}); err == nil {
		t.Error("an encoder of 1 frame was made")
	}
}

func TestStrip(t *testing.T) {
	// 128-pixel snapshots: the labels (2× basicfont, "t = 1000" is 112
	// pixels wide) fit under them; 32 pixels of label line.
	m, x0 := lessonMovie(t, app.Checkerboard(128), 128, app.Markov, 5)
	img := app.Strip(m, 4)
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 4*128+5*8 || h != 128+2*8+32 {
		t.Fatalf("strip is %dx%d", w, h)
	}
	for k, step := range []int{0, 333, 667, 1000} {
		want := m.Image(step)
		x := 8 + k*136
		for y := range x0.H {
			for xx := range x0.W {
				if img.RGBAAt(x+xx, 8+y) != want.RGBAAt(xx, y) {
					t.Fatalf("snapshot %d (t = %d) differs at (%d, %d)", k, step, xx, y)
				}
			}
		}
	}
	// Labels: some light pixels under each snapshot.
	for k := range 4 {
		light := 0
		for y := 136; y < 168; y++ {
			for x := 8 + k*136; x < 136+k*136; x++ {
				if img.RGBAAt(x, y).R > 200 {
					light++
				}
			}
		}
		if light < 10 {
			t.Errorf("no label under snapshot %d", k)
		}
	}
	var buf bytes.Buffer
	if err := app.EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil || back.Bounds() != img.Bounds() {
		t.Fatalf("PNG round trip: %v", err)
	}
}

func TestParseStripOptions(t *testing.T) {
	def := app.DefaultStripOptions()
	if o, err := app.ParseStripOptions([]byte(`{"frames": 20, "size": 512}`), def); err != nil || o.Frames != 20 || o.Size != 512 {
		t.Errorf("%+v %v", o, err)
	}
	for _, c := range []struct{ json, field string }{{`{"frames": 21}`, "frames"}, {`{"size": 31}`, "size"}, {`{"fps": 3}`, "fps"}} {
		var fe *app.FieldError
		if _, err := app.ParseStripOptions([]byte(c.json), def); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %v", c.json, err)
		}
	}
}

// TestScheduleCSV checks the CSV against values derived here: β from the
// linspace formula, ᾱ as a product in big.Float, the lesson's printed ᾱ_T,
// and the other columns from their definitions.
// scheduleCSV writes the schedule of c as CSV and parses it back.
func scheduleCSV(t *testing.T, c diffusion.Config) (*diffusion.Schedule, [][]string) {
	t.Helper()
	s, err := diffusion.NewSchedule(c)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := app.WriteScheduleCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return s, rows
}

func TestScheduleCSV(t *testing.T) {
	s, rows := scheduleCSV(t, diffusion.LessonConfig())
	if !slices.Equal(rows[0], app.CSVColumns) || len(rows) != 1002 {
		t.Fatalf("header %v, %d rows; want %v and 1 + 1001", rows[0], len(rows), app.CSVColumns)
	}
	if !slices.Equal(rows[1], []string{"0", "0", "1", "1", "1", "0", "Infinity", "0"}) {
		t.Errorf("row t = 0: %v", rows[1])
	}
	prod := new(big.Float).SetPrec(256).SetInt64(1)
	prevAB := 1.0
	for step := 1; step <= 1000; step++ {
		r := rows[step+1]
		v := make([]float64, 8)
		for i, f := range r {
			var err error
			if v[i], err = strconv.ParseFloat(f, 64); err != nil {
				t.Fatalf("t = %d column %s: %v", step, app.CSVColumns[i], err)
			}
		}
		beta := 1e-4 + float64(step-1)*((0.02-1e-4)/999)
		if step == 1000 {
			beta = 0.02
		}
		prod.Mul(prod, new(big.Float).SetPrec(256).Sub(big.NewFloat(1), big.NewFloat(beta)))
		ab, _ := prod.Float64()
		checks := []struct {
			name      string
			got, want float64
			tol       float64
		}{
			{"t", v[0], float64(step), 0},
			{"beta", v[1], beta, 1e-15},
			{"alpha", v[2], 1 - beta, 1e-15},
			{"alpha_bar", v[3], ab, 1e-12},
			{"sqrt_alpha_bar", v[4], math.Sqrt(ab), 1e-12},
			{"sqrt_one_minus_alpha_bar", v[5], math.Sqrt(1 - ab), 1e-12},
			{"snr", v[6], ab / (1 - ab), 1e-10},
			{"posterior_variance", v[7], (1 - prevAB) / (1 - ab) * beta, 1e-10},
		}
		for _, c := range checks {
			if math.Abs(c.got-c.want) > c.tol*math.Abs(c.want) {
				t.Errorf("t = %d %s = %v, want %v", step, c.name, c.got, c.want)
			}
		}
		// The printed value round-trips to the schedule's own float64.
		if v[3] != s.AlphaBar[step] || v[1] != s.Beta[step] {
			t.Errorf("t = %d: CSV does not round-trip the schedule's numbers", step)
		}
		prevAB = ab
	}
	if rows[1001][3] != "4.035829765375676e-05" {
		t.Errorf("ᾱ_T printed %s, the lesson prints 4.035829765375676e-05", rows[1001][3])
	}
}

func TestScheduleCSVZeroTerminalSNR(t *testing.T) {
	c := diffusion.LessonConfig()
	c.ZeroTerminalSNR = true
	_, rows := scheduleCSV(t, c)
	last := rows[len(rows)-1]
	if last[1] != "1" || last[3] != "0" || last[6] != "0" {
		t.Errorf("t = T under zero terminal SNR: %v; want β = 1, ᾱ = 0, SNR = 0", last)
	}
}

func benchmarkGIFFrame(b *testing.B, dither bool) {
	files, err := app.ReadBuiltinFiles("../../web/images")
	if err != nil {
		b.Fatal(err)
	}
	lib := &app.Library{Files: files}
	pic, err := lib.Picture("astronaut", 256)
	if err != nil {
		b.Fatal(err)
	}
	m, _ := lessonMovie(b, pic, 256, app.ClosedForm, 1)
	b.ResetTimer()
	for b.Loop() {
		enc, _ := app.NewGIFEncoder(m, app.GIFOptions{Frames: 4, FPS: 20, Size: 256, Dither: dither})
		for enc.Next() == nil {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/4, "ms/frame")
}

// BenchmarkGIFFrame256 times one 256² frame of the GIF export (x_t,
// quantization, LZW), with and without dithering.
func BenchmarkGIFFrame256(b *testing.B) {
	b.Run("dither", func(b *testing.B) { benchmarkGIFFrame(b, true) })
	b.Run("plain", func(b *testing.B) { benchmarkGIFFrame(b, false) })
}
