//go:build browser

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dissolve/wasm/app"
)

// waitFor polls the JavaScript condition at each animation frame until it
// is true (at most 30 s): the instruments refresh on their own clocks.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := evalJSONErr(wctx, `(async () => {
		while (!(`+cond+`)) await new Promise(r => requestAnimationFrame(r));
		return true;
	})()`, nil)
	if err != nil {
		t.Fatalf("waiting for %s (%s): %v%s", what, cond, err, recorded(ctx))
	}
}

// shot captures one element as an image.
func shot(t *testing.T, ctx context.Context, name, sel string) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(screenshot(t, ctx, name, sel)))
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba
}

// colours counts the distinct colours of an image (at 4 bits a channel):
// a blank or single-colour capture has one or two.
func colours(img *image.RGBA) int {
	seen := map[uint32]bool{}
	for i := 0; i+3 < len(img.Pix); i += 4 {
		seen[uint32(img.Pix[i]>>4)<<8|uint32(img.Pix[i+1]>>4)<<4|uint32(img.Pix[i+2]>>4)] = true
	}
	return len(seen)
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	evalJSON(t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel), &s)
	return s
}

// instrumentsReady scrolls to each instrument in turn (parts off screen are
// not refreshed) and waits until it has drawn, then scrolls back to the top.
func instrumentsReady(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, part := range []struct{ sel, cond string }{
		{"#plot-alphabar", `document.querySelector('#plot-alphabar path.curve')`},
		{"#hist", `document.querySelector('#hist path.bars')`},
		{"#spectrum", `document.querySelector('#spectrum path.curve')`},
		{"#strip", `document.querySelectorAll('#strip canvas').length === 11`},
		{"#formulas", `document.querySelector('#formulas math')`},
	} {
		evalJSON(t, ctx, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'})`, part.sel), nil)
		waitFor(t, ctx, part.sel, part.cond)
	}
	evalJSON(t, ctx, `window.scrollTo(0, 0)`, nil)
}

// TestInstrumentsOnScreen: every instrument is on screen with more than a
// background's worth of pixels; the screenshots are saved for a look.
func TestInstrumentsOnScreen(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=300")
	instrumentsReady(t, ctx)
	for _, part := range []struct{ name, sel string }{
		{"inst-alphabar", "#plot-alphabar"}, {"inst-coef", "#plot-coef"}, {"inst-beta", "#plot-beta"},
		{"inst-logsnr", "#plot-logsnr"}, {"inst-histogram", "#hist"}, {"inst-histogram-table", "#hist-table"},
		{"inst-spectrum", "#spectrum"}, {"inst-strip", "#strip"}, {"inst-formulas", "#formulas"}, {"inst-tour", "#tour"},
	} {
		evalJSON(t, ctx, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'})`, part.sel), nil)
		frames(t, ctx, 2)
		img := shot(t, ctx, part.name, part.sel)
		if n := colours(img); n < 6 {
			t.Errorf("%s (%s) looks blank: %d colours", part.name, part.sel, n)
		}
	}
	// All schedules overlaid, on the log axis: four curves a plot, a legend.
	evalJSON(t, ctx, `(() => { document.getElementById('all-schedules').click(); document.getElementById('log-axis').click();
		document.getElementById('plot-alphabar').scrollIntoView({block: 'start'}); })()`, nil)
	frames(t, ctx, 2)
	var curves int
	evalJSON(t, ctx, `document.querySelectorAll('#plot-alphabar path.curve').length`, &curves)
	if curves != 4 {
		t.Errorf("overlay: %d curves on the ᾱ plot, want 4", curves)
	}
	shot(t, ctx, "inst-plots-overlay-log", ".plots")
	evalJSON(t, ctx, `(() => { document.getElementById('all-schedules').click(); document.getElementById('log-axis').click(); })()`, nil)
	// The plots' text is real text: ticks, the crossing, the readouts.
	if s := textOf(t, ctx, "#crossing-label"); !strings.Contains(s, "signal = noise at t ≈") {
		t.Errorf("crossing label %q", s)
	}
	var st app.FrameStats
	evalJSON(t, ctx, `ddpm.stats()`, &st)
	if !strings.Contains(textOf(t, ctx, "#crossing-label"), fmt.Sprint(math.Round(float64(st.Crossing)*10) / 10)[:3]) {
		t.Errorf("crossing label %q does not quote stats().crossing %g", textOf(t, ctx, "#crossing-label"), st.Crossing)
	}
	// The lesson's numbers at t = T.
	set(t, ctx, `{t: 1000}`)
	evalJSON(t, ctx, `document.getElementById('hist').scrollIntoView({block: 'center'})`, nil)
	waitFor(t, ctx, "the histogram at T", `document.querySelector('#at-t.emphasis')`)
	atT := textOf(t, ctx, "#at-t")
	if !strings.Contains(atT, "0.00635") || !strings.Contains(atT, "close to N(0, I), but not exactly") {
		t.Errorf("at t = T the histogram says %q", atT)
	}
	evalJSON(t, ctx, `ddpm.stats()`, &st)
	if math.Abs(float64(st.ResidualSignal)-0.0063528) > 1e-6 || !(st.KL > 0) || !(st.WrongSumStd > st.RightStd) {
		t.Errorf("stats() at T: %+v", st)
	}
	// The formulas carry the live numbers.
	evalJSON(t, ctx, `document.getElementById('formulas').scrollIntoView({block: 'center'})`, nil)
	waitFor(t, ctx, "the formulas at T", `document.getElementById('formulas').textContent.includes('1000')`)
	if f := textOf(t, ctx, "#formulas"); !strings.Contains(f, "4.036e−5") && !strings.Contains(f, "0.00004036") {
		t.Errorf("formulas at t = T do not show ᾱ_T: %q", f)
	}
	evalJSON(t, ctx, `window.scrollTo(0, 0); window.dissolveInstruments.refreshAll()`, nil)
	frames(t, ctx, 3)
	screenshot(t, ctx, "inst-page")
	assertClean(t, ctx, base)
}

// TestPlotClickSetsT: a click on a schedule plot sets t at that place, a
// drag follows the pointer.
func TestPlotClickSetsT(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=0")
	instrumentsReady(t, ctx)
	evalJSON(t, ctx, `document.getElementById('plot-coef').scrollIntoView({block: 'center'})`, nil)
	frames(t, ctx, 2)
	// Client coordinates of a point of the plot's viewBox: the plot area
	// runs from x = 62 (t = 0) to x = 466 (t = T).
	at := func(id string, fx float64) (x, y float64) {
		var p struct{ X, Y float64 }
		evalJSON(t, ctx, fmt.Sprintf(`(() => {
			const svg = document.getElementById(%q);
			const q = new DOMPoint(62 + %g * (466 - 62), 130).matrixTransform(svg.getScreenCTM());
			return {X: q.x, Y: q.y};
		})()`, id, fx), &p)
		return p.X, p.Y
	}
	for _, tc := range []struct {
		id   string
		frac float64
	}{{"plot-coef", 0.25}, {"plot-alphabar", 0.5}, {"plot-logsnr", 0.9}} {
		evalJSON(t, ctx, fmt.Sprintf(`document.getElementById(%q).scrollIntoView({block: 'center'})`, tc.id), nil)
		frames(t, ctx, 2)
		x, y := at(tc.id, tc.frac)
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}
		want := int(math.Round(tc.frac * 1000))
		if s := state(t, ctx); s.Step < want-3 || s.Step > want+3 || s.Playing {
			t.Errorf("click on %s at %.2f: t = %d (playing %v), want ≈ %d", tc.id, tc.frac, s.Step, s.Playing, want)
		}
	}
	// Drag on the β plot from 10% to 60%.
	evalJSON(t, ctx, `document.getElementById('plot-beta').scrollIntoView({block: 'center'})`, nil)
	frames(t, ctx, 2)
	x0, y0 := at("plot-beta", 0.1)
	x1, _ := at("plot-beta", 0.6)
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent("mousePressed", x0, y0, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", (x0+x1)/2, y0, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", x1, y0, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseReleased", x1, y0, chromedp.ButtonLeft),
	); err != nil {
		t.Fatal(err)
	}
	if s := state(t, ctx); s.Step < 597 || s.Step > 603 {
		t.Errorf("after a drag to 60%%: t = %d, want ≈ 600", s.Step)
	}
	frames(t, ctx, 3)
	var cursor float64
	evalJSON(t, ctx, `Number(document.querySelector('#plot-beta .cursor').getAttribute('x1'))`, &cursor)
	if want := 62 + 0.6*(466-62); math.Abs(cursor-want) > 2 {
		t.Errorf("the cursor is at x = %g, want ≈ %g", cursor, want)
	}
	assertClean(t, ctx, base)
}

// TestLanguageSwitch: the switch changes the instruments' labels and the
// teacher's path; errors are shown in Korean on a Korean page.
func TestLanguageSwitch(t *testing.T) {
	ctx, base := openPage(t, "?play=0&lang=en")
	instrumentsReady(t, ctx)
	if h := textOf(t, ctx, "#inst-heading"); h != "Instruments" {
		t.Errorf("English heading %q", h)
	}
	evalJSON(t, ctx, `(() => { const el = document.getElementById('lang'); el.value = 'ko'; el.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	frames(t, ctx, 3)
	for sel, want := range map[string]string{
		"#inst-heading": "측정 도구", "#hist-heading": "x_t의 숫자들과 N(0, 1)", "#tour-heading": "수업 순서",
		"#tour-next": "다음 단계", "label[for=compare]": "비교", "#plot-alphabar-cap": "ᾱ_t: 그림의 분산이 얼마나 남았는가 (강의의 그래프)",
	} {
		if got := textOf(t, ctx, sel); got != want {
			t.Errorf("%s in Korean: %q, want %q", sel, got, want)
		}
	}
	waitFor(t, ctx, "Korean readouts", `document.getElementById('hist-table').textContent.includes('표준편차')`)
	// A bad value typed into a control: the message is Korean, the field named.
	evalJSON(t, ctx, `(() => { const el = document.getElementById('T'); el.value = '0'; el.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	if e := errorsText(t, ctx); !strings.Contains(e, "T: 1..10000 범위의 정수이어야 합니다 (받은 값: 0)") {
		t.Errorf("Korean error: %q", e)
	}
	// The API keeps English messages for programs.
	var msg string
	evalJSON(t, ctx, `(() => { try { ddpm.setState({t: 5000}); } catch (e) { return e.message; } })()`, &msg)
	if msg != "t must be an integer in 0..T (1000), got 5000" {
		t.Errorf("API error %q", msg)
	}
	// The other messages Go sends, rendered in Korean: each refusal's
	// code filled from the schema's Korean table, as Go's own
	// FieldError.Message("ko") fills it.
	for _, patch := range []string{`{compare: "x"}`, `{speed: 0}`, `{tt: 1}`} {
		var r struct {
			Text  string
			Error app.FieldError
		}
		evalJSON(t, ctx, fmt.Sprintf(`(async () => {
			const { errorText } = await import(new URL('web/errors.js', location.href).href);
			try { ddpm.setState(%s); } catch (e) { return {Text: errorText(e), Error: {...e}}; }
		})()`, patch), &r)
		if want := r.Error.Message("ko"); r.Text != want || r.Error.Code == "" || !strings.ContainsAny(r.Text, "다는의") {
			t.Errorf("Korean of setState(%s): %q, want the Korean table's %q", patch, r.Text, want)
		}
	}
	screenshot(t, ctx, "inst-page-ko")
	assertClean(t, ctx, base)
}

// paneCrops splits a capture of the stage into the panes the page labels,
// using the rectangles the core reports.
func paneCrops(t *testing.T, ctx context.Context, img *image.RGBA) []*image.RGBA {
	t.Helper()
	var r struct {
		Kinds []string   `json:"kinds"`
		Rects []app.Rect `json:"rects"`
	}
	evalJSON(t, ctx, `JSON.parse(document.getElementById('stage').contentWindow.dissolveCore.panes())`, &r)
	b := img.Bounds()
	var out []*image.RGBA
	for _, rc := range r.Rects {
		// Inset by 2 px against the edges' filtering.
		x0 := b.Min.X + int(rc.X*float64(b.Dx())) + 2
		y0 := b.Min.Y + int(rc.Y*float64(b.Dy())) + 2
		x1 := b.Min.X + int((rc.X+rc.W)*float64(b.Dx())) - 2
		y1 := b.Min.Y + int((rc.Y+rc.H)*float64(b.Dy())) - 2
		out = append(out, img.SubImage(image.Rect(x0, y0, x1, y1)).(*image.RGBA))
	}
	return out
}

func samePixels(a, b *image.RGBA) (same, total int) {
	w := min(a.Bounds().Dx(), b.Bounds().Dx())
	h := min(a.Bounds().Dy(), b.Bounds().Dy())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := a.PixOffset(a.Bounds().Min.X+x, a.Bounds().Min.Y+y)
			j := b.PixOffset(b.Bounds().Min.X+x, b.Bounds().Min.Y+y)
			if bytes.Equal(a.Pix[i:i+3], b.Pix[j:j+3]) {
				same++
			}
			total++
		}
	}
	return
}

// TestComparePanesShareTheCursor: the panes of every comparison are drawn
// side by side, labelled, and all follow the one t.
func TestComparePanesShareTheCursor(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=0&compare=modes&size=128")
	instrumentsReady(t, ctx)
	if s := state(t, ctx); s.Compare != app.CompareModes {
		t.Fatalf("compare from the URL: %q", s.Compare)
	}
	waitFor(t, ctx, "two pane labels", `document.querySelectorAll('#pane-labels .pane-label').length === 2`)
	// At t = 0 both panes are x_0: the same pixels.
	frames(t, ctx, 3)
	p := paneCrops(t, ctx, stage(t, ctx, "compare-modes-t0"))
	// (Nearest-neighbour magnification at a fractional offset shifts a few
	// pixel edges between the panes.)
	if same, total := samePixels(p[0], p[1]); same < total*9/10 {
		t.Errorf("t = 0: the panes differ (%d of %d pixels the same)", same, total)
	}
	// One cursor: at t = 600 both panes moved, to different noise, and the
	// histogram's two std readouts agree.
	set(t, ctx, `{t: 600}`)
	frames(t, ctx, 3)
	q := paneCrops(t, ctx, stage(t, ctx, "compare-modes-t600"))
	for i := range q {
		if same, total := samePixels(p[i], q[i]); same > total/2 {
			t.Errorf("pane %d did not follow t = 600 (%d of %d pixels unchanged)", i, same, total)
		}
	}
	if same, total := samePixels(q[0], q[1]); same > total/2 {
		t.Errorf("closed form and chain show the same noise (%d of %d)", same, total)
	}
	evalJSON(t, ctx, `document.getElementById('hist').scrollIntoView({block: 'center'})`, nil)
	waitFor(t, ctx, "two rows of readouts", `document.querySelectorAll('#hist-table tbody tr').length === 2`)
	evalJSON(t, ctx, `window.scrollTo(0, 0)`, nil)
	var stds []float64
	evalJSON(t, ctx, `JSON.parse(document.getElementById('stage').contentWindow.dissolveCore.instruments(-1)).panes.map(p => p.std)`, &stds)
	if len(stds) != 2 || math.Abs(stds[0]-stds[1]) > 0.02*stds[0] {
		t.Errorf("closed form and chain std: %v", stds)
	}
	screenshot(t, ctx, "inst-compare-modes")

	// Each comparison: the number of panes and labels, and real pixels.
	for _, tc := range []struct {
		patch string
		panes int
		label string
	}{
		{`{compare: "schedules", compareSchedule: "cosine", t: 500}`, 2, "cosine"},
		{`{compare: "wrongsum", t: 1000}`, 2, "wrong sum: (A+B)ε"},
		{`{compare: "normalise", t: 1000}`, 3, "x₀ z-scored: (x₀ − mean)/std"},
	} {
		s := set(t, ctx, tc.patch)
		waitFor(t, ctx, tc.patch, fmt.Sprintf(`document.querySelectorAll('#pane-labels .pane-label').length === %d`, tc.panes))
		frames(t, ctx, 3)
		img := stage(t, ctx, "compare-"+string(s.Compare))
		crops := paneCrops(t, ctx, img)
		for i, c := range crops {
			if colours(c) < 8 {
				t.Errorf("%s: pane %d looks blank", s.Compare, i)
			}
		}
		if l := textOf(t, ctx, "#pane-labels"); !strings.Contains(l, tc.label) {
			t.Errorf("%s: labels %q lack %q", s.Compare, l, tc.label)
		}
		evalJSON(t, ctx, `window.dissolveInstruments.refreshAll()`, nil)
		frames(t, ctx, 3)
		screenshot(t, ctx, "inst-page-compare-"+string(s.Compare))
	}
	// The wrong sum's std is far from the right one; z-scoring gives std 1
	// but not a Gaussian.
	var r app.InstrumentReport
	evalJSON(t, ctx, `JSON.parse(document.getElementById('stage').contentWindow.dissolveCore.instruments(-1))`, &r)
	z, xT := r.Panes[1], r.Panes[2]
	if math.Abs(float64(z.Std)-1) > 1e-3 || math.Abs(float64(xT.Std)-1) > 0.02 || !(z.KS > 5*xT.KS) {
		t.Errorf("normalise: z-score std %g KS %g, x_T std %g KS %g", z.Std, z.KS, xT.Std, xT.KS)
	}
	set(t, ctx, `{compare: "wrongsum", t: 1000}`)
	evalJSON(t, ctx, `JSON.parse(document.getElementById('stage').contentWindow.dissolveCore.instruments(-1))`, &r)
	if !(float64(r.Panes[1].Std) > 2*float64(r.Panes[0].Std)) {
		t.Errorf("wrong sum std %g against right %g", r.Panes[1].Std, r.Panes[0].Std)
	}
	// Back to one picture: no labels.
	set(t, ctx, `{compare: "none"}`)
	waitFor(t, ctx, "no pane labels", `document.querySelectorAll('#pane-labels .pane-label').length === 0`)
	assertClean(t, ctx, base)
}

// TestTeacherStops: N / Page Down and the buttons walk the stops; each sets
// the state it names and says one sentence.
func TestTeacherStops(t *testing.T) {
	ctx, base := openPage(t, "?play=1")
	instrumentsReady(t, ctx)
	var st app.FrameStats
	evalJSON(t, ctx, `ddpm.stats()`, &st)
	want := []struct {
		compare app.Compare
		t       int
		name    string
	}{
		{app.CompareNone, 0, "t = 0"},
		{app.CompareNone, 250, "ᾱ_t, the lesson's figure"},
		{app.CompareNone, int(math.Round(float64(st.Crossing))), "where signal = noise"},
		{app.CompareNone, 1000, "t = T"},
		{app.CompareNone, 1000, "close to N(0, I), but not exactly"},
		{app.CompareModes, 500, "closed form against Markov chain"},
		{app.CompareWrongSum, 200, "the wrong sum"},
		{app.CompareNormalise, 1000, "one-shot normalisation"},
		{app.CompareSchedules, 500, "linear against cosine"},
		{app.CompareNone, 200, "fine detail drowns first"},
		{app.CompareNone, 0, "the perfect model only copies"},
		{app.CompareNone, 0, "locality creates"},
		{app.CompareNone, 0, "fewer steps with DDIM"},
		{app.CompareNone, 0, "the loss a perfect network reaches"},
	}
	evalJSON(t, ctx, `document.body.focus()`, nil)
	for i, w := range want {
		var err error
		switch i % 3 {
		case 0:
			err = chromedp.Do(ctx, chromedp.KeyEvent("n"))
		case 1:
			err = chromedp.Do(ctx, chromedp.KeyEvent(kb.PageDown))
		default:
			err = chromedp.Do(ctx, chromedp.Click("#tour-next"))
		}
		if err != nil {
			t.Fatal(err)
		}
		s := state(t, ctx)
		if s.Compare != w.compare || s.Step != w.t || s.Playing {
			t.Errorf("stop %d: compare %q t %d playing %v, want %q %d paused", i+1, s.Compare, s.Step, s.Playing, w.compare, w.t)
		}
		name := textOf(t, ctx, "#tour-name")
		if !strings.Contains(name, fmt.Sprintf("Stop %d of %d: %s", i+1, len(want), w.name)) || textOf(t, ctx, "#tour-text") == "" {
			t.Errorf("stop %d: %q / %q", i+1, name, textOf(t, ctx, "#tour-text"))
		}
		if i == 2 {
			screenshot(t, ctx, "inst-tour-crossing")
		}
	}
	// P goes back.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("p")); err != nil {
		t.Fatal(err)
	}
	if s := state(t, ctx); s.Direction != app.Reverse || s.Steps != 10 || s.Denoiser != app.DenoiserIdeal { // "fewer steps with DDIM"
		t.Errorf("after P: %+v", s)
	}
	assertClean(t, ctx, base)
}

// TestAccessibility: the aria-live readout says t, ᾱ_t and the SNR; a
// visitor who asks for reduced motion gets a paused page; every control of
// the instruments has a label.
func TestAccessibility(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html")
	waitReady(t, ctx)
	if s := state(t, ctx); s.Playing {
		t.Error("prefers-reduced-motion: the page starts playing")
	}
	set(t, ctx, `{t: 250}`)
	frames(t, ctx, 2)
	live := textOf(t, ctx, "#live")
	if !strings.Contains(live, "t 250 of 1000") || !strings.Contains(live, "alpha bar") || !strings.Contains(live, "signal-to-noise ratio") {
		t.Errorf("aria-live readout %q", live)
	}
	var unlabelled []string
	evalJSON(t, ctx, `[...document.querySelectorAll('#instruments input, #instruments select, #controls select, #tour button, #strip button')]
		.filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
		.map(el => el.outerHTML.slice(0, 80))`, &unlabelled)
	if len(unlabelled) > 0 {
		t.Errorf("controls without a label: %v", unlabelled)
	}
	assertClean(t, ctx, base)
}

// waitWithin polls the JavaScript condition at each animation frame until
// it is true or d has passed, and says whether it became true.
func waitWithin(t *testing.T, ctx context.Context, d time.Duration, cond string) bool {
	t.Helper()
	var ok bool
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		const end = performance.now() + %d;
		while (!(%s)) {
			if (performance.now() > end) return false;
			await new Promise(r => requestAnimationFrame(r));
		}
		return true;
	})()`, d.Milliseconds(), cond), &ok)
	return ok
}

// TestPausedComparisonsShowEveryPane: walking the teacher's path with the
// page paused, every pane of each comparison gets its histogram and its
// row of readouts without t moving, and the line under the readouts
// describes x_t and says which pane it is (at the normalise stop the first
// pane is x₀, whose numbers it must not label x_t).
func TestPausedComparisonsShowEveryPane(t *testing.T) {
	ctx, base := openPage(t, "?play=0")
	instrumentsReady(t, ctx)
	for i := 0; i < 5; i++ { // to the stop before the first comparison
		if err := chromedp.Do(ctx, chromedp.Click("#tour-next")); err != nil {
			t.Fatal(err)
		}
	}
	for _, stop := range []struct {
		compare app.Compare
		panes   int
		line    string // how the line under the readouts starts
	}{
		{app.CompareModes, 2, "x_t (closed form: one ε): mean"},
		{app.CompareWrongSum, 2, "x_t (closed form: one ε): mean"},
		{app.CompareNormalise, 3, "x_t: mean"},
		{app.CompareSchedules, 2, "x_t (linear (the lesson)): mean"},
	} {
		if err := chromedp.Do(ctx, chromedp.Click("#tour-next")); err != nil {
			t.Fatal(err)
		}
		s := state(t, ctx)
		if s.Compare != stop.compare || s.Playing {
			t.Fatalf("the stop set compare %q (playing %v), want %q paused", s.Compare, s.Playing, stop.compare)
		}
		evalJSON(t, ctx, `document.getElementById('hist').scrollIntoView({block: 'center'})`, nil)
		cond := fmt.Sprintf(`document.querySelectorAll('#hist-table tbody tr').length === %d && document.querySelectorAll('#hist path.bars').length === %d`, stop.panes, stop.panes)
		if !waitWithin(t, ctx, 3*time.Second, cond) {
			var rows, bars int
			evalJSON(t, ctx, `document.querySelectorAll('#hist-table tbody tr').length`, &rows)
			evalJSON(t, ctx, `document.querySelectorAll('#hist path.bars').length`, &bars)
			t.Errorf("%s, paused: %d rows and %d histograms after 3 s, want %d of each", stop.compare, rows, bars, stop.panes)
		}
		if got := state(t, ctx); got.Step != s.Step {
			t.Errorf("%s: t moved from %d to %d", stop.compare, s.Step, got.Step)
		}
		screenshot(t, ctx, "paused-"+string(stop.compare), ".inst-pair")
		// The line under the readouts: x_t's numbers, named.
		waitWithin(t, ctx, time.Second, `false`) // the line refreshes every 250 ms
		line := textOf(t, ctx, "#stats")
		var r app.InstrumentReport
		evalJSON(t, ctx, `JSON.parse(document.getElementById('stage').contentWindow.dissolveCore.instruments(-1))`, &r)
		var xt app.PaneStats
		for _, p := range r.Panes {
			if p.Kind == app.PaneClosed {
				xt = p
			}
		}
		if !strings.HasPrefix(line, stop.line) || !strings.Contains(line, "std "+fmtLike(float64(xt.Std))) {
			t.Errorf("%s: the line under the readouts says %q; want it to start %q and quote x_t's std %g", stop.compare, line, stop.line, xt.Std)
		}
	}
	assertClean(t, ctx, base)
}

// fmtLike formats x as the page's fmt(x, 3) does for numbers in [1e-3, 1e5).
func fmtLike(x float64) string {
	s := strconv.FormatFloat(x, 'g', 3, 64)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.Replace(s, "-", "−", 1)
}
