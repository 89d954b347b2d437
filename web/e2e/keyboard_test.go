//go:build browser

package e2e

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dissolve/web/server"
)

// press sends one key, with Shift if shift is set.
func press(t *testing.T, ctx context.Context, key string, shift bool) {
	t.Helper()
	var opts []chromedp.KeyOption
	if shift {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key, opts...)); err != nil {
		t.Fatal(err)
	}
}

// focused names the page's active element: its id, or its tag.
func focused(t *testing.T, ctx context.Context) string {
	t.Helper()
	var s string
	evalJSON(t, ctx, `(() => { const a = document.activeElement; return a ? (a.id || a.tagName.toLowerCase()) : ''; })()`, &s)
	return s
}

// scrollY reads the page's vertical scroll once it has settled (a keyboard
// scroll may be animated, and a loaded machine runs it late: CI once read
// 0 px 250 ms after Page Down).
func scrollY(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	var y float64
	// A scroll a key started may begin a moment later on a loaded
	// machine: wait up to 1 s for the page to move at all, then until it
	// settles (the same position 150 ms apart, for at most 5 s).
	evalJSON(t, ctx, `new Promise((resolve) => {
		const y0 = scrollY, start = performance.now();
		const end = start + 6000;
		let last = -1;
		const check = () => {
			if (scrollY === y0 && performance.now() - start < 1000) { setTimeout(check, 50); return; }
			if (scrollY === last || performance.now() > end) resolve(scrollY);
			else { last = scrollY; setTimeout(check, 150); }
		};
		setTimeout(check, 50);
	})`, &y)
	return y
}

// TestTabLeavesTheStage: Tab reaches the stage, which shows a focus
// outline, and Tab and Shift+Tab move on from it (the canvas does not
// swallow them); the demo's own keys still work while the stage has the
// focus.
func TestTabLeavesTheStage(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=100")
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	var path []string
	for i := 0; i < 6 && focused(t, ctx) != "stage"; i++ {
		press(t, ctx, kb.Tab, false)
		path = append(path, focused(t, ctx))
	}
	if focused(t, ctx) != "stage" {
		t.Fatalf("Tab never reached the stage: %v", path)
	}
	var outline struct {
		Style string
		Width float64
	}
	evalJSON(t, ctx, `(() => { const c = getComputedStyle(document.getElementById('stage-box'));
		return {Style: c.outlineStyle, Width: parseFloat(c.outlineWidth)}; })()`, &outline)
	if outline.Style == "none" || outline.Width < 2 {
		t.Errorf("the focused stage shows no focus outline: outline %s %gpx", outline.Style, outline.Width)
	}
	screenshot(t, ctx, "stage-focus", ".stage-area")
	// The demo's keys work from the stage.
	press(t, ctx, kb.ArrowRight, false)
	if s := state(t, ctx); s.Step != 101 {
		t.Errorf("→ with the stage focused: t = %d, want 101", s.Step)
	}
	press(t, ctx, kb.Tab, false)
	if f := focused(t, ctx); f == "stage" {
		t.Fatal("Tab from the stage left the focus in the stage (keyboard trap)")
	} else if f != "play" {
		t.Errorf("Tab from the stage went to %q, want the play button", f)
	}
	press(t, ctx, kb.Tab, true)
	if f := focused(t, ctx); f != "stage" {
		t.Errorf("Shift+Tab from the play button went to %q, want the stage", f)
	}
	press(t, ctx, kb.Tab, true)
	if f := focused(t, ctx); f == "stage" {
		t.Error("Shift+Tab from the stage left the focus in the stage (keyboard trap)")
	}
	var outlined bool
	evalJSON(t, ctx, `getComputedStyle(document.getElementById('stage-box')).outlineStyle !== 'none'`, &outlined)
	if outlined {
		t.Error("the stage keeps its focus outline after the focus left it")
	}
	assertClean(t, ctx, base)
}

// TestEmbedKeyboard: in a blog post, after the reader clicked the embedded
// demo, Page Down still scrolls the post, and Tab walks through the demo's
// controls and out of it into the post.
func TestEmbedKeyboard(t *testing.T) {
	host := startPostServer(t, "/index.html?embed=1&play=0&t=100")
	ctx := newBrowser(t)
	navigate(t, ctx, host+"/post.html")
	waitMessage(t, ctx, 0, `m.type === 'ddpm:ready'`)
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'start'})`, nil)

	// Click the demo twice: the first click lifts its shield, the second
	// lands on the canvas, which takes the focus.
	clickDemo := func() {
		t.Helper()
		var r rect
		evalJSON(t, ctx, `(() => { const r = document.getElementById('demo').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &r)
		for i := 0; i < 2; i++ {
			if err := chromedp.Do(ctx, chromedp.MouseClickXY(r.X+r.W/2, r.Y+r.H*0.4)); err != nil {
				t.Fatal(err)
			}
			evalJSON(t, ctx, `new Promise((r) => setTimeout(r, 200))`, nil)
		}
	}
	clickDemo()
	var inside string
	evalJSON(t, ctx, `(() => { const a = document.getElementById('demo').contentDocument.activeElement;
		return a.id === 'stage' ? 'stage:' + a.contentDocument.activeElement.tagName.toLowerCase() : a.id || a.tagName; })()`, &inside)
	if focused(t, ctx) != "demo" || inside != "stage:canvas" {
		t.Fatalf("after two clicks on the demo the focus is on %q, inside %q; want the demo's canvas", focused(t, ctx), inside)
	}
	before := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State

	// Page Down scrolls the post, and changes nothing in the demo.
	y0 := scrollY(t, ctx)
	press(t, ctx, kb.PageDown, false)
	if y1 := scrollY(t, ctx); y1-y0 < 100 {
		t.Errorf("Page Down in the demo scrolled the post by %.0f px, want a page", y1-y0)
	}
	if s := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; s == nil || before == nil || *s != *before {
		t.Errorf("Page Down changed the demo: %+v, was %+v", s, before)
	}

	// Tab walks out of the demo into the post.
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'start'})`, nil)
	clickDemo()
	var path []string
	for i := 0; i < 10 && focused(t, ctx) == "demo"; i++ {
		press(t, ctx, kb.Tab, false)
		var in string
		evalJSON(t, ctx, `(() => { if (document.activeElement.id !== 'demo') return 'post:' + document.activeElement.id;
			const a = document.getElementById('demo').contentDocument.activeElement; return a.id || a.tagName.toLowerCase(); })()`, &in)
		path = append(path, in)
	}
	if f := focused(t, ctx); f != "after" {
		t.Errorf("Tab from the demo's canvas: focus on %q after %v, want the post's link after the demo", f, path)
	}
	if !strings.Contains(strings.Join(path, " "), "play") {
		t.Errorf("Tab did not pass the demo's controls: %v", path)
	}
	// And Shift+Tab walks back in.
	press(t, ctx, kb.Tab, true)
	if f := focused(t, ctx); f != "demo" {
		t.Errorf("Shift+Tab from the post's link: focus on %q, want the demo", f)
	}
}

// startPostServer serves a long blog post at /post.html that embeds the
// repository's page (src, a path with its query) between two screens of
// text, with a link after it, and the repository beside it on the same
// origin, so that the test can look inside the demo's frames. Its script
// records the demo's messages in window.msgs, as startHostServer's does.
func startPostServer(t *testing.T, src string) string {
	t.Helper()
	h, err := server.Dir(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	post := fmt.Sprintf(`<!doctype html>
<html><head><meta charset="utf-8"><title>a blog post</title>
<style>body { margin: 0; font: 16px serif } .tall { height: 2400px; padding: 1rem } iframe { display: block; width: 640px; height: 720px; border: 0 }</style>
</head><body>
<div class="tall"><a id="before" href="#before">A long first screen of text.</a></div>
<iframe id="demo" src="%s" title="the demo" allow="fullscreen"></iframe>
<p><a id="after" href="#after">after the demo</a></p>
<div class="tall">More text below.</div>
<script>
window.msgs = [];
addEventListener('message', (e) => {
  if (e.source === document.getElementById('demo').contentWindow) msgs.push({ origin: e.origin, data: e.data });
});
window.send = (m) => document.getElementById('demo').contentWindow.postMessage(m, location.origin);
</script>
</body></html>`, html.EscapeString(src))
	mux := http.NewServeMux()
	mux.HandleFunc("/post.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, post)
	})
	mux.Handle("/", h)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestPageKeysScrollThePage: on the long page Page Up/Down and Home/End
// scroll, as on any page, until the stage has the focus or the lesson
// runs; then they walk the teacher's stops and set t. Esc ends the lesson.
func TestPageKeysScrollThePage(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=100")
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	start := textOf(t, ctx, "#tour-name")
	press(t, ctx, kb.PageDown, false)
	if y := scrollY(t, ctx); y < 100 {
		t.Errorf("Page Down on the page scrolled by %.0f px, want a page", y)
	}
	press(t, ctx, kb.End, false)
	yEnd := scrollY(t, ctx)
	press(t, ctx, kb.Home, false)
	if y := scrollY(t, ctx); yEnd < 500 || y != 0 {
		t.Errorf("End then Home: scrolled to %.0f then %.0f, want the bottom then the top", yEnd, y)
	}
	if s := state(t, ctx); s.Step != 100 || s.Compare != "none" || textOf(t, ctx, "#tour-name") != start {
		t.Errorf("the page keys changed the demo: t = %d, compare %q, tour %q", s.Step, s.Compare, textOf(t, ctx, "#tour-name"))
	}

	// With the stage focused, they are the demo's.
	evalJSON(t, ctx, `document.getElementById('stage').focus()`, nil)
	if f := focused(t, ctx); f != "stage" {
		t.Fatalf("the stage did not take the focus: %q", f)
	}
	press(t, ctx, kb.End, false)
	if s := state(t, ctx); s.Step != 1000 {
		t.Errorf("End with the stage focused: t = %d, want 1000", s.Step)
	}
	press(t, ctx, kb.Home, false)
	if s := state(t, ctx); s.Step != 0 {
		t.Errorf("Home with the stage focused: t = %d, want 0", s.Step)
	}
	y0 := scrollY(t, ctx)
	press(t, ctx, kb.PageDown, false)
	if n := textOf(t, ctx, "#tour-name"); !strings.Contains(n, "Stop 1 of") {
		t.Errorf("Page Down with the stage focused: tour %q, want stop 1", n)
	}
	if y := scrollY(t, ctx); y != y0 {
		t.Errorf("Page Down with the stage focused also scrolled the page (%.0f → %.0f)", y0, y)
	}

	// The lesson runs: Page Down walks on wherever the focus is.
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	press(t, ctx, kb.PageDown, false)
	if n := textOf(t, ctx, "#tour-name"); !strings.Contains(n, "Stop 2 of") {
		t.Errorf("Page Down while the lesson runs: tour %q, want stop 2", n)
	}
	// Esc ends it: Page Down scrolls again.
	press(t, ctx, kb.Escape, false)
	y0 = scrollY(t, ctx)
	press(t, ctx, kb.PageDown, false)
	if n := textOf(t, ctx, "#tour-name"); !strings.Contains(n, "Stop 2 of") {
		t.Errorf("Page Down after Esc: tour %q, want still stop 2", n)
	}
	if y := scrollY(t, ctx); y-y0 < 100 {
		t.Errorf("Page Down after Esc scrolled by %.0f px, want a page", y-y0)
	}
	assertClean(t, ctx, base)
}

// TestTabReachesEveryControl: Tab alone walks through every control of the
// page, the stage and the instruments included, and comes round again:
// keyboard-only use reaches everything and is never held anywhere.
func TestTabReachesEveryControl(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=100")
	instrumentsReady(t, ctx)
	// Name every element once, so that the walk can be compared with the list.
	var want []string
	evalJSON(t, ctx, `(() => {
		let n = 0;
		const all = [...document.querySelectorAll('a[href], button, input, select, textarea, iframe, [tabindex]')]
			.filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
		for (const el of all) el.dataset.tabName = el.id || el.tagName.toLowerCase() + '-' + (n++);
		return all.map((el) => el.dataset.tabName);
	})()`, &want)
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	reached := map[string]int{}
	var walk []string
	for i := 0; i < 2*len(want)+10; i++ {
		press(t, ctx, kb.Tab, false)
		var name string
		evalJSON(t, ctx, `(document.activeElement && document.activeElement.dataset && document.activeElement.dataset.tabName) || ''`, &name)
		walk = append(walk, name)
		if name == "" {
			continue // the browser's own UI, between two rounds
		}
		reached[name]++
		if reached[name] == 2 {
			break // round again
		}
	}
	var missed []string
	for _, n := range want {
		if reached[n] == 0 {
			missed = append(missed, n)
		}
	}
	if len(missed) > 0 {
		t.Errorf("Tab never reached %v (walk: %v)", missed, walk)
	}
	t.Logf("%d controls; Tab walked %d steps", len(want), len(walk))
	if reached[want[0]] < 2 {
		t.Errorf("Tab did not come round to %s again: walk %v", want[0], walk)
	}
	assertClean(t, ctx, base)
}
