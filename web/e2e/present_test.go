//go:build browser

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dissolve/web/server"
)

// openAt opens index.html with query in a 1366×768 window (a projector's,
// a common laptop's) and waits for the first frame.
func openAt(t *testing.T, query string, touch bool) (context.Context, string) {
	t.Helper()
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	opts := []chromedp.EmulateViewportOption{}
	if touch {
		opts = append(opts, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768, opts...)); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html"+query)
	waitReady(t, ctx)
	return ctx, base
}

// presentView is what presentation mode shows.
type presentView struct {
	On       bool   // html.presenting
	Count    string // "3 / 14 · …"
	Text     string // the stop's sentence
	Chart    string // html[data-chart]
	InSlot   string // the id of the element in the chart slot
	Numbers  string
	Focus    string
	StageTop float64
	StageBot float64
}

func present(t *testing.T, ctx context.Context) presentView {
	t.Helper()
	var v presentView
	evalJSON(t, ctx, `(() => {
		const slot = document.getElementById('present-slot');
		const first = slot && slot.firstElementChild;
		const box = document.getElementById('stage-box').getBoundingClientRect();
		const a = document.activeElement;
		return {On: document.documentElement.classList.contains('presenting'),
			Count: document.getElementById('present-count').textContent,
			Text: document.getElementById('present-text').textContent,
			Chart: document.documentElement.dataset.chart || '',
			InSlot: first ? (first.id || (first.querySelector('svg[id], canvas[id]') || {}).id || '') : '',
			Numbers: document.getElementById('present-numbers').textContent,
			Focus: a ? (a.id || a.tagName.toLowerCase()) : '',
			StageTop: box.top, StageBot: box.bottom};
	})()`, &v)
	return v
}

// waitCount waits until presentation mode shows stop i of n.
func waitCount(t *testing.T, ctx context.Context, i, n int) presentView {
	t.Helper()
	want := fmt.Sprintf("%d / %d", i, n)
	if !waitWithin(t, ctx, 3*time.Second, fmt.Sprintf(`document.getElementById('present-count').textContent.startsWith(%q)`, want)) {
		v := present(t, ctx)
		t.Fatalf("presentation mode shows %q, want stop %s (%+v)", v.Count, want, v)
	}
	return present(t, ctx)
}

// smallText lists the visible text of presentation mode (the view's own
// text, the chart's caption and labels in HTML, the pane labels) set in
// less than min CSS pixels.
func smallText(t *testing.T, ctx context.Context, min float64) []string {
	t.Helper()
	var out []string
	evalJSON(t, ctx, fmt.Sprintf(`(() => {
		const out = [];
		const roots = [document.getElementById('present'), document.getElementById('pane-labels')];
		for (const root of roots) {
			const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				const el = n.parentElement;
				if (!n.textContent.trim() || el.closest('svg') || el.closest('math')) continue;
				const r = el.getBoundingClientRect();
				if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
				const px = parseFloat(getComputedStyle(el).fontSize);
				if (px < %g) out.push(px + 'px: ' + n.textContent.trim().slice(0, 40));
			}
		}
		return out;
	})()`, min), &out)
	return out
}

// swipe drags a finger sideways across the band of presentation mode.
func swipe(t *testing.T, ctx context.Context, dx float64) {
	t.Helper()
	var r rect
	evalJSON(t, ctx, `(() => { const r = document.getElementById('present-text').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &r)
	x0, y := r.X+r.W/2, r.Y+r.H/2
	send := func(typ input.DispatchTouchEventType, x float64) {
		t.Helper()
		sendTouch(t, ctx, typ, x, y)
	}
	send(input.DispatchTouchEventTypeTouchStart, x0)
	for i := 1; i <= 4; i++ {
		send(input.DispatchTouchEventTypeTouchMove, x0+dx*float64(i)/4)
	}
	send(input.DispatchTouchEventTypeTouchEnd, 0)
	frames(t, ctx, 2)
}

// viewShot captures the window as it is seen (not the whole page) into
// web/e2e/out/NAME.png; with UPDATE_DOCS_SCREENSHOTS=1 also into
// docs/NAME.png, in 256 colours (Floyd–Steinberg), small enough to commit.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: web/e2e/out/%s.png", name)
	if os.Getenv("UPDATE_DOCS_SCREENSHOTS") != "1" {
		return
	}
	data := docsPNG(t, buf)
	if err := os.WriteFile(filepath.Join(repoRoot(t), "docs", name+".png"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("docs/%s.png: %d bytes", name, len(data))
}

// docsPNG is a screenshot for docs/: in 256 colours (Plan 9's, dithered)
// where that is smaller.
func docsPNG(t *testing.T, shot []byte) []byte {
	t.Helper()
	full, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	small := image.NewPaletted(full.Bounds(), palette.Plan9)
	draw.FloydSteinberg.Draw(small, full.Bounds(), full, image.Point{})
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, small); err != nil {
		t.Fatal(err)
	}
	if len(shot) < out.Len() {
		return shot
	}
	return out.Bytes()
}

// TestPresentationMode: L turns the page into presentation mode at the
// first stop; the arrows, Page Up/Down (a clicker) and a swipe walk the
// stops, each with its sentence and its chart; every text is at least
// 28 px at 1366×768 and the picture is whole on screen; Tab moves on and
// is never held; Esc leaves (and the page keys scroll again). The button
// "Start the lesson" enters too. Screenshots in English and Korean.
func TestPresentationMode(t *testing.T) {
	ctx, base := openAt(t, "?play=0&lang=en", true)
	instrumentsReady(t, ctx)
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	if v := present(t, ctx); v.On {
		t.Fatal("presentation mode is on before anything asked for it")
	}
	press(t, ctx, "l", false)
	v := waitCount(t, ctx, 1, 14)
	if !v.On || !strings.Contains(v.Count, "t = 0") || !strings.Contains(v.Text, "x₀ is the picture itself") || v.Chart != "histogram" || v.InSlot != "hist" {
		t.Errorf("L: %+v, want presentation mode at stop 1 (t = 0) with the histogram", v)
	}
	if v.Focus != "present-next" {
		t.Errorf("presentation mode put the focus on %q, want its Next button", v.Focus)
	}
	if v.StageTop < 0 || v.StageBot > 768 {
		t.Errorf("the picture spans %.0f..%.0f px of a 768 px window", v.StageTop, v.StageBot)
	}

	// Next and previous: →, Page Down, ←, Page Up, a swipe each way.
	steps := []struct {
		what  string
		do    func()
		stop  int
		chart string
		t     int
	}{
		{"→", func() { press(t, ctx, kb.ArrowRight, false) }, 2, "alphabar", 250},
		{"Page Down", func() { press(t, ctx, kb.PageDown, false) }, 3, "coef", -1},
		{"Page Down", func() { press(t, ctx, kb.PageDown, false) }, 4, "histogram", 1000},
		{"→", func() { press(t, ctx, kb.ArrowRight, false) }, 5, "residual", 1000},
		{"←", func() { press(t, ctx, kb.ArrowLeft, false) }, 4, "histogram", 1000},
		{"Page Up", func() { press(t, ctx, kb.PageUp, false) }, 3, "coef", -1},
		{"a swipe to the left", func() { swipe(t, ctx, -400) }, 4, "histogram", 1000},
		{"a swipe to the right", func() { swipe(t, ctx, 400) }, 3, "coef", -1},
		{"↓", func() { press(t, ctx, kb.ArrowDown, false) }, 4, "histogram", 1000},
		{"→", func() { press(t, ctx, kb.ArrowRight, false) }, 5, "residual", 1000},
	}
	for _, st := range steps {
		st.do()
		v := waitCount(t, ctx, st.stop, 14)
		s := state(t, ctx)
		if v.Chart != st.chart || (st.t >= 0 && s.Step != st.t) || s.Playing {
			t.Errorf("%s: stop %d shows chart %q at t = %d (playing %v), want %q at t = %d", st.what, st.stop, v.Chart, s.Step, s.Playing, st.chart, st.t)
		}
		if !strings.Contains(v.Numbers, fmt.Sprintf("t = %d / 1000", s.Step)) || !strings.Contains(v.Numbers, "√ᾱ_t =") {
			t.Errorf("%s: the numbers say %q at t = %d", st.what, v.Numbers, s.Step)
		}
	}
	// The residual stop: x_T beside √ᾱ_T·x₀, magnified ×100.
	waitFor(t, ctx, "the residual view", `document.getElementById('residual-canvas').width > 0`)
	if got := textOf(t, ctx, "#residual-view"); !strings.Contains(got, "× 100") || !strings.Contains(got, "0.00635") {
		t.Errorf("the residual view says %q, want the magnification ×100 and √ᾱ_T = 0.00635", got)
	}
	if img := shot(t, ctx, "present-residual", "#residual-canvas"); colours(img) < 50 {
		t.Errorf("the residual view has %d colours: blank?", colours(img))
	}
	if small := smallText(t, ctx, 28); len(small) > 0 {
		t.Errorf("text under 28 px at 1366×768: %q", small)
	}
	viewShot(t, ctx, "presentation-en")

	// Tab moves on from every control of the view, and round again.
	var walk []string
	for i := 0; i < 8; i++ {
		press(t, ctx, kb.Tab, false)
		walk = append(walk, focused(t, ctx))
	}
	distinct := map[string]bool{}
	for _, f := range walk {
		distinct[f] = true
	}
	if len(distinct) < 3 {
		t.Errorf("Tab in presentation mode walked %v: held", walk)
	}
	for _, f := range walk {
		if f != "" && f != "body" && !strings.HasPrefix(f, "present-") && f != "stage" {
			// Nothing hidden under the view takes the focus.
			var hidden bool
			evalJSON(t, ctx, `getComputedStyle(document.activeElement).visibility === 'hidden'`, &hidden)
			if hidden {
				t.Errorf("Tab reached %q, hidden under presentation mode", f)
			}
		}
	}
	press(t, ctx, kb.Tab, true)
	if f := focused(t, ctx); f == walk[len(walk)-1] {
		t.Errorf("Shift+Tab stayed on %q", f)
	}

	// Korean: the same view, relabelled.
	set(t, ctx, `{lang: 'ko'}`)
	frames(t, ctx, 3)
	v = present(t, ctx)
	if !strings.Contains(v.Text, "확대하면") || !strings.Contains(textOf(t, ctx, "#present-exit"), "나가기") {
		t.Errorf("Korean presentation: %q / %q", v.Text, textOf(t, ctx, "#present-exit"))
	}
	if small := smallText(t, ctx, 28); len(small) > 0 {
		t.Errorf("Korean text under 28 px at 1366×768: %q", small)
	}
	viewShot(t, ctx, "presentation-ko")
	set(t, ctx, `{lang: 'en'}`)

	// Esc leaves from anywhere; the chart goes back among the instruments.
	evalJSON(t, ctx, `document.getElementById('present-next').focus()`, nil)
	press(t, ctx, kb.Escape, false)
	if v := present(t, ctx); v.On {
		t.Fatal("Esc did not leave presentation mode")
	}
	var home bool
	evalJSON(t, ctx, `Boolean(document.getElementById('residual-view').closest('#present-slot')) === false && Boolean(document.getElementById('hist').closest('.inst-part'))`, &home)
	if !home {
		t.Error("after Esc the charts are not back in their places")
	}
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	y0 := scrollY(t, ctx)
	press(t, ctx, kb.PageDown, false)
	if y := scrollY(t, ctx); y-y0 < 100 {
		t.Errorf("after Esc, Page Down scrolled by %.0f px, want a page", y-y0)
	}
	evalJSON(t, ctx, `scrollTo(0, 0)`, nil)

	// The button enters too, at the stop the walk had reached.
	if err := chromedp.Do(ctx, chromedp.Click("#start-lesson")); err != nil {
		t.Fatal(err)
	}
	if v := waitCount(t, ctx, 5, 14); !v.On {
		t.Error("Start the lesson did not enter presentation mode")
	}
	if err := chromedp.Do(ctx, chromedp.Click("#present-exit")); err != nil {
		t.Fatal(err)
	}
	if v := present(t, ctx); v.On || v.Focus != "start-lesson" {
		t.Errorf("Leave: presenting %v, focus on %q; want off, back on the button", v.On, v.Focus)
	}
	assertClean(t, ctx, base)
}

// TestTeacherPath: a teacher's path from a same-origin file (?path=) is
// walked in presentation mode; a faulty one chosen with the file picker
// (stop 2 sets t beyond T) is refused with an error naming stop 2 and the
// field, and the path there was stays. In Korean the error is Korean.
func TestTeacherPath(t *testing.T) {
	ctx, base := openAt(t, "?play=0&lang=en&path=web/lessons/example.json", false)
	waitFor(t, ctx, "the path", `/3 stops/.test(document.getElementById('path-status').textContent)`)
	press(t, ctx, "l", false)
	v := waitCount(t, ctx, 1, 3)
	if v.Text != "The picture x₀, before any noise: ᾱ₀ = 1." || v.Chart != "histogram" {
		t.Errorf("stop 1 of the file: %+v", v)
	}
	press(t, ctx, kb.ArrowRight, false)
	v = waitCount(t, ctx, 2, 3)
	if s := state(t, ctx); s.Step != 250 || v.Chart != "alphabar" || v.InSlot != "plot-alphabar" {
		t.Errorf("stop 2 of the file: t = %d, %+v", s.Step, v)
	}
	press(t, ctx, kb.Escape, false)
	if !strings.Contains(location(t, ctx), "path=web%2Flessons%2Fexample.json") {
		t.Errorf("the address lost the path: %s", location(t, ctx))
	}

	// A faulty path from the file picker: refused, naming stop 2 and t.
	bad, err := filepath.Abs(filepath.Join("testdata", "path-bad-stop2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#path-file", []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the refusal", `document.getElementById('path-status').classList.contains('path-error')`)
	want := "stop 2: t must be an integer in 0..T (1000), got 5000"
	if got := textOf(t, ctx, "#path-status"); got != want {
		t.Errorf("path status %q, want %q", got, want)
	}
	if got := textOf(t, ctx, "#errors"); !strings.Contains(got, want) {
		t.Errorf("the page's errors say %q, want %q", got, want)
	}
	// The file's path stays: stop 3 is still its residual stop.
	press(t, ctx, "l", false)
	press(t, ctx, kb.ArrowRight, false)
	if v := waitCount(t, ctx, 3, 3); v.Chart != "residual" || !strings.Contains(v.Text, "magnified, the picture comes back") {
		t.Errorf("after the refusal: %+v, want the first path's stop 3", v)
	}
	press(t, ctx, kb.Escape, false)

	// In Korean.
	set(t, ctx, `{lang: 'ko'}`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#path-file", []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the Korean refusal", `/2단계/.test(document.getElementById('path-status').textContent)`)
	if got := textOf(t, ctx, "#path-status"); !strings.HasPrefix(got, "2단계: t:") {
		t.Errorf("Korean path status %q", got)
	}
	assertClean(t, ctx, base)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	var s string
	evalJSON(t, ctx, `location.href`, &s)
	return s
}

// TestTeacherPathOtherOrigin: ?path= naming a file on another origin is
// refused before any request, and the built-in path stays.
func TestTeacherPathOtherOrigin(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprint(w, `[{"state": {"t": 3}, "text": {"en": "from elsewhere"}}]`)
	}))
	t.Cleanup(other.Close)
	ctx, base := openAt(t, "?play=0&lang=en&path="+other.URL+"/evil.json", false)
	waitFor(t, ctx, "the refusal", `document.getElementById('path-status').classList.contains('path-error')`)
	if got := textOf(t, ctx, "#path-status"); !strings.Contains(got, "path: must be a file on this page's origin") || !strings.Contains(got, other.URL) {
		t.Errorf("path status %q", got)
	}
	press(t, ctx, "l", false)
	if v := waitCount(t, ctx, 1, 14); !strings.Contains(v.Count, "t = 0") {
		t.Errorf("the built-in path did not stay: %+v", v)
	}
	assertClean(t, ctx, base) // no request left the page's origin
}

// TestFirstView: at 1366×768 the first screen says what is happening (two
// lines), shows t and √ᾱ_t right at the picture and offers "Start the
// lesson", all above the fold; the button starts presentation mode.
func TestFirstView(t *testing.T) {
	ctx, base := openAt(t, "", false)
	set(t, ctx, `{playing: false, t: 250}`)
	frames(t, ctx, 2)
	var fold []struct {
		Sel         string
		Top, Bottom float64
		Text        string
	}
	evalJSON(t, ctx, `['.lede', '.lede-2', '#start-lesson', '#stage-badge'].map((sel) => {
		const el = document.querySelector(sel); const r = el.getBoundingClientRect();
		return {Sel: sel, Top: r.top, Bottom: r.bottom, Text: el.textContent};
	})`, &fold)
	for _, f := range fold {
		if f.Top < 0 || f.Bottom > 768 || f.Bottom <= f.Top {
			t.Errorf("%s spans %.0f..%.0f px: not above the fold of 768", f.Sel, f.Top, f.Bottom)
		}
	}
	if badge := fold[3].Text; !strings.Contains(badge, "t = 250") || !strings.Contains(badge, "√ᾱt = 0.") {
		t.Errorf("the badge says %q at t = 250", badge)
	}
	var near float64 // the badge sits right at the picture
	evalJSON(t, ctx, `document.getElementById('stage-box').getBoundingClientRect().top - document.getElementById('stage-badge').getBoundingClientRect().bottom`, &near)
	if near < 0 || near > 16 {
		t.Errorf("the badge is %.0f px from the picture", near)
	}
	screenshot(t, ctx, "first-view-1366")
	if err := chromedp.Do(ctx, chromedp.Click("#start-lesson")); err != nil {
		t.Fatal(err)
	}
	if v := waitCount(t, ctx, 1, 14); !v.On {
		t.Error("Start the lesson did not start presentation mode")
	}
	assertClean(t, ctx, base)
}

// slowWasm holds back the body of the wasm (its headers go at once) so
// that the page is seen while it loads.
type slowWasm struct {
	http.ResponseWriter
	held bool
	wait time.Duration
}

func (s *slowWasm) Write(b []byte) (int, error) {
	if !s.held {
		s.held = true
		if f, ok := s.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		time.Sleep(s.wait)
	}
	return s.ResponseWriter.Write(b)
}

// TestLoadingStill: while the wasm loads, x₀ is a still picture with
// "Loading (N MB)…", N the real size on the wire (the brotli file the
// server sends), the controls show their defaults from the HTML, and
// window.ddpm.ready has not resolved; then the canvas takes over.
func TestLoadingStill(t *testing.T) {
	root := repoRoot(t)
	h, err := server.Dir(root)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w = &slowWasm{ResponseWriter: w, wait: 4 * time.Second}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	br, err := os.Stat(filepath.Join(root, "web", "dissolve.wasm.br"))
	if err != nil {
		t.Fatal(err)
	}
	wantMB := fmt.Sprintf("Loading (%.1f MB)…", float64(br.Size())/1e6)

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	var early struct {
		Ready, Still         bool
		Loading              string
		T, Seed, Speed, Size string
		Image                string
	}
	waitFor(t, ctx, "the loading note", `/MB/.test(document.getElementById('stage-loading').textContent)`)
	evalJSON(t, ctx, `(async () => {
		let ready = false;
		window.ddpm.ready.then(() => { ready = true; });
		await new Promise((r) => setTimeout(r, 50));
		const img = document.getElementById('stage-still');
		const r = img.getBoundingClientRect();
		return {Ready: ready, Still: img.complete && img.naturalWidth === 512 && r.width > 200 && getComputedStyle(img).display !== 'none',
			Loading: document.getElementById('stage-loading').textContent,
			T: document.getElementById('T').value, Seed: document.getElementById('seed').value,
			Speed: document.getElementById('speed').value, Size: document.getElementById('size').value,
			Image: document.getElementById('image').value};
	})()`, &early)
	if early.Ready {
		t.Fatal("window.ddpm.ready resolved while the wasm was held back")
	}
	if !early.Still || early.Loading != wantMB {
		t.Errorf("while loading: still picture %v, note %q; want the picture and %q", early.Still, early.Loading, wantMB)
	}
	if early.T != "1000" || early.Seed != "1" || early.Speed != "200" || early.Size != "256" || early.Image != "astronaut" {
		t.Errorf("controls while loading: %+v, want the defaults", early)
	}
	screenshot(t, ctx, "loading-still")
	waitReady(t, ctx)
	var gone bool
	evalJSON(t, ctx, `getComputedStyle(document.getElementById('stage-still')).display === 'none' && getComputedStyle(document.getElementById('stage-loading')).display === 'none'`, &gone)
	if !gone {
		t.Error("the still picture stays over the canvas after ready")
	}
	assertClean(t, ctx, ts.URL)
}
