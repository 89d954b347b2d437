//go:build browser

package e2e

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"dissolve/web/server"
)

type rect struct{ X, Y, W, H float64 }

func stageRect(t *testing.T, ctx context.Context) rect {
	t.Helper()
	var r rect
	evalJSON(t, ctx, `(() => { const r = document.getElementById('stage').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &r)
	return r
}

// TestDragScrubsT: dragging sideways over the picture moves t (the canvas's
// width is all of 0..T); a mouse and a finger both work.
func TestDragScrubsT(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=500")
	r := stageRect(t, ctx)
	cx, cy := r.X+r.W/2, r.Y+r.H/2
	t.Logf("stage at %+v", r)

	// Mouse: press, move a quarter of the width right in steps, release.
	mouse := func(typ input.DispatchMouseEventType, x float64) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.MouseEvent(typ, x, cy, chromedp.ButtonLeft)); err != nil {
			t.Fatal(err)
		}
		frames(t, ctx, 2) // Ebiten reads input once per frame
	}
	mouse(chromedp.MousePressed, cx)
	for i := 1; i <= 5; i++ {
		mouse(chromedp.MouseMoved, cx+r.W/4*float64(i)/5)
	}
	mouse(chromedp.MouseReleased, cx+r.W/4)
	if got := state(t, ctx).Step; math.Abs(float64(got-750)) > 10 {
		t.Errorf("after a mouse drag of a quarter width from t = 500: t = %d, want ≈ 750", got)
	}

	// Touch: a finger drags half the width left.
	touch := func(typ input.DispatchTouchEventType, x float64) {
		t.Helper()
		sendTouch(t, ctx, typ, x, cy)
		frames(t, ctx, 2)
	}
	before := state(t, ctx).Step
	touch(input.DispatchTouchEventTypeTouchStart, cx)
	for i := 1; i <= 5; i++ {
		touch(input.DispatchTouchEventTypeTouchMove, cx-r.W/2*float64(i)/5)
	}
	touch(input.DispatchTouchEventTypeTouchEnd, 0)
	if got, want := state(t, ctx).Step, before-500; math.Abs(float64(got-want)) > 10 {
		t.Errorf("after a finger drag of half the width from t = %d: t = %d, want ≈ %d", before, got, want)
	}
	if state(t, ctx).Playing {
		t.Error("scrubbing started playback")
	}
	assertClean(t, ctx, base)
}

// TestPhoneAndHiDPI: on a 360 px wide phone at device pixel ratio 2 the
// page does not scroll sideways and the canvas has two device pixels per
// CSS pixel.
func TestPhoneAndHiDPI(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html?play=0&t=300")
	waitReady(t, ctx)
	frames(t, ctx, 3)
	var m struct{ ScrollWidth, InnerWidth, CanvasWidth, CanvasCSSWidth float64 }
	evalJSON(t, ctx, `(() => {
		const c = document.getElementById('stage').contentDocument.querySelector('canvas');
		return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: innerWidth,
			CanvasWidth: c.width, CanvasCSSWidth: c.clientWidth};
	})()`, &m)
	if m.ScrollWidth > m.InnerWidth {
		t.Errorf("the page is %v px wide in a %v px viewport: it scrolls sideways", m.ScrollWidth, m.InnerWidth)
	}
	if m.CanvasCSSWidth == 0 || math.Abs(m.CanvasWidth-2*m.CanvasCSSWidth) > 2 {
		t.Errorf("canvas backing store %v px for %v CSS px at DPR 2: not crisp", m.CanvasWidth, m.CanvasCSSWidth)
	}
	screenshot(t, ctx, "phone-360")
	assertClean(t, ctx, base)
}

// TestPanicIsRecovered: a call that makes Go panic inside the bridge comes
// back as an error message; the page keeps animating.
func TestPanicIsRecovered(t *testing.T) {
	ctx, base := openPage(t, "")
	var out string
	// A negative length makes Go's make([]byte, n) panic inside loadImage.
	evalJSON(t, ctx, `document.getElementById('stage').contentWindow.dissolveCore.loadImage({length: -1}, () => {}, () => {})`, &out)
	if !strings.Contains(out, "internal error in loadImage (recovered") {
		t.Errorf("core.loadImage({length: -1}) = %s, want a recovered internal error", out)
	}
	evalJSON(t, ctx, `(async () => { const t0 = ddpm.getState().t; while (ddpm.getState().t === t0) await new Promise(r => requestAnimationFrame(r)); })()`, nil)
	if msg := errorsText(t, ctx); !strings.Contains(msg, "internal error in loadImage") {
		t.Errorf("the page does not report the recovered panic: %q", msg)
	}
	// The recovered panic is reported with console.error by design: it is
	// the only console error allowed here.
	for _, e := range consoleErrors(ctx) {
		if !strings.Contains(e, "internal error in loadImage") {
			t.Errorf("console error: %s", e)
		}
	}
	if off := offOriginRequests(ctx, base); len(off) > 0 {
		t.Errorf("requests off the origin: %v", off)
	}
}

// TestWasmMissing: when the WebAssembly cannot load, the page says so
// instead of waiting forever.
func TestWasmMissing(t *testing.T) {
	h, err := server.Dir(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/web/dissolve.wasm") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	ctx := newBrowser(t)
	navigate(t, ctx, ts.URL+"/index.html")
	var msg string
	evalJSON(t, ctx, `(async () => {
		const el = document.getElementById('stopped');
		for (let i = 0; i < 600 && el.hidden; i++) await new Promise(r => setTimeout(r, 20));
		return el.hidden ? "" : el.textContent;
	})()`, &msg)
	if !strings.Contains(msg, "could not start") {
		t.Errorf("stopped message = %q", msg)
	}
	screenshot(t, ctx, "wasm-missing")
}

// TestDropUpload: a picture dropped on the page, or on the canvas, becomes
// x_0 (the same path as the file picker, through a real DataTransfer).
func TestDropUpload(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=0")
	drop := func(target string) string {
		var image string
		evalJSON(t, ctx, `(async () => {
			const blob = await (await fetch('/web/e2e/testdata/stripes.png')).blob();
			const dt = new DataTransfer();
			dt.items.add(new File([blob], 'stripes.png', {type: 'image/png'}));
			const doc = `+target+`;
			await ddpm.setState({image: 'gradient'});
			doc.body.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
			for (let i = 0; i < 600 && ddpm.getState().image !== 'upload'; i++) await new Promise(r => requestAnimationFrame(r));
			return ddpm.getState().image;
		})()`, &image)
		return image
	}
	if got := drop("document"); got != "upload" {
		t.Errorf("after a drop on the page: image = %q, want upload", got)
	}
	if got := drop("document.getElementById('stage').contentDocument"); got != "upload" {
		t.Errorf("after a drop on the canvas: image = %q, want upload", got)
	}
	assertClean(t, ctx, base)
}

// sendTouch dispatches one touch event of type typ with a finger at (x, y)
// (no finger for the end of a touch).
func sendTouch(t *testing.T, ctx context.Context, typ input.DispatchTouchEventType, x, y float64) {
	t.Helper()
	p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
	if typ != input.DispatchTouchEventTypeTouchEnd {
		p.TouchPoints = []*input.TouchPoint{{X: x, Y: y}}
	}
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, p)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}
