//go:build browser

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// openPage starts a server and a browser, opens index.html with query and
// waits for the first frame.
func openPage(t *testing.T, query string) (ctx context.Context, base string) {
	t.Helper()
	base = startServer(t, repoRoot(t))
	c := newBrowser(t)
	navigate(t, c, base+"/index.html"+query)
	waitReady(t, c)
	return c, base
}

// state reads window.ddpm.getState().
func state(t *testing.T, ctx context.Context) app.State {
	t.Helper()
	var s app.State
	evalJSON(t, ctx, `window.ddpm.getState()`, &s)
	return s
}

// set calls window.ddpm.setState(patch) and returns the new state.
func set(t *testing.T, ctx context.Context, patch string) app.State {
	t.Helper()
	var s app.State
	evalJSON(t, ctx, `window.ddpm.setState(`+patch+`)`, &s)
	return s
}

// frames waits for n animation frames of the page (the canvas redraws on
// every one), so a change made through the API has reached the screen.
func frames(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	evalJSON(t, ctx, fmt.Sprintf(`(async () => { for (let i = 0; i < %d; i++) await new Promise(r => requestAnimationFrame(r)); })()`, n), nil)
}

// stage captures the stage iframe (the Ebiten canvas) as an image.
func stage(t *testing.T, ctx context.Context, name string) *image.RGBA {
	t.Helper()
	return shot(t, ctx, name, "#stage")
}

// correlation is the Pearson correlation of two captures' grey levels,
// over the central quarter (inside the picture, away from the letterbox).
func correlation(a, b *image.RGBA) float64 {
	r := a.Bounds()
	w, h := r.Dx(), r.Dy()
	var sa, sb, saa, sbb, sab float64
	k := 0.0
	for y := r.Min.Y + h/4; y < r.Min.Y+3*h/4; y++ {
		for x := r.Min.X + w/4; x < r.Min.X+3*w/4; x++ {
			i, j := a.PixOffset(x, y), b.PixOffset(x, y)
			p := float64(a.Pix[i]) + float64(a.Pix[i+1]) + float64(a.Pix[i+2])
			q := float64(b.Pix[j]) + float64(b.Pix[j+1]) + float64(b.Pix[j+2])
			sa, sb, saa, sbb, sab, k = sa+p, sb+q, saa+p*p, sbb+q*q, sab+p*q, k+1
		}
	}
	cov := sab/k - sa/k*sb/k
	return cov / math.Sqrt((saa/k-sa/k*sa/k)*(sbb/k-sb/k*sb/k))
}

func errorsText(t *testing.T, ctx context.Context) string {
	t.Helper()
	var s string
	evalJSON(t, ctx, `document.getElementById('errors').textContent`, &s)
	return s
}

// TestPlayingAndPaused: pixels change between frames while playing and stay
// still while paused.
func TestPlayingAndPaused(t *testing.T) {
	ctx, base := openPage(t, "")
	s := state(t, ctx)
	if !s.Playing || s.Schedule != "linear" || s.T != 1000 || s.BetaStart != 1e-4 || s.BetaEnd != 0.02 {
		t.Fatalf("the page does not open on the lesson's schedule, playing: %+v", s)
	}
	// Wait until t has moved, then compare two captures some frames apart.
	evalJSON(t, ctx, `(async () => { const t0 = ddpm.getState().t; while (ddpm.getState().t === t0) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
	a := stage(t, ctx, "playing-a")
	frames(t, ctx, 10)
	b := stage(t, ctx, "playing-b")
	if bytes.Equal(a.Pix, b.Pix) {
		t.Error("the canvas did not change while playing")
	}

	set(t, ctx, `{playing: false, t: 400}`)
	frames(t, ctx, 3)
	c := stage(t, ctx, "paused-a")
	frames(t, ctx, 20)
	d := stage(t, ctx, "paused-b")
	if !bytes.Equal(c.Pix, d.Pix) {
		t.Error("the canvas changed while paused")
	}
	if got := state(t, ctx).Step; got != 400 {
		t.Errorf("t = %d while paused, want 400", got)
	}
	assertClean(t, ctx, base)
}

// TestScrubbingMovesTheFrame: setState({t}) and the slider move the frame;
// near t = 0 the statistics are the picture's, at t = T the frame is noise.
func TestScrubbingMovesTheFrame(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=0")

	// The picture's own numbers, computed here from the same file.
	files, err := app.ReadBuiltinFiles(filepath.Join(repoRoot(t), "web", "images"))
	if err != nil {
		t.Fatal(err)
	}
	lib := &app.Library{Files: files}
	img, err := lib.Picture(app.DefaultImage, 256)
	if err != nil {
		t.Fatal(err)
	}
	want := diffusion.Summarize(diffusion.FromImage(img, 256).Pix)
	var got app.FrameStats
	evalJSON(t, ctx, `ddpm.stats()`, &got)
	if got.Step != 0 || math.Abs(float64(got.Mean)-want.Mean) > 1e-9 || math.Abs(float64(got.Std)-want.Std) > 1e-9 {
		t.Errorf("stats at t = 0: %+v, want the picture's mean %.6f and std %.6f", got, want.Mean, want.Std)
	}
	x0 := stage(t, ctx, "t0")

	set(t, ctx, `{t: 1}`)
	frames(t, ctx, 3)
	x1 := stage(t, ctx, "t1")
	if r := correlation(x0, x1); r < 0.9 {
		t.Errorf("x_1 correlates %.3f with x_0, want > 0.9", r)
	}

	set(t, ctx, `{t: 1000}`)
	frames(t, ctx, 3)
	xT := stage(t, ctx, "tT")
	evalJSON(t, ctx, `ddpm.stats()`, &got)
	if got.Step != 1000 || got.KS > 0.02 || math.Abs(float64(got.Std)-1) > 0.02 {
		t.Errorf("stats at t = T: %+v, want close to N(0, 1)", got)
	}
	if r := correlation(x0, xT); math.Abs(r) > 0.1 {
		t.Errorf("x_T correlates %.3f with x_0: it does not look like noise", r)
	}

	// The slider, moved as a visitor moves it.
	evalJSON(t, ctx, `(() => { const el = document.getElementById('t'); el.value = '250'; el.dispatchEvent(new Event('input', {bubbles: true})); })()`, nil)
	if s := state(t, ctx); s.Step != 250 {
		t.Errorf("after the slider: t = %d, want 250", s.Step)
	}
	frames(t, ctx, 3)
	x250 := stage(t, ctx, "t250")
	if bytes.Equal(x250.Pix, xT.Pix) || bytes.Equal(x250.Pix, x0.Pix) {
		t.Error("the slider did not change the frame")
	}
	var readout string
	evalJSON(t, ctx, `document.getElementById('r-t').textContent`, &readout)
	if readout != "250 / 1000" {
		t.Errorf("readout of t = %q", readout)
	}
	screenshot(t, ctx, "page-t250")
	assertClean(t, ctx, base)
}

// TestScheduleSwitch: switching the schedule changes the readouts and
// schedule(), and the numbers are the core's.
func TestScheduleSwitch(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=500")
	type table struct {
		T        int       `json:"T"`
		AlphaBar []float64 `json:"alphaBar"`
		Beta     []float64 `json:"beta"`
	}
	var lin table
	evalJSON(t, ctx, `ddpm.schedule()`, &lin)
	if lin.T != 1000 || len(lin.AlphaBar) != 1000 || lin.AlphaBar[999] != 4.035829765375676e-05 {
		t.Fatalf("linear schedule: T = %d, %d values, ᾱ_T = %v", lin.T, len(lin.AlphaBar), lin.AlphaBar[len(lin.AlphaBar)-1])
	}
	var before string
	evalJSON(t, ctx, `document.getElementById('r-alphabar').textContent`, &before)

	// Through the select, as a visitor would.
	evalJSON(t, ctx, `(() => { const el = document.getElementById('schedule'); el.value = 'cosine'; el.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	frames(t, ctx, 2)
	if s := state(t, ctx); s.Schedule != "cosine" {
		t.Fatalf("schedule = %q after choosing cosine", s.Schedule)
	}
	var cos table
	evalJSON(t, ctx, `ddpm.schedule()`, &cos)
	sched, err := diffusion.NewSchedule(diffusion.Config{Schedule: diffusion.Cosine, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	if cos.AlphaBar[499] != sched.AlphaBar[500] || cos.AlphaBar[499] == lin.AlphaBar[499] {
		t.Errorf("cosine ᾱ_500 = %v, want %v (linear: %v)", cos.AlphaBar[499], sched.AlphaBar[500], lin.AlphaBar[499])
	}
	var after string
	evalJSON(t, ctx, `document.getElementById('r-alphabar').textContent`, &after)
	if after == before {
		t.Errorf("the ᾱ_t readout stayed %q after switching to cosine", after)
	}

	set(t, ctx, `{zeroTerminalSNR: true}`)
	var z table
	evalJSON(t, ctx, `ddpm.schedule()`, &z)
	if z.AlphaBar[999] != 0 {
		t.Errorf("zero terminal SNR: ᾱ_T = %v, want 0", z.AlphaBar[999])
	}
	assertClean(t, ctx, base)
}

// TestInvalidAPICalls: setState throws an Error naming the field and applies
// nothing; the animation keeps running.
func TestInvalidAPICalls(t *testing.T) {
	ctx, base := openPage(t, "")
	before := state(t, ctx)
	tests := []struct{ patch, want string }{
		{`{t: 5000}`, "t must be an integer in 0..T (1000), got 5000"},
		{`{T: 0, t: 0}`, "T must be an integer in 1..10000, got 0"},
		{`{betaStart: NaN}`, "betaStart must be a number"},
		{`{schedule: "cosine", size: 5}`, "size must be an integer in 32..1024, got 5"},
		{`{mode: "reverse"}`, `mode must be one of closed, markov`},
		{`{foo: 1}`, `unknown field "foo"`},
		{`"t=3"`, "setState takes an object"},
	}
	for _, tc := range tests {
		var msg string
		evalJSON(t, ctx, `(() => { try { ddpm.setState(`+tc.patch+`); return "no error"; } catch (e) { return (e instanceof Error ? "" : "not an Error: ") + e.message; } })()`, &msg)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("setState(%s): %q, want %q", tc.patch, msg, tc.want)
		}
	}
	after := state(t, ctx)
	if after.Schedule != before.Schedule || after.Size != before.Size || after.T != before.T || !after.Playing {
		t.Errorf("a rejected setState changed the state: %+v → %+v", before, after)
	}
	evalJSON(t, ctx, `(async () => { const t0 = ddpm.getState().t; while (ddpm.getState().t === t0) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
	assertClean(t, ctx, base)
}

// TestBadURLParameters: each bad parameter is reported (role="alert") and
// ignored, the valid ones apply, and the page still animates.
func TestBadURLParameters(t *testing.T) {
	ctx, base := openPage(t, "?T=abc&t=20&speed=0&schedule=nope&mode=markov")
	msg := errorsText(t, ctx)
	for _, want := range []string{`T must be an integer in 1..10000, got "abc"`, "speed must be a number of steps per second in 1..5000", "schedule must be one of"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the page's errors %q do not contain %q", msg, want)
		}
	}
	var role string
	evalJSON(t, ctx, `document.getElementById('errors').getAttribute('role')`, &role)
	if role != "alert" {
		t.Errorf("errors role = %q", role)
	}
	s := state(t, ctx)
	if s.Mode != app.Markov || s.T != 1000 || s.Schedule != "linear" {
		t.Errorf("state %+v: want the valid mode=markov applied and the rest default", s)
	}
	evalJSON(t, ctx, `(async () => { const t0 = ddpm.getState().t; while (ddpm.getState().t === t0) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
	screenshot(t, ctx, "bad-url")
	// These errors are expected on the page, not in the console.
	assertClean(t, ctx, base)
}

// TestUploads: a real PNG and a real JPEG change the picture; corrupt,
// non-image and oversized files are refused with a message and the picture
// stays.
func TestUploads(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=0")
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	meanAt0 := func() float64 {
		var st app.FrameStats
		evalJSON(t, ctx, `ddpm.stats()`, &st)
		return float64(st.Mean)
	}
	waitImage := func(name string) {
		evalJSON(t, ctx, `(async () => { for (let i = 0; i < 600 && ddpm.getState().image !== `+fmt.Sprintf("%q", name)+`; i++) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
	}
	upload := func(file string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#upload"), []string{filepath.Join(testdata, file)})); err != nil {
			t.Fatal(err)
		}
	}
	photo := meanAt0()

	upload("stripes.png")
	waitImage("upload")
	frames(t, ctx, 3)
	stripes := meanAt0()
	if stripes == photo {
		t.Error("the PNG upload did not change the picture")
	}
	stage(t, ctx, "upload-png")

	// A JPEG through the API, from a Blob.
	var size struct{ Width, Height int }
	evalJSON(t, ctx, `fetch('/web/e2e/testdata/warm.jpg').then(r => r.blob()).then(b => ddpm.loadImage(b))`, &size)
	if size.Width != 80 || size.Height != 120 {
		t.Errorf("loadImage(warm.jpg) = %+v, want 80×120", size)
	}
	frames(t, ctx, 3)
	warm := meanAt0()
	if warm == stripes {
		t.Error("the JPEG upload did not change the picture")
	}
	stage(t, ctx, "upload-jpeg")

	for _, tc := range []struct{ file, want string }{
		{"truncated.jpg", "corrupt or truncated"},
		{"not-an-image.png", "not a PNG, JPEG, GIF or WebP file"},
		{"bomb.png", "got 100000×100000"},
	} {
		upload(tc.file)
		evalJSON(t, ctx, `(async () => { for (let i = 0; i < 600 && !document.getElementById('errors').textContent.includes(`+fmt.Sprintf("%q", tc.want)+`); i++) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
		if msg := errorsText(t, ctx); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: errors %q, want %q", tc.file, msg, tc.want)
		}
		if m := meanAt0(); m != warm {
			t.Errorf("%s: the picture changed (mean %v → %v)", tc.file, warm, m)
		}
	}
	// loadImage rejects with an Error too.
	var msg string
	evalJSON(t, ctx, `ddpm.loadImage(new Uint8Array([1,2,3])).then(() => "resolved", e => (e instanceof Error) + ": " + e.message)`, &msg)
	if !strings.HasPrefix(msg, "true: picture: not a PNG") {
		t.Errorf("loadImage(junk) → %q", msg)
	}
	if m := meanAt0(); m != warm {
		t.Error("junk bytes changed the picture")
	}
	screenshot(t, ctx, "upload-errors")
	assertClean(t, ctx, base)
}

// TestKeyboard: space, arrows, shift+arrows, Home and End.
func TestKeyboard(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=100")
	key := func(k string, mods ...chromedp.Modifier) {
		t.Helper()
		var opts []chromedp.KeyOption
		for _, m := range mods {
			opts = append(opts, chromedp.KeyModifiers(m))
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(k, opts...)); err != nil {
			t.Fatal(err)
		}
	}
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	steps := []struct {
		name string
		keys func()
		want int
	}{
		{"→", func() { key(kb.ArrowRight) }, 101},
		{"shift+→", func() { key(kb.ArrowRight, chromedp.ModifierShift) }, 111},
		{"←", func() { key(kb.ArrowLeft) }, 110},
		{"shift+←", func() { key(kb.ArrowLeft, chromedp.ModifierShift) }, 100},
		// Home and End scroll the page unless the stage has the focus
		// (or the lesson runs: keyboard_test.go).
		{"End", func() { evalJSON(t, ctx, `document.getElementById('stage').focus()`, nil); key(kb.End) }, 1000},
		{"Home", func() { key(kb.Home) }, 0},
	}
	for _, st := range steps {
		st.keys()
		if got := state(t, ctx).Step; got != st.want {
			t.Errorf("after %s: t = %d, want %d", st.name, got, st.want)
		}
	}
	key(" ")
	if !state(t, ctx).Playing {
		t.Error("space did not start playing")
	}
	key(" ")
	if state(t, ctx).Playing {
		t.Error("space did not pause")
	}
	assertClean(t, ctx, base)
}

// TestMarkovScrubsBothWays: in the Markov mode the same (seed, t) gives the
// same picture however it was reached, and another seed another picture.
func TestMarkovScrubsBothWays(t *testing.T) {
	ctx, base := openPage(t, "?play=0&mode=markov&t=300&seed=7")
	frames(t, ctx, 3)
	a := stage(t, ctx, "markov-300")
	set(t, ctx, `{t: 10}`)
	set(t, ctx, `{t: 999}`)
	set(t, ctx, `{t: 300}`)
	frames(t, ctx, 3)
	b := stage(t, ctx, "markov-300-again")
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("x_300 differs after scrubbing away and back")
	}
	set(t, ctx, `{seed: 8}`)
	frames(t, ctx, 3)
	c := stage(t, ctx, "markov-300-seed8")
	if bytes.Equal(a.Pix, c.Pix) {
		t.Error("another seed gave the same x_300")
	}
	assertClean(t, ctx, base)
}

// TestREADMEScreenshot saves the picture the README shows: the picture,
// its numbers and the controls (UPDATE_README_SCREENSHOT=1 writes it to
// web/screenshot.png).
func TestREADMEScreenshot(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=250")
	frames(t, ctx, 5)
	shot := screenshot(t, ctx, "readme", "main.layout")
	if os.Getenv("UPDATE_README_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join(repoRoot(t), "web", "screenshot.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	assertClean(t, ctx, base)
}
