//go:build browser

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// openExampleHost loads dist's example post (web/examples/host.html) in a
// viewport of width×height CSS pixels at device pixel ratio dpr, waits
// for its demo, shows the gradient picture in it (no pixel of it is the
// stage's grey or the post's paper colour) and scrolls the demo into the
// middle of the screen.
func openExampleHost(t *testing.T, width, height int64, dpr float64, mobile bool) (context.Context, string) {
	t.Helper()
	base := startDistServer(t)
	ctx := newBrowser(t)
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(dpr)}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+subPath+"web/examples/host.html")
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'center'})`, nil)
	waitFor(t, ctx, "the demo", `document.getElementById('demo-state').textContent.startsWith('t = ')`)
	evalJSON(t, ctx, `document.getElementById('demo').contentWindow.postMessage({type: 'ddpm:setState', state: {image: 'gradient', t: 0, playing: false}}, '*')`, nil)
	waitFor(t, ctx, "the gradient", `document.getElementById('demo').contentWindow.ddpm.getState().image === 'gradient'`)
	evalJSON(t, ctx, `new Promise((r) => { document.getElementById('demo').scrollIntoView({block: 'center'}); setTimeout(r, 600); })`, nil)
	return ctx, base
}

// pictureArea is the picture's part of the demo's frame (the example
// post's #demo), in CSS pixels: all of it above the controls.
func pictureArea(t *testing.T, ctx context.Context) (r struct{ X, Y, W, H float64 }) {
	t.Helper()
	evalJSON(t, ctx, `(() => {
		const f = document.getElementById('demo');
		const fr = f.getBoundingClientRect();
		const top = f.contentDocument.querySelector('.transport').getBoundingClientRect().top;
		return {X: fr.x, Y: fr.y, W: fr.width, H: top};
	})()`, &r)
	return r
}

// edgeBands samples the pixels along the four edges of the rectangle
// (x, y, w, h) in CSS pixels of img (a screenshot at device pixel ratio
// dpr), 3 px inside and every 4 px, and counts those that are background:
// the stage's grey (#111318), the post's paper colour (#fbfaf7) or black
// (Ebiten's bars), which is what bands or bars would show.
func edgeBands(img image.Image, x0, y0, w, h, dpr float64) (bad, samples int) {
	band := func(x, y int) bool {
		cr, cg, cb, _ := img.At(x, y).RGBA()
		near := func(r, g, b uint32) bool {
			d := func(a, b uint32) uint32 {
				if a > b {
					return a - b
				}
				return b - a
			}
			return d(cr>>8, r) <= 10 && d(cg>>8, g) <= 10 && d(cb>>8, b) <= 10
		}
		return near(0x11, 0x13, 0x18) || near(0xfb, 0xfa, 0xf7) || near(0, 0, 0)
	}
	inset, skip := 3.0, 12.0
	for s := skip; s < w-skip; s += 4 { // top and bottom edges
		for _, y := range []float64{y0 + inset, y0 + h - inset} {
			samples++
			if band(int((x0+s)*dpr), int(y*dpr)) {
				bad++
			}
		}
	}
	for s := skip; s < h-skip; s += 4 { // left and right edges
		for _, x := range []float64{x0 + inset, x0 + w - inset} {
			samples++
			if band(int(x*dpr), int((y0+s)*dpr)) {
				bad++
			}
		}
	}
	return bad, samples
}

// viewportShot is a screenshot of the viewport at the device pixel ratio.
func viewportShot(t *testing.T, ctx context.Context) ([]byte, image.Image) {
	t.Helper()
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
	if err != nil {
		t.Fatal(err)
	}
	buf := res.Data
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	return buf, img
}

// TestEmbedFillsFrame: in the example post, in a 700 px wide window
// (its column gives the demo 640 px) and on a 390 px phone, the picture
// fills the demo's frame above its controls: along the four edges of
// that part of the frame, no pixel is black (Ebiten's bars), the stage's
// grey (#111318) or the post's paper colour (#fbfaf7), which is what bands
// or bars would show. The
// screenshots go to docs/embed-700.png and docs/embed-phone.png with
// UPDATE_DOCS_SCREENSHOTS=1.
func TestEmbedFillsFrame(t *testing.T) {
	for _, c := range []struct {
		name          string
		width, height int64
		dpr           float64
		mobile        bool
		doc           string
	}{{"column-700", 700, 900, 1, false, "embed-700.png"}, {"phone-390", 390, 844, 2, true, "embed-phone.png"}} {
		t.Run(c.name, func(t *testing.T) {
			ctx, base := openExampleHost(t, c.width, c.height, c.dpr, c.mobile)
			r := pictureArea(t, ctx)
			buf, img := viewportShot(t, ctx)
			t.Logf("%s: the demo is %.0f px wide, the picture's part %.0f×%.0f", c.name, r.W, r.W, r.H)
			if bad, samples := edgeBands(img, r.X, r.Y, r.W, r.H, c.dpr); bad > samples/50 {
				t.Errorf("%s: %d of %d pixels along the picture's edges are background (bands or bars)", c.name, bad, samples)
			}
			path := filepath.Join(outDir, "embed-fill-"+c.name+".png")
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: web/e2e/%s", path)
			if os.Getenv("UPDATE_DOCS_SCREENSHOTS") == "1" {
				// The README's picture: the astronaut at t = 250, the figure
				// with a little of the post around it, at one pixel per CSS pixel.
				evalJSON(t, ctx, `document.getElementById('demo').contentWindow.postMessage({type: 'ddpm:setState', state: {image: 'astronaut', t: 250, playing: false}}, '*')`, nil)
				waitFor(t, ctx, "the astronaut", `document.getElementById('demo-state').textContent.startsWith('t = 250') && document.getElementById('demo').contentWindow.ddpm.getState().image === 'astronaut'`)
				var fig struct{ Y, H float64 }
				evalJSON(t, ctx, `new Promise((res) => setTimeout(() => { const r = document.querySelector('figure').getBoundingClientRect(); res({Y: r.y + scrollY, H: r.height}); }, 800))`, &fig)
				shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
					Format: page.CaptureScreenshotFormatPng,
					Clip:   &page.Viewport{X: 0, Y: fig.Y - 60, Width: float64(c.width), Height: fig.H + 100, Scale: 1 / c.dpr},
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(repoRoot(t), "docs", c.doc), docsPNG(t, shot.Data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			assertClean(t, ctx, base)
		})
	}
}

// TestEmbedPanesFillFrame: a comparison embedded with the embed code the
// page writes for it (its class dissolve-embed-2 or -3, sized by the
// README's rules in the example post's stylesheet) fills the picture's
// part of the frame, pane by pane, with no band along its edges, in a
// 700 px column and on a 390 px phone.
func TestEmbedPanesFillFrame(t *testing.T) {
	for _, c := range []struct {
		name          string
		width, height int64
		dpr           float64
		mobile        bool
	}{{"column-700", 700, 900, 1, false}, {"phone-390", 390, 844, 2, true}} {
		t.Run(c.name, func(t *testing.T) {
			ctx, base := openExampleHost(t, c.width, c.height, c.dpr, c.mobile)
			for _, cmp := range []struct {
				compare string
				class   string
			}{{"modes", "dissolve-embed dissolve-embed-2"}, {"normalise", "dissolve-embed dissolve-embed-3"}} {
				evalJSON(t, ctx, fmt.Sprintf(`document.getElementById('demo').contentWindow.postMessage({type: 'ddpm:setState', state: {compare: %q, t: 0, playing: false}}, '*')`, cmp.compare), nil)
				waitFor(t, ctx, "the comparison", fmt.Sprintf(`document.getElementById('demo').contentWindow.ddpm.getState().compare === %q`, cmp.compare))
				// The blogger pastes the embed code the page gives for this state.
				var class string
				evalJSON(t, ctx, `(() => { const d = document.createElement('div'); d.innerHTML = document.getElementById('demo').contentWindow.ddpm.embedHTML(); return d.firstChild.className; })()`, &class)
				if class != cmp.class {
					t.Errorf("%s: the embed code's class is %q, want %q", cmp.compare, class, cmp.class)
				}
				evalJSON(t, ctx, fmt.Sprintf(`new Promise((res) => { const f = document.getElementById('demo'); f.className = %q; f.scrollIntoView({block: 'center'}); setTimeout(res, 900); })`, class), nil)
				r := pictureArea(t, ctx)
				buf, img := viewportShot(t, ctx)
				name := "embed-panes-" + c.name + "-" + cmp.compare
				if err := os.WriteFile(filepath.Join(outDir, name+".png"), buf, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s, %s: the picture's part %.0f×%.0f; screenshot web/e2e/%s/%s.png", c.name, cmp.compare, r.W, r.H, outDir, name)
				if bad, samples := edgeBands(img, r.X, r.Y, r.W, r.H, c.dpr); bad > samples/50 {
					t.Errorf("%s, %s: %d of %d pixels along the picture's edges are background (bands or bars)", c.name, cmp.compare, bad, samples)
				}
			}
			assertClean(t, ctx, base)
		})
	}
}

// TestEmbedWheelScrollsPost: the mouse wheel over the demo scrolls the
// post around it, before the reader has clicked the demo (the shield is
// over the picture) and after (the canvas has the focus).
func TestEmbedWheelScrollsPost(t *testing.T) {
	ctx, base := openExampleHost(t, 1000, 700, 1, false)
	wheel := func(when string) {
		t.Helper()
		var r struct{ X, Y, W, H, Before float64 }
		evalJSON(t, ctx, `(() => { const b = document.getElementById('demo').getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height, Before: scrollY}; })()`, &r)
		x, y := r.X+r.W/2, r.Y+r.H*0.4
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseWheel, X: x, Y: y, DeltaX: 1e-6, DeltaY: 240}); err != nil { // DeltaX: cdproto leaves out a zero, which the command requires
			t.Fatal(err)
		}
		var after float64
		evalJSON(t, ctx, `new Promise((r) => setTimeout(() => r(scrollY), 500))`, &after)
		if after-r.Before < 100 {
			t.Errorf("%s: the wheel over the demo at (%.0f, %.0f) scrolled the post by %.0f px, want about 240", when, x, y, after-r.Before)
		}
		evalJSON(t, ctx, `new Promise((r) => { document.getElementById('demo').scrollIntoView({block: 'center'}); setTimeout(r, 300); })`, nil)
	}
	wheel("before a click")
	var r struct{ X, Y, W, H float64 }
	evalJSON(t, ctx, `(() => { const b = document.getElementById('demo').getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height}; })()`, &r)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(r.X+r.W/2, r.Y+r.H*0.4)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the shield to go", `document.getElementById('demo').contentDocument.getElementById('embed-shield').hidden`)
	wheel("after a click")
	assertClean(t, ctx, base)
}
