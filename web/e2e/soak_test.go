//go:build browser && soak

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	cdptarget "github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// soakGrowth is how much a series may grow after the warm-up: 5 %.
const soakGrowth = 0.05

// TestSoak (build tags browser and soak; make soak runs it, CI does not)
// plays the heaviest page there is for SOAK_DURATION (10m): 1024² in the
// Markov mode with compare = modes (two Markov chains). Every SOAK_STEP
// (10s) it applies a random valid setState: the heavy state with one or
// two of schedule, size, mode, seed, t, compare, direction and denoiser
// changed, drawn from ddpm.schema() with SOAK_SEED (13); during the
// warm-up, two changes at a time from a shuffled deck of every option of
// those fields and a smaller size (soakDeck; a denoiser in the reverse
// direction), so that the warm-up takes the page through its working set.
// Every
// SOAK_SAMPLE (30s) it samples
//
//   - the JS heap: Runtime.getHeapUsage's used size after a full garbage
//     collection (HeapProfiler.collectGarbage), Go's first
//     (ddpm.perf({collect: true}): the JavaScript values Go held until its
//     next collection are let go), so that the series is what the page
//     keeps, not when V8 or Go happened to collect;
//   - the wasm memory: the byteLength of the WebAssembly.Memory of every
//     instance the page and its stage made (the Go program's; memoryHook
//     finds them: the page exposes no Go instance);
//   - the renderers' RSS: VmRSS of every Chromium process with
//     --type=renderer under this test's browser (/proc; dedicated workers
//     are threads of the renderer, so the compute workers' memory is here),
//     the least of three readings 300 ms apart after a full collection in
//     the page and in every compute worker (HeapProfiler.collectGarbage in
//     each worker's target, workerTargets): the workers' answers let go
//     and the frames' buffers in flight (tens of MB at 1024²) are not what
//     the page keeps;
//
// and the frames drawn in the last 3 s (ddpm.perf()). Pass: no series
// ends more than 5 % above its largest value during SOAK_WARMUP (2m) (Go's
// wasm memory never shrinks: the warm-up takes the page through its
// working set, and a leak shows at the end). The page must draw frames at
// every sample, and log no error. The series is printed, with each
// series' largest value after the warm-up.
func TestSoak(t *testing.T) {
	duration := envDuration(t, "SOAK_DURATION", 10*time.Minute)
	warmup := envDuration(t, "SOAK_WARMUP", 2*time.Minute)
	every := envDuration(t, "SOAK_SAMPLE", 30*time.Second)
	step := envDuration(t, "SOAK_STEP", 10*time.Second)
	seed := int64(13)
	if s := os.Getenv("SOAK_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("SOAK_SEED=%q: %v", s, err)
		}
		seed = v
	}
	if duration < warmup+every {
		t.Fatalf("SOAK_DURATION (%v) must exceed SOAK_WARMUP (%v) by at least one SOAK_SAMPLE (%v)", duration, warmup, every)
	}
	t.Logf("soak: %v (warm-up %v), a sample every %v, a setState every %v, seed %d", duration, warmup, every, step, seed)
	rng := rand.New(rand.NewSource(seed))

	base := startServer(t, repoRoot(t))
	ctx := newBrowserFor(t, duration+3*time.Minute)
	const heavy = `{"size": 1024, "mode": "markov", "compare": "modes", "direction": "forward", "playing": true}`
	hookMemories(t, ctx)
	workers := watchWorkers(ctx)
	navigate(t, ctx, base+"/index.html?size=1024&mode=markov&compare=modes&play=1")
	waitReady(t, ctx)
	browserPID := chromedp.FromContext(ctx).Browser.Process().Pid

	var samples []soakSample
	take := func(at time.Duration, state string) {
		s := soakSample{At: at, State: state}
		// Go first: syscall/js lets go of the JavaScript values Go
		// held (each call's arguments) only when Go collects, which at
		// GCPercent may be seconds away; then its finalizers run at the
		// next frames.
		evalJSON(t, ctx, `window.ddpm.perf({collect: true}) && true`, nil)
		time.Sleep(300 * time.Millisecond)
		s.Heap = jsHeap(t, ctx)
		s.Wasm = wasmMemory(t, ctx)
		s.RSS = workers.collectedRSS(t, ctx, browserPID)
		var perf struct {
			Frames   int       `json:"frames"`
			FPS      float64   `json:"fps"`
			HeapLive float64   `json:"heapLiveBytes"`
			Workers  []float64 `json:"workerWasmBytes"`
		}
		evalJSON(t, ctx, `({...window.ddpm.perf(), workerWasmBytes: window.ddpm.chainStats().workerWasmBytes})`, &perf)
		s.Frames, s.FPS, s.GoLive = perf.Frames, perf.FPS, perf.HeapLive
		for _, w := range perf.Workers {
			s.WorkerWasm += w
		}
		s.Workers = len(perf.Workers)
		if dir := os.Getenv("SOAK_HEAPDIR"); dir != "" {
			heapSnapshot(t, ctx, filepath.Join(dir, fmt.Sprintf("heap-%04d.heapsnapshot", int(at.Seconds()))))
		}
		samples = append(samples, s)
		t.Logf("soak: %s", s)
		if s.Frames == 0 {
			t.Errorf("at %v the page drew no frame in 3 s", at)
		}
	}

	deck := soakDeck(t, ctx, rng)
	// The deck is dealt by the setState calls at least a step before the
	// warm-up's end (the last one's memory is then in the warm-up's peak),
	// with a call to spare: two of its last changes may be of one field.
	if steps := int((warmup - step) / step); 2*(steps-1) < len(deck) {
		t.Fatalf("the warm-up's %d setState calls cannot make the deck's %d changes two at a time: a longer SOAK_WARMUP or a shorter SOAK_STEP", steps, len(deck))
	}
	t.Logf("soak: the warm-up makes %d changes, every option of %v once and a smaller size, two at a time", len(deck), soakFields)
	start := time.Now()
	state := "1024² markov, compare modes"
	take(0, state)
	nextStep, nextSample := step, every
	for {
		now := time.Since(start)
		if now >= duration {
			break
		}
		wait := min(nextStep, nextSample, duration) - now
		if wait > 0 {
			time.Sleep(wait)
			continue
		}
		if now >= nextStep {
			nextStep += step
			if now > warmup-step && len(deck) > 0 {
				t.Fatalf("at %v the warm-up's deck still holds %v", now.Round(time.Second), deck)
			}
			patch := soakPatch(t, ctx, rng, heavy, &deck)
			var res struct {
				Err string `json:"err"`
			}
			evalJSON(t, ctx, `(() => {
				try { window.ddpm.setState(`+patch+`); return {}; }
				catch (e) { return {err: String(e.message)}; }
			})()`, &res)
			if res.Err != "" {
				t.Errorf("at %v setState(%s) refused a valid state: %s", now.Round(time.Second), patch, res.Err)
			}
			state = patch
		}
		if now >= nextSample {
			nextSample += every
			take(now.Round(time.Second), state)
		}
		if errs := consoleErrors(ctx); len(errs) > 0 {
			t.Fatalf("at %v the page logged errors:\n  %s", now.Round(time.Second), strings.Join(errs, "\n  "))
		}
	}
	take(time.Since(start).Round(time.Second), state)

	// The series, and the growth of each after the warm-up.
	var b strings.Builder
	fmt.Fprintf(&b, "%8s %10s %10s %10s %10s %12s %6s %5s  %s\n", "at", "JS heap", "wasm", "Go live", "RSS", "workers", "frames", "fps", "state since the last setState")
	for _, s := range samples {
		fmt.Fprintf(&b, "%8v %8.1fMB %8.1fMB %8.1fMB %8.1fMB %d:%7.1fMB %6d %5.1f  %s\n", s.At, mb(s.Heap), mb(s.Wasm), mb(s.GoLive), mb(s.RSS), s.Workers, mb(s.WorkerWasm), s.Frames, s.FPS, s.State)
	}
	t.Logf("soak series:\n%s", b.String())
	for _, series := range []struct {
		name string
		get  func(soakSample) float64
	}{
		{"JS heap", func(s soakSample) float64 { return s.Heap }},
		{"wasm memory", func(s soakSample) float64 { return s.Wasm }},
		{"renderer RSS", func(s soakSample) float64 { return s.RSS }},
	} {
		warm, peak := 0.0, 0.0
		for _, s := range samples {
			if s.At <= warmup {
				warm = math.Max(warm, series.get(s))
			} else {
				peak = math.Max(peak, series.get(s))
			}
		}
		end := series.get(samples[len(samples)-1])
		growth := end/warm - 1
		t.Logf("soak: %s: %.1f MB at most in the warm-up, %.1f MB at the end (%+.1f %%), %.1f MB at most after the warm-up",
			series.name, mb(warm), mb(end), 100*growth, mb(peak))
		if growth > soakGrowth {
			t.Errorf("%s grew %.1f %% after the warm-up (%.1f MB at most in it, %.1f MB at the end), more than %.0f %%",
				series.name, 100*growth, mb(warm), mb(end), 100*soakGrowth)
		}
	}
	assertClean(t, ctx, base)
}

// soakSample is one row of the soak's series (bytes).
type soakSample struct {
	At         time.Duration
	Heap, Wasm float64
	GoLive     float64 // Go's live heap at the last collection (perf().heapLiveBytes), printed
	WorkerWasm float64 // the compute workers' wasm memories as they last reported them, printed
	Workers    int     // how many compute workers run, printed
	RSS        float64
	Frames     int
	FPS        float64
	State      string
}

func (s soakSample) String() string {
	return fmt.Sprintf("%v: JS heap %.1f MB, wasm %.1f MB (Go live %.1f MB), renderer RSS %.1f MB (%d workers' wasm %.1f MB), %d frames in 3 s", s.At, mb(s.Heap), mb(s.Wasm), mb(s.GoLive), mb(s.RSS), s.Workers, mb(s.WorkerWasm), s.Frames)
}

func mb(x float64) float64 { return x / (1 << 20) }

// soakFields are the fields the soak's setState calls change.
var soakFields = []string{"schedule", "size", "mode", "seed", "t", "compare", "direction", "denoiser"}

// soakChange is one field set to one value (Value nil: a random valid one).
type soakChange struct {
	Name  string
	Value any
}

// soakDeck is every option of the soak's enum fields and a random size, in
// a random order: the warm-up's changes, so that the warm-up takes the page
// through its working set (every comparison, direction and denoiser at
// 1024², and a smaller size) before the series must stay flat.
func soakDeck(t *testing.T, ctx context.Context, rng *rand.Rand) []soakChange {
	t.Helper()
	var fields []schemaField
	evalJSON(t, ctx, `window.ddpm.schema().fields`, &fields)
	var deck []soakChange
	for _, f := range fields {
		if !slices.Contains(soakFields, f.Name) {
			continue
		}
		if f.Kind == "enum" {
			for _, o := range f.Options {
				deck = append(deck, soakChange{f.Name, o})
			}
		} else if f.Name == "size" {
			deck = append(deck, soakChange{Name: f.Name})
		}
	}
	rng.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	return deck
}

// soakPatch is the heavy state with fields changed to valid values from the
// schema: the next two of the deck (of two fields) while it lasts (a
// denoiser in the reverse direction), then one or two fields at random.
func soakPatch(t *testing.T, ctx context.Context, rng *rand.Rand, heavy string, deck *[]soakChange) string {
	t.Helper()
	var snap struct {
		State  map[string]any `json:"state"`
		Fields []schemaField  `json:"fields"`
	}
	evalJSON(t, ctx, `({state: window.ddpm.getState(), fields: window.ddpm.schema().fields})`, &snap)
	var patch map[string]any
	if err := json.Unmarshal([]byte(heavy), &patch); err != nil {
		t.Fatal(err)
	}
	byName := map[string]schemaField{}
	for _, f := range snap.Fields {
		byName[f.Name] = f
	}
	var changes []soakChange
	if d := *deck; len(d) > 0 {
		changes = append(changes, d[0])
		d = d[1:]
		for i, c := range d { // a second change, of another field
			if c.Name != changes[0].Name {
				changes = append(changes, c)
				d = slices.Delete(d, i, i+1)
				break
			}
		}
		*deck = d
	} else {
		for n := 1 + rng.Intn(2); n > 0; n-- {
			changes = append(changes, soakChange{Name: soakFields[rng.Intn(len(soakFields))]})
		}
	}
	for _, c := range changes {
		f, ok := byName[c.Name]
		if !ok {
			t.Fatalf("the schema has no field %q: %v", c.Name, snap.Fields)
		}
		switch {
		case c.Value != nil:
			patch[f.Name] = c.Value
		case f.Kind == "enum":
			patch[f.Name] = f.Options[rng.Intn(len(f.Options))]
		case f.Kind == "integer":
			hi := *f.Max
			if f.MaxField != "" {
				if y, ok := snap.State[f.MaxField].(float64); ok {
					hi = math.Min(hi, y)
				}
			}
			patch[f.Name] = math.Floor(*f.Min + rng.Float64()*(hi-*f.Min+1))
		default:
			t.Fatalf("soakPatch cannot make a %s", f.Kind)
		}
	}
	// A denoiser of the deck runs in the reverse direction (in the forward
	// one it is a field nothing reads), unless its pair sets the direction.
	if len(changes) > 0 && changes[0].Value != nil {
		denoiser, direction := false, false
		for _, c := range changes {
			denoiser = denoiser || c.Name == "denoiser"
			direction = direction || c.Name == "direction"
		}
		if denoiser && !direction {
			patch["direction"] = "reverse"
		}
	}
	out, err := json.Marshal(patch)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// jsHeap is the page's JS heap in use after a full collection: the least
// of three readings 300 ms apart, as a frame's arrays in flight at one
// reading (a 3.4 MB heap read at 3.9 MB) are not what the page keeps.
func jsHeap(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	least := math.Inf(1)
	for i := 0; i < 3; i++ {
		if i > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
			t.Fatalf("HeapProfiler.collectGarbage: %v", err)
		}
		u, err := chromedp.Call(ctx, runtime.GetHeapUsage, cdp.Empty{})
		if err != nil {
			t.Fatalf("Runtime.getHeapUsage: %v", err)
		}
		least = math.Min(least, u.UsedSize)
	}
	return least
}

// heapSnapshot writes the page's JS heap snapshot (HeapProfiler) to path.
func heapSnapshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	done := make(chan struct{})
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chromedp.Listen(lctx, func(ev any) {
		if c, ok := ev.(*heapprofiler.EventAddHeapSnapshotChunk); ok {
			f.WriteString(c.Chunk)
		}
	})
	go func() {
		defer close(done)
		if _, err := chromedp.Call(ctx, heapprofiler.TakeHeapSnapshot, heapprofiler.TakeHeapSnapshotParams{}); err != nil {
			t.Errorf("HeapProfiler.takeHeapSnapshot: %v", err)
		}
	}()
	<-done
}

// memoryHook runs in every frame before the page's scripts (DevTools'
// Page.addScriptToEvaluateOnNewDocument) and keeps the memory each
// WebAssembly instance of the frame exports in window.soakMemories: the
// page exposes no Go instance, and Runtime.queryObjects finds no
// WebAssembly.Memory in the stage's realm.
const memoryHook = `(() => {
	const W = window.WebAssembly;
	if (!W) return;
	const memories = window.soakMemories = [];
	const keep = (r) => {
		try {
			const inst = r instanceof W.Instance ? r : r.instance;
			for (const v of Object.values(inst.exports)) if (v instanceof W.Memory) memories.push(v);
		} catch (e) { /* not an instance */ }
		return r;
	};
	const instantiate = W.instantiate, streaming = W.instantiateStreaming;
	W.instantiate = function (...args) { return instantiate.apply(this, args).then(keep); };
	if (streaming) W.instantiateStreaming = function (...args) { return streaming.apply(this, args).then(keep); };
})()`

// hookMemories installs memoryHook for the documents the tab loads next.
func hookMemories(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: memoryHook}); err != nil {
		t.Fatal(err)
	}
}

// wasmMemory sums the byteLength of the WebAssembly memories of the page
// and its stage (the Go program's), as memoryHook found them.
func wasmMemory(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	var n float64
	evalJSON(t, ctx, `[window, document.getElementById('stage').contentWindow]
		.flatMap(w => w.soakMemories || []).reduce((n, m) => n + m.buffer.byteLength, 0)`, &n)
	if n == 0 {
		t.Fatal("no WebAssembly memory found: did memoryHook run in the stage?")
	}
	return n
}

// workerTargets are the dedicated workers the page has started (DevTools
// attaches to them: Target.attachedToTarget), by target ID.
type workerTargets struct {
	mu  sync.Mutex
	ids map[cdptarget.ID]bool
}

// watchWorkers follows the workers the tab of ctx starts and stops.
func watchWorkers(ctx context.Context) *workerTargets {
	w := &workerTargets{ids: map[cdptarget.ID]bool{}}
	sessions := map[cdptarget.SessionID]cdptarget.ID{}
	chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *cdptarget.EventAttachedToTarget:
			if e.TargetInfo.Type == "worker" {
				w.ids[e.TargetInfo.TargetID] = true
				sessions[e.SessionID] = e.TargetInfo.TargetID
			}
		case *cdptarget.EventDetachedFromTarget:
			delete(w.ids, sessions[e.SessionID])
			delete(sessions, e.SessionID)
		}
	})
	return w
}

// collectedRSS is rendererRSS after a full garbage collection in the page
// and in each worker: the least of three readings 300 ms apart.
func (w *workerTargets) collectedRSS(t *testing.T, ctx context.Context, pid int) float64 {
	t.Helper()
	w.mu.Lock()
	ids := make([]cdptarget.ID, 0, len(w.ids))
	for id := range w.ids {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	for _, id := range ids {
		wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
		_, err := chromedp.Call(wctx, heapprofiler.CollectGarbage, cdp.Empty{})
		cancel()
		if err != nil {
			t.Logf("the worker %s did not collect: %v", id, err) // it may have just stopped
		}
	}
	if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		t.Fatalf("HeapProfiler.collectGarbage: %v", err)
	}
	least := math.Inf(1)
	for i := 0; i < 3; i++ {
		time.Sleep(300 * time.Millisecond)
		least = math.Min(least, rendererRSS(t, pid))
	}
	return least
}

// rendererRSS sums VmRSS of the renderer processes descending from the
// browser process pid.
func rendererRSS(t *testing.T, pid int) float64 {
	t.Helper()
	parent := map[int]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		data, err := os.ReadFile(p)
		if err != nil {
			continue // the process has gone
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		child, _ := strconv.Atoi(strings.Fields(s)[0])
		ppid, _ := strconv.Atoi(f[1])
		parent[child] = ppid
	}
	descends := func(p int) bool {
		for n := 0; p > 1 && n < 64; n++ {
			if p = parent[p]; p == pid {
				return true
			}
		}
		return false
	}
	total, renderers := 0.0, 0
	for p := range parent {
		if !descends(p) {
			continue
		}
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
		if err != nil || !strings.Contains(string(cmd), "--type=renderer") {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				total += kb * 1024
				renderers++
			}
		}
	}
	if renderers == 0 {
		t.Fatalf("no renderer process under the browser (pid %d)", pid)
	}
	return total
}
