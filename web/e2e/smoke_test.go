//go:build browser

package e2e

import (
	"bytes"
	"image/png"
	"testing"
)

// TestSmoke loads the page as a visitor would and checks the basics: the
// first frame arrives (window.ddpm.ready resolves), nothing is logged as an
// error, nothing is fetched from another origin, and the page renders to a
// non-empty screenshot.
func TestSmoke(t *testing.T) {
	ctx, base := openPage(t, "")
	t.Logf("ready with state %+v", state(t, ctx))

	shot := screenshot(t, ctx, "smoke")
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Errorf("screenshot is %v, want at least 100x100", b)
	}
	if len(requests(ctx)) == 0 {
		t.Error("recorder saw no requests: the network listener is not working")
	}
	assertOneWasmLoad(t, ctx)
	var loads struct{ Page, Stage int }
	evalJSON(t, ctx, `(() => {
		const wasm = (w) => w.performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.endsWith('.wasm')).length;
		return {page: wasm(window), stage: wasm(document.getElementById('stage').contentWindow)};
	})()`, &loads)
	if loads.Page != 1 || loads.Stage != 0 {
		t.Errorf("wasm downloads: %d by the page, %d by the stage; want 1 and 0 (web/boot.js compiles it early)", loads.Page, loads.Stage)
	}
	assertClean(t, ctx, base)
}
