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
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/index.html")
	state := waitReady(t, ctx)
	t.Logf("ready with state %v", state)

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
	assertClean(t, ctx, base)
}
