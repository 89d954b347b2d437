//go:build browser && browserbench

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"dissolve/wasm/app"
)

// TestBenchBrowser measures the page in headless Chromium for make bench
// (scripts/bench.sh folds its BENCH lines into the table). It needs both
// tags, so `make test` (tag browser) never runs it:
//
//	go test -tags browser,browserbench -run '^TestBenchBrowser$' -v ./web/e2e/
//
// Headless Chromium's requestAnimationFrame is not always locked to a 60 Hz
// vsync, so fps can exceed 60; the figures are what it measures.
func TestBenchBrowser(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)

	timeReady(t, ctx)
	version, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	emit(t, "browser %q", version.Product)

	// First load: empty HTTP cache and no compiled code (fresh profile).
	// Then a reload: revalidated cache (no-cache), as a returning visitor.
	for _, load := range []string{"cold", "warm"} {
		emit(t, "ready load=%s ms=%.1f", load, loadReady(t, ctx, base+"/index.html"))
		emit(t, "startup load=%s %s", load, startupMarks(t, ctx))
	}

	// Each setting runs settle+window; perf() covers the last few seconds
	// (3 s in wasm/game.go), so the window holds only frames of this setting.
	const settle, window = 1 * time.Second, 3 * time.Second
	for _, size := range []int{256, 512, 1024} {
		for _, mode := range []string{"closed", "markov"} {
			evalJSON(t, ctx, fmt.Sprintf(`window.ddpm.setState({size: %d, mode: %q, t: 0, playing: true})`, size, mode), nil)
			perf := perfAfter(t, ctx, settle+window)
			var st struct {
				Size    int    `json:"size"`
				Mode    string `json:"mode"`
				Playing bool   `json:"playing"`
			}
			evalJSON(t, ctx, `window.ddpm.getState()`, &st)
			if st.Size != size || st.Mode != mode {
				t.Errorf("state after setState is size=%d mode=%s, want %d %s", st.Size, st.Mode, size, mode)
			}
			if perf.Frames == 0 {
				t.Errorf("size=%d mode=%s: perf() counted no frames", size, mode)
			}
			emit(t, "frames size=%d mode=%s fps=%.1f frame_p50_ms=%.2f frame_p95_ms=%.2f kernel_p50_ms=%.2f kernel_p95_ms=%.2f frames=%d playing=%v",
				size, mode, perf.FPS, perf.FrameMs.P50, perf.FrameMs.P95, perf.KernelMs.P50, perf.KernelMs.P95, perf.Frames, st.Playing)
		}
	}
	screenshot(t, ctx, "bench-last")
	assertClean(t, ctx, base)
}

// emit prints one "BENCH browser ..." line on stdout for scripts/benchtable.
// timeReady makes every later page of ctx note the moment window.ddpm.ready
// resolves, in ms since navigation start (performance.now()), as
// window.benchReadyAt: a setter sees app.js assign window.ddpm, before any
// test code can await it.
func timeReady(t *testing.T, ctx context.Context) {
	t.Helper()
	const readyHook = `(() => {
		if (window.top !== window) return;
		let v;
		Object.defineProperty(window, 'ddpm', {
			configurable: true, enumerable: true,
			get() { return v; },
			set(x) {
				v = x;
				if (x && x.ready) x.ready.then(() => { window.benchReadyAt = performance.now(); });
			},
		});
	})()`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: readyHook}); err != nil {
		t.Fatal(err)
	}
}

// loadReady loads url and returns when window.ddpm.ready resolved, in ms
// since navigation start (timeReady must have hooked ctx).
func loadReady(t *testing.T, ctx context.Context, url string) float64 {
	t.Helper()
	navigate(t, ctx, url)
	waitReady(t, ctx)
	var at *float64
	evalJSON(t, ctx, `window.benchReadyAt ?? null`, &at)
	if at == nil {
		t.Fatal("window.ddpm was not assigned as a plain property; cannot time ready")
	}
	return *at
}

// startupMarks returns where the page's start-up went, as name=ms pairs
// since navigation start: the wasm's response, the stage's marks
// (web/stage.js: instantiated, pictures, page-connected, first-frame; and
// wasm/main.go's go-main, go-engine, go-rungame) and ready.
func startupMarks(t *testing.T, ctx context.Context) string {
	t.Helper()
	var s string
	evalJSON(t, ctx, `(() => {
		const stage = document.getElementById('stage').contentWindow;
		const off = stage.performance.timeOrigin - performance.timeOrigin;
		const out = [];
		const wasm = performance.getEntriesByType('resource').find((r) => /dissolve[^/]*\.wasm/.test(r.name));
		if (wasm) out.push('wasm_fetched=' + Math.round(wasm.responseEnd));
		for (const m of stage.performance.getEntriesByType('mark')) out.push(m.name.replace(/-/g, '_') + '=' + Math.round(m.startTime + off));
		out.push('ready=' + Math.round(window.benchReadyAt));
		return out.join(' ');
	})()`, &s)
	return s
}

// perfReport is window.ddpm.perf(): the frames of the last few seconds.
type perfReport struct {
	FPS      float64      `json:"fps"`
	Frames   int          `json:"frames"`
	FrameMs  app.Quantile `json:"frameMs"`
	KernelMs app.Quantile `json:"kernelMs"`
	Changed  int          `json:"changed"` // frames whose picture changed: KernelMs's sample
}

// perfAfter waits d and reads window.ddpm.perf().
func perfAfter(t *testing.T, ctx context.Context, d time.Duration) perfReport {
	t.Helper()
	var perf perfReport
	evalJSON(t, ctx, fmt.Sprintf(`new Promise(r => setTimeout(r, %d)).then(() => window.ddpm.perf())`, d.Milliseconds()), &perf)
	return perf
}

func emit(t *testing.T, format string, args ...any) {
	t.Helper()
	fmt.Printf("BENCH browser "+format+"\n", args...)
}
