//go:build browser

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html"
	"image"
	"image/gif"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"dissolve/diffusion"
	"dissolve/wasm/app"
	"dissolve/web/server"
)

// subPath is where the tests put dist/ on their "static host".
const subPath = "/static/ddpm/"

var (
	distOnce sync.Once
	distDir  string
	distErr  error
)

// buildDist runs scripts/dist.sh once per test binary into
// web/e2e/out/dist (git-ignored, replaced on every run) and returns it.
func buildDist(t testing.TB) string {
	t.Helper()
	distOnce.Do(func() {
		out, err := filepath.Abs(outDir)
		if err != nil {
			distErr = err
			return
		}
		distDir = filepath.Join(out, "dist")
		cmd := exec.Command("bash", "scripts/dist.sh")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "DIST="+distDir)
		if out, err := cmd.CombinedOutput(); err != nil {
			distErr = fmt.Errorf("scripts/dist.sh: %v\n%s", err, out)
		}
	})
	if distErr != nil {
		t.Fatal(distErr)
	}
	return distDir
}

// startDistServer serves dist/ under subPath, as a static host serving a
// blog's /static/ddpm/ would, and returns the base URL (no trailing slash).
func startDistServer(t testing.TB) string {
	t.Helper()
	h, err := server.Dir(buildDist(t))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(subPath, http.StripPrefix(strings.TrimSuffix(subPath, "/"), h))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// startHostServer serves a blog post on another loopback port (another
// origin) that embeds src below a long first screen. Its script records
// every message from the demo in window.msgs and offers send(msg).
func startHostServer(t testing.TB, src, sandbox string) string {
	t.Helper()
	attr := ""
	if sandbox != "" {
		attr = fmt.Sprintf(` sandbox="%s"`, sandbox)
	}
	demoOrigin := src[:strings.Index(src[len("http://"):], "/")+len("http://")]
	page := fmt.Sprintf(`<!doctype html>
<html><head><meta charset="utf-8"><title>a blog post</title>
<style>body { margin: 0; font: 16px serif } .tall { height: 2400px; padding: 1rem } iframe { display: block; width: 640px; height: 720px; border: 0 }</style>
</head><body>
<div class="tall" id="above">A long first screen of text.</div>
<iframe id="demo" src="%s" title="the demo" allow="fullscreen"%s></iframe>
<div class="tall">More text below.</div>
<script>
window.msgs = [];
addEventListener('message', (e) => {
  if (e.source === document.getElementById('demo').contentWindow) msgs.push({ origin: e.origin, data: e.data });
});
window.send = (m) => document.getElementById('demo').contentWindow.postMessage(m, %q);
</script>
</body></html>`, html.EscapeString(src), attr, demoOrigin)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// message is one message from the demo as the host page saw it.
type demoMessage struct {
	Origin string `json:"origin"`
	Data   struct {
		Type    string     `json:"type"`
		State   *app.State `json:"state"`
		Field   *string    `json:"field"`
		Message string     `json:"message"`
		ID      any        `json:"id"`
	} `json:"data"`
}

// waitMessage waits (polling at animation frames, up to 20 s) for a
// message from index `from` on that satisfies the JavaScript predicate
// over m (the message's data), and returns it with its index.
func waitMessage(t *testing.T, ctx context.Context, from int, pred string) (demoMessage, int) {
	t.Helper()
	var out struct {
		I int         `json:"i"`
		M demoMessage `json:"m"`
	}
	expr := fmt.Sprintf(`(async () => {
		const match = (m) => (%s);
		const end = performance.now() + 20000;
		for (;;) {
			for (let i = %d; i < msgs.length; i++) if (match(msgs[i].data)) return { i, m: msgs[i] };
			if (performance.now() > end) throw new Error('no such message; got ' + JSON.stringify(msgs.slice(%d)).slice(0, 1500));
			await new Promise((r) => setTimeout(r, 20));
		}
	})()`, pred, from, from)
	evalJSON(t, ctx, expr, &out)
	return out.M, out.I
}

func msgCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	var n int
	evalJSON(t, ctx, `msgs.length`, &n)
	return n
}

// ask sends a request with a fresh id and returns the answer to it.
func ask(t *testing.T, ctx context.Context, req string) demoMessage {
	t.Helper()
	id := fmt.Sprintf("req-%d", time.Now().UnixNano())
	from := msgCount(t, ctx)
	evalJSON(t, ctx, fmt.Sprintf(`send(Object.assign(%s, {id: %q}))`, req, id), nil)
	m, _ := waitMessage(t, ctx, from, fmt.Sprintf(`m && m.id === %q`, id))
	return m
}

// TestEmbedCrossOrigin: a blog post on one origin embeds dist/, served
// under a sub-path from another origin, in a sandboxed iframe. The embed
// stays paused off screen and plays on screen; postMessage sets and reads
// the state; bad requests are answered with ddpm:error naming the field;
// junk changes nothing; a finger dragging over the embed scrolls the post.
func TestEmbedCrossOrigin(t *testing.T) {
	demo := startDistServer(t)
	src := demo + subPath + "index.html?embed=1&t=0&speed=500"
	host := startHostServer(t, src, "allow-scripts allow-same-origin")
	ctx := newBrowser(t)
	navigate(t, ctx, host+"/")

	ready, _ := waitMessage(t, ctx, 0, `m.type === 'ddpm:ready'`)
	if ready.Origin != demo {
		t.Errorf("ddpm:ready came from %q, want %q", ready.Origin, demo)
	}
	if ready.Data.State == nil || ready.Data.State.Playing {
		t.Errorf("ddpm:ready state %+v: want paused while the embed is off screen", ready.Data.State)
	}

	// Off screen: paused, t stays.
	time.Sleep(700 * time.Millisecond)
	s := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State
	if s == nil || s.Playing || s.Step != 0 {
		t.Fatalf("off screen: state %+v, want paused at t = 0", s)
	}

	// Scrolled into view: it plays, and tells the host.
	from := msgCount(t, ctx)
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'center'})`, nil)
	waitMessage(t, ctx, from, `m.type === 'ddpm:state' && m.state.playing === true`)
	waitMessage(t, ctx, from, `m.type === 'ddpm:state' && m.state.t > 0`)

	// A finger dragging up over the embed scrolls the blog post (the
	// shield is over the canvas until the visitor taps); once the visitor
	// has clicked the demo, the canvas takes the drags (to scrub t).
	var rect struct{ X, Y, W, H float64 }
	evalJSON(t, ctx, `(() => { const r = document.getElementById('demo').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &rect)
	x, y := rect.X+rect.W/2, rect.Y+rect.H*0.5
	if moved := touchDrag(t, ctx, x, y, 0, -200); moved < 100 {
		t.Errorf("a touch drag over the embed at (%.0f, %.0f) scrolled the post by %.0f px, want about 200", x, y, moved)
	}
	evalJSON(t, ctx, `(() => { const r = document.getElementById('demo').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &rect)
	x, y = rect.X+rect.W/2, rect.Y+rect.H*0.4
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
		t.Fatal(err)
	}
	evalJSON(t, ctx, `new Promise((r) => setTimeout(r, 300))`, nil)
	paused := ask(t, ctx, `{type: 'ddpm:setState', state: {playing: false, t: 500}}`).Data.State
	// The canvas may be scrolled into view when it takes the focus, but
	// the drag itself must not scroll the post: it scrubs t instead.
	if moved := touchDrag(t, ctx, x-100, y, 200, -200); moved > 50 {
		t.Errorf("after a click on the demo, a touch drag over its canvas still scrolled the post by %.0f px", moved)
	}
	if s := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; paused == nil || s == nil || s.Step == paused.Step {
		t.Errorf("a touch drag over the canvas after a click did not scrub t: %+v then %+v", paused, s)
	}
	ask(t, ctx, `{type: 'ddpm:play'}`)
	screenshot(t, ctx, "embed-in-view")

	// Scrolled away again: paused.
	from = msgCount(t, ctx)
	evalJSON(t, ctx, `scrollTo(0, 0)`, nil)
	waitMessage(t, ctx, from, `m.type === 'ddpm:state' && m.state.playing === false`)

	// Set and read the state.
	m := ask(t, ctx, `{type: 'ddpm:setState', state: {t: 250, schedule: 'cosine', playing: false}}`)
	if m.Data.Type != "ddpm:state" || m.Data.State == nil || m.Data.State.Step != 250 || m.Data.State.Schedule != "cosine" {
		t.Fatalf("answer to setState: %+v", m.Data)
	}
	want := *m.Data.State
	if got := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; got == nil || *got != want {
		t.Errorf("getState after setState: %+v, want %+v", got, want)
	}
	// The host's pause, asked for while the demo had paused itself off
	// screen, holds when the demo comes back into view.
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'center'})`, nil)
	time.Sleep(700 * time.Millisecond) // the visibility observer fires within a frame or two
	if got := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; got == nil || got.Playing {
		t.Errorf("back in view after the host paused it: %+v, want paused", got)
	}

	// Play and pause while on screen.
	if got := ask(t, ctx, `{type: 'ddpm:play'}`).Data.State; got == nil || !got.Playing {
		t.Errorf("after ddpm:play: %+v", got)
	}
	if got := ask(t, ctx, `{type: 'ddpm:pause'}`).Data.State; got == nil || got.Playing {
		t.Errorf("after ddpm:pause: %+v", got)
	}
	want = *ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State

	// Refused requests name the field; nothing changes.
	for _, c := range []struct{ req, field, text string }{
		{`{type: 'ddpm:setState', state: {t: 5000}}`, "t", "t must be an integer in 0..T (1000)"},
		{`{type: 'ddpm:setState', state: {t: '250'}}`, "t", "t must be an integer"},
		{`{type: 'ddpm:setState', state: {schedule: 'quadratic'}}`, "schedule", "schedule"},
		{`{type: 'ddpm:setState', state: {schedule: 'linear', betaStart: 0.5, betaEnd: 0.1}}`, "betaEnd", "betaEnd"},
		{`{type: 'ddpm:setState', state: {size: 64, seed: -1}}`, "seed", "seed must be an integer"},
		{`{type: 'ddpm:setState', state: {evil: 'alert(1)'}}`, "evil", "unknown state field"},
		{`{type: 'ddpm:setState', state: {}}`, "state", "state is empty"},
		{`{type: 'ddpm:setState', state: 'location = "https://example.com"'}`, "state", "state must be an object"},
		{`{type: 'ddpm:setState'}`, "state", "needs state"},
		{`{type: 'ddpm:getState', url: 'https://example.com'}`, "url", "no field"},
	} {
		m := ask(t, ctx, c.req)
		if m.Data.Type != "ddpm:error" || m.Data.Field == nil || *m.Data.Field != c.field || !strings.Contains(m.Data.Message, c.text) {
			t.Errorf("%s: answered %+v; want ddpm:error naming %s (%q)", c.req, m.Data, c.field, c.text)
		}
	}

	// Junk is ignored without an answer and changes nothing.
	from = msgCount(t, ctx)
	evalJSON(t, ctx, `(() => {
		for (const junk of [null, 42, 'ddpm:play', ['ddpm:play'], {}, {type: 7}, {type: 'ddpm:eval', code: 'alert(1)'},
			{type: 'ddpm:navigate', url: 'https://example.com'}, {type: 'DDPM:PLAY'}, {type: 'ddpm:state', state: {t: 9}},
			{type: 'ddpm:ready'}, new Date(0), new Uint8Array(4), {type: {toString: null}}]) send(junk);
	})()`, nil)
	after2 := ask(t, ctx, `{type: 'ddpm:getState'}`)
	var between []demoMessage
	evalJSON(t, ctx, fmt.Sprintf(`msgs.slice(%d)`, from), &between)
	for _, m := range between {
		if m.Data.Type == "ddpm:error" {
			t.Errorf("junk was answered: %+v", m.Data)
		}
	}
	if got := after2.Data.State; got == nil || *got != want {
		t.Errorf("after junk: state %+v, want %+v", got, want)
	}
	for _, m := range between {
		if m.Origin != demo {
			t.Errorf("a message came from %q", m.Origin)
		}
	}
	if errs := consoleErrors(ctx); len(errs) > 0 {
		t.Errorf("console errors and uncaught exceptions:\n  %s", strings.Join(errs, "\n  "))
	}
	var off []string
	for _, u := range requests(ctx) {
		if !strings.HasPrefix(u, host) && !strings.HasPrefix(u, demo+subPath) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			off = append(off, u)
		}
	}
	if len(off) > 0 {
		t.Errorf("requests outside the host page and the demo's sub-path: %v", off)
	}
}

// touchDrag drags one finger from (x, y) by (dx, dy) CSS pixels in ten moves
// and returns how far the host page scrolled.
func touchDrag(t *testing.T, ctx context.Context, x, y, dx, dy float64) float64 {
	t.Helper()
	var before, after float64
	evalJSON(t, ctx, `scrollY`, &before)
	touch := func(typ input.DispatchTouchEventType, pts ...*input.TouchPoint) {
		t.Helper()
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts}); err != nil {
			t.Fatal(err)
		}
	}
	touch(input.DispatchTouchEventTypeTouchStart, &input.TouchPoint{X: x, Y: y})
	for i := 1; i <= 10; i++ {
		touch(input.DispatchTouchEventTypeTouchMove, &input.TouchPoint{X: x + dx*float64(i)/10, Y: y + dy*float64(i)/10})
	}
	touch(input.DispatchTouchEventTypeTouchEnd)
	evalJSON(t, ctx, `new Promise((r) => setTimeout(r, 300)).then(() => scrollY)`, &after)
	return after - before
}

// TestEmbedExampleHost: dist/web/examples/host.html, served with dist,
// drives its embedded demo with the text's buttons.
func TestEmbedExampleHost(t *testing.T) {
	base := startDistServer(t)
	ctx := newBrowser(t)
	navigate(t, ctx, base+subPath+"web/examples/host.html")
	caption := func(want string) {
		t.Helper()
		var got string
		evalJSON(t, ctx, fmt.Sprintf(`(async () => {
			const el = document.getElementById('demo-state');
			const end = performance.now() + 30000;
			while (!el.textContent.includes(%q) && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
			return el.textContent;
		})()`, want), &got)
		if !strings.Contains(got, want) {
			t.Fatalf("caption %q, want it to contain %q", got, want)
		}
	}
	caption("t = 0 of 1000, linear schedule, paused")
	click := func(label string) {
		evalJSON(t, ctx, fmt.Sprintf(`[...document.querySelectorAll('button')].find((b) => b.textContent === %q).click()`, label), nil)
	}
	click("jump to t = 250")
	caption("t = 250 of 1000, linear")
	click("switch to cosine")
	caption("t = 250 of 1000, cosine")
	click("jump to t = T")
	caption("t = 1000 of 1000, cosine")
	screenshot(t, ctx, "example-host")
	assertOneWasmLoad(t, ctx) // the hashed name of make dist
	assertClean(t, ctx, base)
}

// TestShareURLRoundTrip: state → shareURL() → a new load gives the same
// state and the same pixels.
func TestShareURLRoundTrip(t *testing.T) {
	ctx, base := openPage(t, "")
	set(t, ctx, `{playing: false, schedule: 'cosine', T: 500, t: 123, mode: 'markov', seed: 77, image: 'cat', size: 64, speed: 60, zeroTerminalSNR: true, lang: 'ko'}`)
	frames(t, ctx, 3)
	want := state(t, ctx)
	a := stage(t, ctx, "share-before")
	var url string
	evalJSON(t, ctx, `ddpm.shareURL()`, &url)
	if !strings.HasPrefix(url, base+"/index.html?") {
		t.Fatalf("shareURL %q", url)
	}
	navigate(t, ctx, url)
	waitReady(t, ctx)
	frames(t, ctx, 3)
	if got := state(t, ctx); got != want {
		t.Errorf("after the share URL: %+v, want %+v", got, want)
	}
	b := stage(t, ctx, "share-after")
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("the share URL does not reproduce the pixels")
	}
	// The embed snippet holds the same state, in embed mode.
	var snippet string
	evalJSON(t, ctx, `ddpm.embedHTML()`, &snippet)
	for _, part := range []string{`<iframe src="` + base + `/index.html?embed=1&amp;`, `title="`, `loading="lazy"`, `allow="fullscreen"`, `width="640"`, `height="720"`, "seed=77", "mode=markov"} {
		if !strings.Contains(snippet, part) {
			t.Errorf("embed snippet %s lacks %s", snippet, part)
		}
	}
	assertClean(t, ctx, base)
}

// blobBytes turns a JavaScript expression giving a Promise<Blob> into the
// blob's bytes.
func blobBytes(t *testing.T, ctx context.Context, expr string) []byte {
	t.Helper()
	var b64 string
	evalJSON(t, ctx, `(async () => {
		const blob = await (`+expr+`);
		const bytes = new Uint8Array(await blob.arrayBuffer());
		let s = '';
		for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
		return btoa(s);
	})()`, &b64)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExports: the GIF decodes with image/gif into the requested frames,
// the first close to x_0 and the last to noise, with progress reported;
// the frame PNG has the page's exact pixels; the strip has its layout;
// the CSV matches schedule(); bad options are refused naming the field;
// a cancelled export rejects with AbortError while the page plays on; the
// panel's buttons download files.
func TestExports(t *testing.T) {
	ctx, base := openPage(t, "?play=0&image=astronaut&size=64&seed=5&t=300")

	// GIF.
	var progress []float64
	// The first export's look (252 colours, no label, evenly in t): the
	// defaults are now 64 colours with t written in the corner.
	data := blobBytes(t, ctx, `(window.progress = [], ddpm.exportGIF({frames: 12, fps: 10, size: 64, colors: 252, label: false, spacing: 't', onProgress: (p) => progress.push(p)}))`)
	evalJSON(t, ctx, `window.progress`, &progress)
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the GIF does not decode: %v", err)
	}
	if len(g.Image) != 12 || g.Delay[0] != 10 {
		t.Fatalf("GIF has %d frames with delay %d cs, want 12 and 10", len(g.Image), g.Delay[0])
	}
	if len(progress) < 12 || progress[len(progress)-1] != 1 {
		t.Errorf("progress %v: want at least one call per frame, ending at 1", progress)
	}
	for i := 1; i < len(progress); i++ {
		if progress[i] < progress[i-1] {
			t.Errorf("progress went back: %v", progress)
		}
	}
	pic := builtinPicture(t, "astronaut", 64)
	x0 := diffusion.FromImage(pic, 64)
	ref := x0.Image()
	meanDiff := func(img *image.Paletted) float64 {
		var d float64
		for y := range x0.H {
			for x := range x0.W {
				r, gg, b, _ := img.At(x, y).RGBA()
				o := ref.RGBAAt(x, y)
				d += math.Abs(float64(r>>8)-float64(o.R)) + math.Abs(float64(gg>>8)-float64(o.G)) + math.Abs(float64(b>>8)-float64(o.B))
			}
		}
		return d / float64(3*x0.N())
	}
	if d := meanDiff(g.Image[0]); d > 16 {
		t.Errorf("first GIF frame differs from x_0 by %.1f levels on average", d)
	}
	if d := meanDiff(g.Image[11]); d < 40 {
		t.Errorf("last GIF frame is only %.1f levels from x_0: not noise", d)
	}

	// PNG of the frame: the page's exact pixels at t = 300.
	sched, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	pngData := blobBytes(t, ctx, `ddpm.exportPNG()`)
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	wantFrame := app.NewMovie(sched, x0, app.ClosedForm, 5).Image(300)
	var gotPix []byte
	switch img := img.(type) { // an opaque PNG decodes as RGBA, NRGBA has the same bytes then
	case *image.RGBA:
		gotPix = img.Pix
	case *image.NRGBA:
		gotPix = img.Pix
	}
	if !bytes.Equal(gotPix, wantFrame.Pix) {
		t.Errorf("the frame PNG (%T %v) does not have x_300's pixels", img, img.Bounds())
	}

	// Strip.
	strip, err := png.Decode(bytes.NewReader(blobBytes(t, ctx, `ddpm.exportStripPNG({frames: 5, size: 64})`)))
	if err != nil {
		t.Fatal(err)
	}
	// Cells as wide as the widest label ("t = 1000" in 2× type, 112 px)
	// where the snapshots are narrower; a 32 px label line.
	if b := strip.Bounds(); b.Dx() != 5*112+6*8 || b.Dy() != 64+16+32 {
		t.Errorf("strip is %v", b)
	}

	// CSV against schedule().
	var csvText string
	evalJSON(t, ctx, `ddpm.exportCSV()`, &csvText)
	var tab struct {
		T                                             int
		Beta, Alpha, AlphaBar, SNR, PosteriorVariance []float64
	}
	evalJSON(t, ctx, `ddpm.schedule()`, &tab)
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != tab.T+2 || strings.Join(rows[0], ",") != "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,posterior_variance" {
		t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i := 0; i < tab.T; i++ {
		r := rows[i+2]
		if num(r[0]) != float64(i+1) || num(r[1]) != tab.Beta[i] || num(r[2]) != tab.Alpha[i] || num(r[3]) != tab.AlphaBar[i] ||
			num(r[6]) != tab.SNR[i] || num(r[7]) != tab.PosteriorVariance[i] || num(r[4]) != math.Sqrt(tab.AlphaBar[i]) {
			t.Fatalf("CSV row t = %d %v differs from schedule()", i+1, r)
		}
	}

	// Bad options.
	for _, c := range []struct{ call, field, text string }{
		{`ddpm.exportGIF({frames: 1})`, "frames", "frames must be an integer in 2..120, got 1"},
		{`ddpm.exportGIF({frames: 2.5})`, "frames", "frames must be an integer"},
		{`ddpm.exportGIF({fps: 0})`, "fps", "fps must be an integer in 1..50"},
		{`ddpm.exportGIF({size: 4096})`, "size", "size must be an integer in 32..512"},
		{`ddpm.exportGIF({size: NaN})`, "size", "size must be an integer"},
		{`ddpm.exportGIF({colours: 16})`, "colours", "colours must be left out"},
		{`ddpm.exportGIF({onProgress: 'yes'})`, "onProgress", "onProgress must be a function"},
		{`ddpm.exportGIF({signal: {}})`, "signal", "signal must be an AbortSignal"},
		{`ddpm.exportStripPNG({frames: 50})`, "frames", "frames must be an integer in 2..20"},
	} {
		var got struct{ Field, Message string }
		evalJSON(t, ctx, `(async () => { try { await `+c.call+`; return {Field: 'none', Message: 'resolved'}; } catch (e) { return {Field: e.field, Message: e.message}; } })()`, &got)
		if got.Field != c.field || !strings.Contains(got.Message, c.text) {
			t.Errorf("%s: field %q, %q; want %s, %q", c.call, got.Field, got.Message, c.field, c.text)
		}
	}

	// Cancel: the export stops with AbortError and the page plays on.
	set(t, ctx, `{playing: true}`)
	var cancel struct {
		Name     string
		Progress int
		Moved    bool
	}
	evalJSON(t, ctx, `(async () => {
		const ac = new AbortController();
		let calls = 0;
		const t0 = ddpm.getState().t;
		const p = ddpm.exportGIF({frames: 120, size: 512, signal: ac.signal, onProgress: () => { if (++calls === 3) ac.abort(); }});
		let name = 'resolved';
		try { await p; } catch (e) { name = e.name; }
		await new Promise((r) => setTimeout(r, 300));
		return {Name: name, Progress: calls, Moved: ddpm.getState().t !== t0};
	})()`, &cancel)
	if cancel.Name != "AbortError" || cancel.Progress > 4 || !cancel.Moved {
		t.Errorf("cancelled export: %+v; want AbortError soon after the abort, with the animation still running", cancel)
	}

	// The panel's buttons download the files.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	set(t, ctx, `{playing: false}`)
	evalJSON(t, ctx, `document.getElementById('export-csv').click()`, nil)
	evalJSON(t, ctx, `document.getElementById('export-png').click()`, nil)
	deadline := time.Now().Add(10 * time.Second)
	var names []string
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		names = names[:0]
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".crdownload") {
				names = append(names, e.Name())
			}
		}
		if len(names) == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if all := strings.Join(names, " "); len(names) != 2 || !strings.Contains(all, ".png") || !strings.Contains(all, ".csv") {
		t.Errorf("downloads: %v, want the CSV and the PNG", names)
	}
	var status string
	evalJSON(t, ctx, `document.getElementById('export-status').textContent`, &status)
	if !strings.Contains(status, ".png") {
		t.Errorf("export status %q", status)
	}
	screenshot(t, ctx, "exports-panel")
	assertClean(t, ctx, base)
}

// builtinPicture is the built-in picture name at the processing size, read
// from web/images as the page's core reads it.
func builtinPicture(t testing.TB, name string, size int) image.Image {
	t.Helper()
	files, err := app.ReadBuiltinFiles(filepath.Join(repoRoot(t), "web", "images"))
	if err != nil {
		t.Fatal(err)
	}
	pic, err := (&app.Library{Files: files}).Picture(name, size)
	if err != nil {
		t.Fatal(err)
	}
	return pic
}
