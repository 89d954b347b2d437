//go:build browser && browserbench

package e2e

import (
	"testing"
)

// TestBenchReverse measures the reverse direction on the real page for
// make bench (issue #11's targets): a 1000-step DDPM run of the ideal
// denoiser over the 10,000 shipped digits, in steps per second from the
// request to the drawn run; a 4×4 grid of 50-step DDIM samples; the main
// thread's long tasks (> 50 ms) meanwhile; and the time from a drag of
// the t slider to the next frame while a run is being computed.
//
//	go test -tags browser,browserbench -run '^TestBenchReverse$' -v ./web/e2e/
func TestBenchReverse(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&sampler=ddpm&play=0&t=0&seed=1&lang=en", false)
	var r struct {
		ColdMs, RunMs, GridMs float64
		LongTasks             int
		LongestMs             float64
		DragP95, DragMax      float64
		Drags, Workers        int
	}
	evalJSON(t, ctx, `(async () => {
		const long = [];
		new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration))).observe({type: 'longtask', buffered: false});
		const out = {};
		let t0 = performance.now();
		await ddpm.reverseReady(); // the workers start, load the digits, sample
		out.coldMs = performance.now() - t0;
		t0 = performance.now();
		ddpm.setState({seed: 2});
		await ddpm.reverseReady();
		out.runMs = performance.now() - t0;
		// Drag the slider while the next run computes.
		ddpm.setState({seed: 3});
		const slider = document.getElementById('t');
		const lat = [];
		for (let i = 0; i < 40; i++) {
			const s = performance.now();
			slider.value = String((i * 37) % 1000);
			slider.dispatchEvent(new Event('input', {bubbles: true}));
			await new Promise((res) => requestAnimationFrame(() => res()));
			lat.push(performance.now() - s);
			await new Promise((res) => setTimeout(res, 30));
		}
		await ddpm.reverseReady();
		lat.sort((a, b) => a - b);
		out.drags = lat.length;
		out.dragP95 = lat[Math.floor(0.95 * (lat.length - 1))];
		out.dragMax = lat[lat.length - 1];
		ddpm.setState({sampler: 'ddim', steps: 50});
		await ddpm.reverseReady();
		t0 = performance.now();
		await ddpm.grid();
		out.gridMs = performance.now() - t0;
		out.longTasks = long.length;
		out.longestMs = long.length ? Math.max(...long) : 0;
		out.workers = Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
		return out;
	})()`, &r)
	emit(t, "reverse ddpm1000 N=10000 workers=%d cold_ms=%.0f run_ms=%.0f steps_per_s=%.0f", r.Workers, r.ColdMs, r.RunMs, 1000/r.RunMs*1000)
	emit(t, "reverse grid4x4 ddim50 N=10000 ms=%.0f", r.GridMs)
	emit(t, "reverse main_thread longtasks=%d longest_ms=%.0f slider_input_to_frame p95_ms=%.1f max_ms=%.1f over %d drags", r.LongTasks, r.LongestMs, r.DragP95, r.DragMax, r.Drags)
	if r.LongTasks > 0 || r.DragP95 > 50 || 1000/r.RunMs*1000 < 60 || r.GridMs > 2000 {
		t.Errorf("missed a target: %+v", r)
	}
}
