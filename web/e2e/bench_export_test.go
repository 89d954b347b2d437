//go:build browser && browserbench

package e2e

import (
	"testing"
)

// TestBenchExport measures, for make bench (scripts/benchtable folds its
// BENCH lines): the GIF export of 60 frames of 256² (budget 5 s, progress
// at least every 200 ms, the page's animation frames meanwhile), and the
// embed page's navigation → first frame (budget 1 s).
//
//	go test -tags browser,browserbench -run '^TestBenchExport$' -v ./web/e2e/
func TestBenchExport(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)

	// Embed mode, first frame: ms from navigation start to ready.
	timeReady(t, ctx)
	// A first load warms the HTTP cache and the compiled code, as for a
	// reader who has the blog open; the embed load is the one timed.
	navigate(t, ctx, base+"/index.html?play=0")
	waitReady(t, ctx)
	t.Logf("for comparison, the full page (warm): ready after %.0f ms", loadReady(t, ctx, base+"/index.html?play=0"))
	at := loadReady(t, ctx, base+"/index.html?embed=1")
	emit(t, "ready load=embed ms=%.1f", at)

	// The GIF export on the full page, with the animation playing.
	navigate(t, ctx, base+"/index.html?size=256&play=1")
	waitReady(t, ctx)
	var r struct {
		MS, MaxProgressGap, MaxRAFGap float64
		Bytes, Calls                  int
	}
	evalJSON(t, ctx, `(async () => {
		let last = performance.now(), maxGap = 0, calls = 0, rafGap = 0, running = true;
		(function tick(prev) {
			requestAnimationFrame((now) => { if (prev) rafGap = Math.max(rafGap, now - prev); if (running) tick(now); });
		})(0);
		const t0 = performance.now();
		const blob = await ddpm.exportGIF({frames: 60, fps: 20, size: 256, onProgress: () => {
			const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; calls++;
		}});
		const end = performance.now();
		running = false;
		maxGap = Math.max(maxGap, end - last);
		return {MS: end - t0, MaxProgressGap: maxGap, MaxRAFGap: rafGap, Bytes: blob.size, Calls: calls};
	})()`, &r)
	emit(t, "export kind=gif size=256 frames=60 ms=%.0f max_progress_gap_ms=%.0f max_raf_gap_ms=%.0f bytes=%d progress_calls=%d",
		r.MS, r.MaxProgressGap, r.MaxRAFGap, r.Bytes, r.Calls)
	if r.MS > 5000 {
		t.Errorf("the GIF export took %.0f ms, budget 5000", r.MS)
	}
	if r.MaxProgressGap > 200 {
		t.Errorf("progress updates up to %.0f ms apart, budget 200", r.MaxProgressGap)
	}
	if at > 1000 {
		t.Errorf("embed first frame after %.0f ms, budget 1000", at)
	}
	assertClean(t, ctx, base)
}
