//go:build browser

package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"dissolve/wasm/worker/compute"
)

// The compute workers (web/worker.js running web/worker.wasm, driven by
// the pool of web/workers.js) on testdata/workers/index.html, a bare page
// under the real page's Content-Security-Policy. Each result is compared,
// bit for bit, with the same request computed natively by
// dissolve/wasm/worker/compute over the same web/data/mnist-train.bin.

// nativeEngine is compute's engine natively, with web/data/mnist-train.bin
// and mnist-test.bin loaded as "train" and "test" (make build writes them).
var native struct {
	once sync.Once
	e    *compute.Engine
	err  error
}

func nativeEngine(t testing.TB) *compute.Engine {
	t.Helper()
	native.once.Do(func() {
		native.e = compute.NewEngine()
		for _, name := range []string{"train", "test"} {
			b, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "data", "mnist-"+name+".bin"))
			if err != nil {
				native.err = err
				return
			}
			if _, native.err = native.e.Load(compute.LoadArgs{Name: name}, b); native.err != nil {
				return
			}
		}
	})
	if native.err != nil {
		t.Fatalf("%v (run make build first)", native.err)
	}
	return native.e
}

// bitsSHA256 is the SHA-256 of the float32s' bytes, little-endian, as the
// test page's sha256 computes it over Float32Arrays.
func bitsSHA256(xs ...[]float32) string {
	h := sha256.New()
	var b [4]byte
	for _, x := range xs {
		for _, v := range x {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// openWorkersPage opens the pool's test page and returns its context.
func openWorkersPage(t *testing.T, page string) (context.Context, string) {
	t.Helper()
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/web/e2e/testdata/workers/"+page)
	var ok bool
	evalJSON(t, ctx, `!!window.workersTest`, &ok)
	if !ok {
		t.Fatalf("the test page did not load web/workers.js%s", recorded(ctx))
	}
	return ctx, base
}

// poolJS makes window.pool: a pool of size workers with the training set
// loaded, and returns the data set's description.
func poolJS(t *testing.T, ctx context.Context, size int) {
	t.Helper()
	var info map[string]any
	evalJSON(t, ctx, `(async () => {
		window.pool = await workersTest.createPool({size: `+jsonOf(size)+`});
		return await pool.load({name: 'train', url: '/web/data/mnist-train.bin'});
	})()`, &info)
	if info["n"] != 10000.0 || info["w"] != 28.0 || info["labels"] != true {
		t.Fatalf("pool.load = %v, want 10,000 labelled 28×28 digits", info)
	}
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type workerSample struct {
	Checksum string        `json:"checksum"` // of every x_t frame, then every x̂_0 frame
	Final    string        `json:"final"`
	Nearest  compute.Match `json:"nearest"`
	Frames   int           `json:"frames"`
	EffN     []float64     `json:"effectiveN"`
	Bytes    int           `json:"bytes"`
}

// sampleJS runs pool.sample(args) in the page and digests the result.
func sampleJS(t *testing.T, ctx context.Context, args map[string]any) workerSample {
	t.Helper()
	var s workerSample
	evalJSON(t, ctx, `(async () => {
		const r = await pool.sample(`+jsonOf(args)+`, {key: null});
		if (!(r.xt instanceof Float32Array) || !(r.x0 instanceof Float32Array) || !(r.final instanceof Float32Array)) {
			throw new Error('pictures are not Float32Arrays: ' + Object.keys(r));
		}
		return {checksum: await workersTest.sha256(r.xt, r.x0), final: await workersTest.sha256(r.final),
			nearest: r.nearest, frames: r.frames.length, effectiveN: r.effectiveN, bytes: r.xt.byteLength + r.x0.byteLength};
	})()`, &s)
	return s
}

func nativeSample(t *testing.T, args map[string]any) *compute.SampleResult {
	t.Helper()
	res, err := nativeEngine(t).Do("sample", []byte(jsonOf(args)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.(*compute.SampleResult)
}

// TestWorkerSampleBits: a DDIM η = 0 sample of the ideal denoiser over the
// 10,000 shipped digits, run twice in workers, gives the same bits both
// times, and the bits of the native Go run — every frame of x_t and x̂_0;
// it ends on a training digit (novelty < 0.05). The local denoiser's
// sample, also the native bits, is a new digit (novelty > 0.5).
func TestWorkerSampleBits(t *testing.T) {
	ctx, base := openWorkersPage(t, "index.html")
	poolJS(t, ctx, 2)

	ideal := map[string]any{"seed": 2026, "sampler": "ddim", "eta": 0, "steps": 50, "denoiser": "ideal"}
	want := nativeSample(t, ideal)
	wantSum := bitsSHA256(want.XT, want.X0)
	first := sampleJS(t, ctx, ideal)
	second := sampleJS(t, ctx, ideal)
	if first.Checksum != second.Checksum {
		t.Errorf("the same request twice in workers: %s, then %s", first.Checksum, second.Checksum)
	}
	if first.Checksum != wantSum || first.Final != bitsSHA256(want.Final) {
		t.Errorf("worker's frames %s (x_0 %s), native Go's %s (x_0 %s)", first.Checksum, first.Final, wantSum, bitsSHA256(want.Final))
	}
	if first.Frames != 51 || first.Bytes != 2*51*784*4 || len(first.EffN) != 50 {
		t.Errorf("%d frames in %d bytes, %d effective N; want 51 frames of 784 float32 twice, 50", first.Frames, first.Bytes, len(first.EffN))
	}
	if first.Nearest != want.Nearest || first.Nearest.Novelty >= 0.05 {
		t.Errorf("ideal sample's nearest: %+v in the worker, %+v natively; want a copy (novelty < 0.05)", first.Nearest, want.Nearest)
	}
	t.Logf("ideal: copy of training digit #%d (a %d), effective N %.0f at x_T → %.0f at the end",
		first.Nearest.Index, first.Nearest.Label, first.EffN[0], first.EffN[len(first.EffN)-1])

	local := map[string]any{"seed": 0, "steps": 10, "denoiser": "local", "datasetSize": 1000, "every": 0}
	wantLocal := nativeSample(t, local)
	got := sampleJS(t, ctx, local)
	if got.Final != bitsSHA256(wantLocal.Final) || got.Nearest != wantLocal.Nearest {
		t.Errorf("local sample: worker %s %+v, native %s %+v", got.Final, got.Nearest, bitsSHA256(wantLocal.Final), wantLocal.Nearest)
	}
	if got.Nearest.Novelty <= 0.5 {
		t.Errorf("local sample's novelty %.3f (nearest %+v), want a new digit (> 0.5)", got.Nearest.Novelty, got.Nearest)
	}
	t.Logf("local: novelty %.2f (nearest #%d, a %d, at RMS %.3f)", got.Nearest.Novelty, got.Nearest.Index, got.Nearest.Label, got.Nearest.Distance)
	assertClean(t, ctx, base)
}

// TestWorkerGrid: a 4×4 grid split over two workers holds, seed by seed,
// the bits of the native Go grid, each sample with its nearest training
// digit's bytes; and so does the loss per t.
func TestWorkerGrid(t *testing.T) {
	ctx, base := openWorkersPage(t, "index.html")
	poolJS(t, ctx, 2)
	args := map[string]any{"seed": 100, "steps": 50, "denoiser": "ideal"}
	var got struct {
		Final      string          `json:"final"`
		NearestPix string          `json:"nearestPix"`
		Nearest    []compute.Match `json:"nearest"`
		Seeds      []uint64        `json:"seeds"`
		Parts      int             `json:"parts"`
	}
	evalJSON(t, ctx, `(async () => {
		const g = await pool.grid(`+jsonOf(args)+`);
		return {final: await workersTest.sha256(g.final), nearestPix: await workersTest.sha256(g.nearestPix),
			nearest: g.nearest, seeds: g.seeds, parts: g.parts};
	})()`, &got)
	if got.Parts != 2 || len(got.Seeds) != 16 || got.Seeds[0] != 100 || got.Seeds[15] != 115 || len(got.Nearest) != 16 {
		t.Fatalf("grid: %d parts, seeds %v, %d matches; want 2 parts of 16 seeds from 100", got.Parts, got.Seeds, len(got.Nearest))
	}
	g := compute.DefaultGrid()
	g.Seeds = got.Seeds
	want, err := nativeEngine(t).Grid(g)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(want.NearestPix)
	if got.Final != bitsSHA256(want.Final) || got.NearestPix != hex.EncodeToString(h[:]) {
		t.Errorf("grid bits differ from native Go's")
	}
	for k, m := range got.Nearest {
		if m != want.Nearest[k] || m.Novelty >= 0.05 {
			t.Errorf("seed %d: nearest %+v, native %+v; want a copy", got.Seeds[k], m, want.Nearest[k])
		}
	}

	// The loss per t, its steps split over the workers: the native numbers,
	// and the ideal denoiser's training loss below its held-out loss.
	var loss struct {
		compute.LossResult
		Parts int `json:"parts"`
	}
	lossArgs := map[string]any{"ts": []int{10, 100, 300, 700}, "m": 16, "seed": 3, "datasetSize": 2000}
	evalJSON(t, ctx, `(async () => {
		await pool.load({name: 'test', url: '/web/data/mnist-test.bin'});
		return await pool.loss(`+jsonOf(lossArgs)+`);
	})()`, &loss)
	wantLoss, err := nativeEngine(t).Do("loss", []byte(jsonOf(lossArgs)), nil)
	if err != nil {
		t.Fatal(err)
	}
	wl := wantLoss.(*compute.LossResult)
	if loss.Parts != 2 || !slices.Equal(loss.Ts, wl.Ts) || !slices.Equal(loss.TrainMean, wl.TrainMean) || !slices.Equal(loss.TestMean, wl.TestMean) ||
		!slices.Equal(loss.TrainStdErr, wl.TrainStdErr) || !slices.Equal(loss.TestStdErr, wl.TestStdErr) {
		t.Errorf("pool.loss = %+v, native %+v", loss, *wl)
	}
	for i, ts := range loss.Ts {
		if !(loss.TrainMean[i] < loss.TestMean[i]) {
			t.Errorf("t=%d: training loss %v not below held-out %v", ts, loss.TrainMean[i], loss.TestMean[i])
		}
	}
	t.Logf("ideal denoiser's L_simple, training vs held-out: t=%v %v vs %v", loss.Ts, loss.TrainMean, loss.TestMean)
	assertClean(t, ctx, base)
}

// TestWorkerErrorsAndSupersede: refused arguments reject with the field
// named; a newer request supersedes a running one, whose worker is
// replaced (with the data set loaded again) so the newer one is answered.
func TestWorkerErrorsAndSupersede(t *testing.T) {
	ctx, base := openWorkersPage(t, "index.html")
	poolJS(t, ctx, 1)
	var refused []map[string]string
	evalJSON(t, ctx, `(async () => {
		const out = [];
		for (const args of [{denoiser: 'best'}, {steps: 0}, {seeed: 1}, {datasetSize: 10001}, {dataset: 'photos'}]) {
			try { await pool.sample(args); out.push({name: 'resolved'}); }
			catch (e) { out.push({name: e.name, field: e.field, message: e.message}); }
		}
		return out;
	})()`, &refused)
	for i, field := range []string{"denoiser", "steps", "seeed", "datasetSize", "dataset"} {
		if r := refused[i]; r["name"] != "ComputeError" || r["field"] != field || !strings.Contains(r["message"], field) {
			t.Errorf("refused request %d: %v, want a ComputeError about %s", i, r, field)
		}
	}

	var race struct {
		Stale, StaleMessage string
		Fresh               compute.Match
		Size                int
	}
	// A 1000-step DDPM run of the local denoiser over 10,000 digits takes
	// minutes; the ideal request after it must not wait for it.
	evalJSON(t, ctx, `(async () => {
		const slow = pool.sample({sampler: 'ddpm', denoiser: 'local', seed: 1});
		const stale = slow.then(() => ({name: 'resolved'}), (e) => e);
		await new Promise((r) => setTimeout(r, 200));
		const fresh = await pool.sample({seed: 2026, every: 0});
		const e = await stale;
		return {stale: e.name, staleMessage: e.message, fresh: fresh.nearest, size: pool.size};
	})()`, &race)
	want := nativeSample(t, map[string]any{"seed": 2026, "every": 0})
	if race.Stale != "Superseded" || race.Fresh != want.Nearest || race.Size != 1 {
		t.Errorf("stale request %s (%s), fresh %+v, pool of %d; want Superseded, %+v, 1", race.Stale, race.StaleMessage, race.Fresh, race.Size, want.Nearest)
	}
	assertClean(t, ctx, base)
}

// TestWorkersUnavailable: where the page's policy forbids workers,
// createPool rejects with a WorkersUnavailable error, so the page can
// compute on its main thread.
func TestWorkersUnavailable(t *testing.T) {
	ctx, _ := openWorkersPage(t, "blocked.html")
	var got map[string]string
	evalJSON(t, ctx, `workersTest.createPool({size: 2, startTimeoutMs: 10000}).then(
		() => ({name: 'resolved'}), (e) => ({name: e.name, message: e.message}))`, &got)
	if got["name"] != "WorkersUnavailable" || !strings.HasPrefix(got["message"], "workers unavailable: ") {
		t.Errorf("createPool under worker-src 'none': %v, want a WorkersUnavailable rejection", got)
	}
	t.Logf("%s", got["message"])
}
