//go:build browser && browserbench

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBenchWorker measures the compute workers for make bench: the worker
// wasm's sizes, and in headless Chromium the time of one 50-step DDIM
// sample of the ideal denoiser over the 10,000 shipped digits and of a 4×4
// grid of them, with a pool of 1 and of 2 workers, as the page sees it
// (wall time on the main thread, from the request to the result) and the
// worker's own time; and the main thread's long tasks meanwhile.
//
//	go test -tags browser,browserbench -run '^TestBenchWorker$' -v ./web/e2e/
func TestBenchWorker(t *testing.T) {
	root := repoRoot(t)
	var sizes [3]int64
	for i, ext := range []string{"", ".gz", ".br"} {
		fi, err := os.Stat(filepath.Join(root, "web", "worker.wasm"+ext))
		if err != nil {
			t.Fatalf("%v (run make build first)", err)
		}
		sizes[i] = fi.Size()
	}
	emit(t, "worker wasm raw=%d gzip=%d brotli=%d", sizes[0], sizes[1], sizes[2])
	// The machine is shared: its load average puts the times in context.
	loadAvg := func() string {
		b, _ := os.ReadFile("/proc/loadavg")
		if f := strings.Fields(string(b)); len(f) > 0 {
			return f[0]
		}
		return "?"
	}

	ctx, base := openWorkersPage(t, "index.html")
	var cores int
	evalJSON(t, ctx, `navigator.hardwareConcurrency`, &cores)
	for _, workers := range []int{1, 2} {
		var r struct {
			StartMs, LoadMs, FirstMs, FirstWorkerMs float64
			SampleMs, SampleWorkerMs                []float64
			GridMs                                  []float64
			GridPartMs                              [][]float64
			LongTasks                               int
			LongestTaskMs                           float64
		}
		evalJSON(t, ctx, fmt.Sprintf(`(async () => {
			if (window.pool) pool.close();
			const out = {sampleMs: [], sampleWorkerMs: [], gridMs: [], gridPartMs: []};
			let t0 = performance.now();
			window.pool = await workersTest.createPool({size: %d});
			out.startMs = performance.now() - t0;
			t0 = performance.now();
			await pool.load({name: 'train', url: '/web/data/mnist-train.bin'});
			out.loadMs = performance.now() - t0;
			const args = {seed: 1, sampler: 'ddim', eta: 0, steps: 50, denoiser: 'ideal'};
			// The first request also computes the set's median nearest-neighbour
			// distance (novelty's scale), once per worker.
			t0 = performance.now();
			const first = await pool.sample(args);
			out.firstMs = performance.now() - t0;
			out.firstWorkerMs = first.ms;
			const tasksBefore = workersTest.longTasks.length;
			for (let i = 0; i < 3; i++) {
				t0 = performance.now();
				const r = await pool.sample({...args, seed: 10 + i});
				out.sampleMs.push(performance.now() - t0);
				out.sampleWorkerMs.push(r.ms);
			}
			for (let i = 0; i < 3; i++) {
				t0 = performance.now();
				const g = await pool.grid({...args, seed: 100 + 16 * i});
				out.gridMs.push(performance.now() - t0);
				out.gridPartMs.push(g.partMs.map(Math.round));
			}
			const tasks = workersTest.longTasks.slice(tasksBefore);
			out.longTasks = tasks.length;
			out.longestTaskMs = tasks.length ? Math.max(...tasks) : 0;
			return out;
		})()`, workers), &r)
		emit(t, "worker pool=%d cores=%d loadavg=%s start_ms=%.0f load_ms=%.0f first_sample_ms=%.0f first_sample_worker_ms=%.0f",
			workers, cores, loadAvg(), r.StartMs, r.LoadMs, r.FirstMs, r.FirstWorkerMs)
		emit(t, "worker pool=%d sample_ms=%.0f sample_worker_ms=%.0f steps_per_s=%.0f (median of %d: 50-step DDIM, ideal, N=10000)",
			workers, median(r.SampleMs), median(r.SampleWorkerMs), 50/(median(r.SampleMs)/1000), len(r.SampleMs))
		emit(t, "worker pool=%d grid_ms=%.0f grid_parts_ms=%v (median of %d: 4x4 grid of the same; parts of the second) main_long_tasks=%d longest_ms=%.0f",
			workers, median(r.GridMs), r.GridPartMs[len(r.GridPartMs)/2], len(r.GridMs), r.LongTasks, r.LongestTaskMs)
	}
	assertClean(t, ctx, base)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
