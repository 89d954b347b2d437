//go:build browser

package e2e

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The harness is tested against testdata/page, a stand-in for the real page
// with a same-origin iframe drawing with WebGL2, so that a bug in the
// harness cannot hide behind a page that happens to be clean.

func selfTestRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("testdata", "page"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestHarnessCleanPage(t *testing.T) {
	base := startServer(t, selfTestRoot(t))
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/index.html")
	if state := waitReady(t, ctx); state["mode"] != "closed" {
		t.Errorf("waitReady returned %v, want the object ddpm.ready resolved to", state)
	}

	if errs := consoleErrors(ctx); len(errs) != 0 {
		t.Errorf("consoleErrors on a clean page: %q", errs)
	}
	if w := consoleWarnings(ctx); !containsAll(w, "a warning is recorded") {
		t.Errorf("consoleWarnings = %q, want the page's console.warn", w)
	}
	if off := offOriginRequests(ctx, base); len(off) != 0 {
		t.Errorf("offOriginRequests on a clean page: %q", off)
	}
	// The iframe's own subresource shows the recorder covers iframes.
	if reqs := requests(ctx); !containsAll(reqs, base+"/index.html", base+"/app.js", base+"/frame.html", base+"/frame.js") {
		t.Errorf("requests = %q, want the page's, the iframe's and its script's", reqs)
	}

	var sum int
	evalJSON(t, ctx, `new Promise(r => setTimeout(() => r(1 + 2), 10))`, &sum)
	if sum != 3 {
		t.Errorf("evalJSON awaited promise = %d, want 3", sum)
	}
	err := evalJSONErr(ctx, `(() => { throw new Error("T must be an integer in 1..10000, got 0"); })()`, nil)
	if err == nil || !strings.Contains(err.Error(), "T must be an integer") {
		t.Errorf("evalJSONErr of a throwing expression: %v, want the exception's message", err)
	}

	// The iframe's WebGL2 clear colour (0.2, 0.4, 0.8) must be in the
	// element screenshot: DevTools captures the composited canvas.
	shot := screenshot(t, ctx, "harness-clean-stage", "#stage")
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	r, g, bl, _ := img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2).RGBA()
	if r>>8 != 51 || g>>8 != 102 || bl>>8 != 204 {
		t.Errorf("centre of the stage screenshot = (%d, %d, %d), want (51, 102, 204)", r>>8, g>>8, bl>>8)
	}
	screenshot(t, ctx, "harness-clean-page")
}

func TestHarnessCatchesMisbehaviour(t *testing.T) {
	base := startServer(t, selfTestRoot(t))
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/index.html?bad=1")
	waitReady(t, ctx)

	errs := consoleErrors(ctx)
	for _, want := range []string{
		"console.error: harness self-test: console.error",
		"console.error: harness self-test: console.error in the iframe",
		"Go runtime: panic: harness self-test",
		"harness self-test: uncaught",
		"Content Security Policy",
	} {
		if !containsAll(errs, want) {
			t.Errorf("consoleErrors lacks %q; got:\n  %s", want, strings.Join(errs, "\n  "))
		}
	}
	// Both fetches to another origin were refused by the CSP before they
	// became requests; the refusals are errors.
	for _, want := range []string{"offorigin.invalid/data.json", "offorigin.invalid/from-iframe.json"} {
		if !containsAll(errs, want) {
			t.Errorf("consoleErrors does not report the refused fetch of %s", want)
		}
	}
	t.Logf("recorded errors:\n  %s", strings.Join(errs, "\n  "))
}

// TestOffOriginRequests checks the origin comparison on recorded URLs
// (in the browser the page's CSP refuses such requests before they are
// sent, so they cannot be provoked there).
func TestOffOriginRequests(t *testing.T) {
	rec := &recorder{requests: []string{
		"http://127.0.0.1:4000/index.html",
		"http://127.0.0.1:4000/web/dissolve.wasm",
		"data:image/png;base64,AAAA",
		"blob:http://127.0.0.1:4000/0b6f",
		"about:blank",
		"http://127.0.0.1:4001/other-port.js",
		"https://127.0.0.1:4000/other-scheme.js",
		"http://localhost:4000/other-host.js",
		"https://fonts.example/font.woff2",
	}}
	ctx := context.WithValue(context.Background(), recorderKey{}, rec)
	got := offOriginRequests(ctx, "http://127.0.0.1:4000")
	want := []string{
		"http://127.0.0.1:4001/other-port.js",
		"https://127.0.0.1:4000/other-scheme.js",
		"http://localhost:4000/other-host.js",
		"https://fonts.example/font.woff2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("offOriginRequests = %q, want %q", got, want)
	}
}

// containsAll reports whether every want is a substring of some element of
// list.
func containsAll(list []string, wants ...string) bool {
	for _, w := range wants {
		found := false
		for _, s := range list {
			if strings.Contains(s, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
