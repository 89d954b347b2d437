package compute_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/worker/compute"
)

// chainPicture is a W×H three-plane x_0 with some structure.
func chainPicture(w, h int) []float32 {
	x := make([]float32, 3*w*h)
	for i := range x {
		x[i] = float32(i%97)/48 - 1
	}
	return x
}

// Chain's nodes, installed into a trajectory on a real x_0 (the page's),
// give the same x_t bits as that trajectory computing them itself, for any
// order of steps and requests.
func TestChainIsTheTrajectory(t *testing.T) {
	cos := diffusion.LessonConfig()
	cos.Schedule, cos.ZeroTerminalSNR = "cosine", true
	for _, c := range []struct {
		name string
		args string
		cfg  diffusion.Config
		seed uint64
		w, h int
		reqs [][]int
	}{
		{"lesson", `{"seed":7,"width":16,"height":12`, diffusion.LessonConfig(), 7, 16, 12,
			[][]int{{2, 4, 6, 8}, {10, 12}, {512, 510, 514}, {1000}, {1}}},
		{"cosine, zero terminal SNR, largest seed", `{"schedule":"cosine","zeroTerminalSNR":true,"seed":4294967295,"width":5,"height":9`, cos, 4294967295, 5, 9,
			[][]int{{1000, 999, 1}, {300}, {301, 302, 303}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := diffusion.NewSchedule(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			x0 := chainPicture(c.w, c.h)
			fresh := diffusion.NewTrajectory(s, x0, c.seed)
			page := diffusion.NewTrajectory(s, x0, c.seed)
			page.SetCacheFrames(64)
			e := compute.NewEngine()
			d := 3 * c.w * c.h
			want, got := make([]float32, d), make([]float32, d)
			for _, ts := range c.reqs {
				b, _ := json.Marshal(ts)
				r, err := e.Do("chain", []byte(c.args+`,"ts":`+string(b)+`}`), nil)
				if err != nil {
					t.Fatal(err)
				}
				res := r.(*compute.ChainResult)
				key, err := strconv.ParseUint(res.Key, 16, 64)
				if err != nil || key != page.NoiseKey() {
					t.Fatalf("key %q, want %016x (%v)", res.Key, page.NoiseKey(), err)
				}
				noise, _ := compute.Arrays(r)["noise"].([]float32)
				if len(noise) != len(ts)*d {
					t.Fatalf("%d numbers for %d steps of %d", len(noise), len(ts), d)
				}
				for k, st := range ts {
					if err := page.Install(key, st, noise[k*d:(k+1)*d]); err != nil {
						t.Fatal(err)
					}
					fresh.At(st, want)
					page.At(st, got)
					if Checksum(got) != Checksum(want) {
						t.Errorf("t=%d: x_t from the worker's node differs from the trajectory's", st)
					}
				}
			}
			if page.Computed() != 0 {
				t.Errorf("the page's trajectory computed %d nodes, want 0", page.Computed())
			}
		})
	}
}

// The worker keeps its trajectory: the next steps share their ancestors.
func TestChainKeepsItsTrajectory(t *testing.T) {
	e := compute.NewEngine()
	a := compute.ChainArgs{ScheduleArgs: compute.Defaults().ScheduleArgs, Seed: 1, Width: 8, Height: 8}
	a.Ts = []int{500}
	first, err := e.Chain(a)
	if err != nil {
		t.Fatal(err)
	}
	a.Ts = []int{502}
	next, err := e.Chain(a)
	if err != nil {
		t.Fatal(err)
	}
	if first.Computed < 8 || next.Computed > 2 {
		t.Errorf("computed %d nodes for t=500 and %d for t=502 next, want ≥ 8 and ≤ 2", first.Computed, next.Computed)
	}
}

func TestChainRefuses(t *testing.T) {
	e := compute.NewEngine()
	ok := `"width":4,"height":4,"ts":[1]`
	for _, c := range []struct{ args, field, msg string }{
		{`{"width":0,"height":4,"ts":[1]}`, "width", "width must be an integer in 1..1024, got 0"},
		{`{"width":4,"height":1025,"ts":[1]}`, "height", "height must be an integer in 1..1024"},
		{`{"width":4,"height":4,"ts":[]}`, "ts", "ts must be a list of 1..64 steps, got 0 steps"},
		{`{"width":4,"height":4,"ts":[0]}`, "ts", "ts must be steps in 1..1000 (T), got 0"},
		{`{"T":50,"width":4,"height":4,"ts":[51]}`, "ts", "ts must be steps in 1..50 (T), got 51"},
		{`{"seed":4294967296,` + ok + `}`, "seed", "seed must be an integer in 0..4294967295"},
		{`{"schedule":"cosy",` + ok + `}`, "schedule", "schedule must be"},
		{`{"x0":[1],` + ok + `}`, "x0", `chain has no field "x0"`},
		{`{"ts":"all","width":4,"height":4}`, "ts", "ts must be a list"},
	} {
		_, err := e.Do("chain", []byte(c.args), nil)
		if err == nil || compute.ErrorField(err) != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("chain %s: error %v (field %q), want field %q and %q", c.args, err, compute.ErrorField(err), c.field, c.msg)
		}
	}
}

// pictureBytes is x_0 as the page sends it: float32s, little-endian.
func pictureBytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// With the page's picture (the picture op), Chain's frames are the RGBA
// bytes the page's own trajectory shows, and installed with their nodes
// (InstallFrame) they are what the page draws; without it, or with
// another picture's key, the answer has nodes only.
func TestChainFrames(t *testing.T) {
	const w, h, seed = 12, 10, 5
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	x0 := chainPicture(w, h)
	fresh := diffusion.NewTrajectory(s, x0, seed)
	page := diffusion.NewTrajectory(s, x0, seed)
	page.SetCacheFrames(32)
	e := compute.NewEngine()
	r, err := e.Do("picture", []byte(`{"width":12,"height":10}`), pictureBytes(x0))
	if err != nil {
		t.Fatal(err)
	}
	pic := r.(*compute.PictureResult).Key
	if pic != fmt.Sprintf("%016x", page.PictureKey()) {
		t.Fatalf("picture key %s, the page's %016x", pic, page.PictureKey())
	}
	ask := func(ts, picture string) *compute.ChainResult {
		t.Helper()
		r, err := e.Do("chain", []byte(`{"seed":5,"width":12,"height":10,"ts":`+ts+`,"picture":"`+picture+`"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.(*compute.ChainResult)
	}
	f := 4 * w * h
	want := make([]byte, f)
	got := make([]byte, f)
	for _, ts := range [][]int{{2, 4}, {500, 1000, 1}, {999}} {
		b, _ := json.Marshal(ts)
		res := ask(string(b), pic)
		rgba, _ := compute.Arrays(res)["rgba"].([]byte)
		if res.Picture != pic || len(rgba) != len(ts)*f {
			t.Fatalf("ts %v: picture %q, %d bytes of frames", ts, res.Picture, len(rgba))
		}
		key, _ := strconv.ParseUint(res.Key, 16, 64)
		pk, _ := strconv.ParseUint(res.Picture, 16, 64)
		for k, st := range ts {
			fresh.RGBAAt(st, want)
			if !bytes.Equal(rgba[k*f:(k+1)*f], want) {
				t.Errorf("t=%d: the worker's frame differs from the trajectory's", st)
			}
			if err := page.InstallFrame(key, pk, st, res.Noise[k*3*w*h:(k+1)*3*w*h], rgba[k*f:(k+1)*f]); err != nil {
				t.Fatal(err)
			}
			page.RGBAAt(st, got)
			if !bytes.Equal(got, want) {
				t.Errorf("t=%d: the installed frame differs", st)
			}
		}
	}
	if page.Computed() != 0 || page.FramesShown() != 6 {
		t.Errorf("the page computed %d nodes and showed %d installed frames, want 0 and 6", page.Computed(), page.FramesShown())
	}
	for _, other := range []string{"", "00000000000000ff"} {
		res := ask("[3]", other)
		if _, ok := compute.Arrays(res)["rgba"]; ok || res.Picture != "" || len(res.Noise) != 3*w*h {
			t.Errorf("picture %q: answer with picture %q and frames %v", other, res.Picture, ok)
		}
	}
	// Another size than the picture's: nodes only.
	r, err = e.Do("chain", []byte(`{"seed":5,"width":10,"height":12,"ts":[3],"picture":"`+pic+`"}`), nil)
	if err != nil || r.(*compute.ChainResult).Picture != "" {
		t.Errorf("another size: %v, %+v", err, r)
	}
	for _, c := range []struct{ op, args, field string }{
		{"picture", `{"width":12,"height":10}`, "bytes"}, // no bytes
		{"picture", `{"width":1025,"height":1}`, "width"},
		{"picture", `{"width":12,"height":10,"key":"x"}`, "key"},
		{"chain", `{"width":4,"height":4,"ts":[1],"picture":"xyz"}`, "picture"},
		{"chain", `{"width":1024,"height":1024,"ts":[1,2,3,4,5]}`, "ts"}, // 60 MiB of nodes
	} {
		if _, err := e.Do(c.op, []byte(c.args), nil); compute.ErrorField(err) != c.field {
			t.Errorf("%s %s: error %v, want field %q", c.op, c.args, err, c.field)
		}
	}
}

// A worker's chain memory (the nodes of every trajectory it keeps and
// the picture) stays within its budget over a long walk through several
// chains and sizes, and stays useful: the trajectory it walks keeps its
// nodes between requests.
func TestChainBudget(t *testing.T) {
	e := compute.NewEngine()
	const budget = 1 << 20 // 16² to 64²: 3 kB to 48 kB a node
	e.SetChainBudget(budget)
	rng := rand.New(rand.NewPCG(1, 2))
	sides := []int{16, 40, 64}
	most := 0
	for i := range 400 {
		side := sides[i/50%len(sides)]
		if i%25 == 0 {
			if _, err := e.Do("picture", []byte(fmt.Sprintf(`{"width":%d,"height":%d}`, side, side)), pictureBytes(chainPicture(side, side))); err != nil {
				t.Fatal(err)
			}
		}
		t0 := 1 + rng.IntN(990)
		a := compute.ChainArgs{ScheduleArgs: compute.Defaults().ScheduleArgs, Seed: uint64(rng.IntN(3)), Width: side, Height: side,
			Ts: []int{t0, t0 + 2, t0 + 4}}
		if _, err := e.Chain(a); err != nil {
			t.Fatal(err)
		}
		most = max(most, e.ChainMemory())
		if m := e.ChainMemory(); m > budget {
			t.Fatalf("request %d (%d², seed %d): %d bytes kept, budget %d", i, side, a.Seed, m, budget)
		}
	}
	if most < budget/2 {
		t.Errorf("at most %d bytes kept of a budget of %d: the caches did not fill", most, budget)
	}
	// The default budget at the page's largest size: two trajectories
	// (a comparison's) and a third, and the picture.
	e = compute.NewEngine()
	const side = compute.MaxChainSide
	if _, err := e.Do("picture", []byte(fmt.Sprintf(`{"width":%d,"height":%d}`, side, side)), pictureBytes(chainPicture(side, side))); err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(3) {
		for _, ts := range [][]int{{1000, 512}, {256, 768}} {
			a := compute.ChainArgs{ScheduleArgs: compute.Defaults().ScheduleArgs, Seed: seed, Width: side, Height: side, Ts: ts}
			if _, err := e.Chain(a); err != nil {
				t.Fatal(err)
			}
			if m := e.ChainMemory(); m > compute.ChainBytes {
				t.Fatalf("1024², seed %d, ts %v: %d bytes kept, budget %d", seed, ts, m, compute.ChainBytes)
			}
		}
	}
}

// A chain for a new seed, or at another size and back, takes its nodes
// from the worker's block of frames, not from new memory: a worker's
// WebAssembly memory never shrinks, and each new chain's frames made
// while the last one's waited for the collector grew it for good (a soak's
// worker from 258 to 295 MB at one new seed).
func TestChainsReuseTheirFrames(t *testing.T) {
	e := compute.NewEngine()
	run := func(seed uint64, side int) {
		a := compute.ChainArgs{ScheduleArgs: compute.Defaults().ScheduleArgs, Seed: seed, Width: side, Height: side, Ts: []int{500, 501}}
		if _, err := e.Chain(a); err != nil {
			t.Fatal(err)
		}
	}
	run(1, 256) // the block, the answer's buffers
	run(2, 256)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for seed := uint64(3); seed < 9; seed++ {
		run(seed, 256)
		if seed == 5 {
			run(seed, 128)
		}
	}
	runtime.ReadMemStats(&after)
	frame := uint64(12 * 256 * 256)
	if got := after.TotalAlloc - before.TotalAlloc; got > frame {
		t.Errorf("six new chains (and one at another size) allocated %.1f MB, more than a frame (%.1f MB)", float64(got)/(1<<20), float64(frame)/(1<<20))
	}
}

// A new picture (the page's x_0 at another size, or another image) takes
// the memory of the last one, kept at the largest size asked for: a
// soak's size changes had grown a worker by 24 MB each (the picture and
// the bytes it came in, both new at every change).
func TestPicturesReuseTheirMemory(t *testing.T) {
	e := compute.NewEngine()
	bytesOf := func(side int) []byte { return make([]byte, 4*3*side*side) } // x_0 = 0
	big, small := bytesOf(256), bytesOf(128)
	picture := func(side int, b []byte) {
		if _, err := e.Picture(compute.PictureArgs{Width: side, Height: side}, b); err != nil {
			t.Fatal(err)
		}
	}
	picture(256, big)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 3 {
		picture(128, small)
		picture(256, big)
	}
	runtime.ReadMemStats(&after)
	frame := uint64(12 * 256 * 256)
	if got := after.TotalAlloc - before.TotalAlloc; got > frame/8 {
		t.Errorf("six new pictures (256² and 128²) allocated %.2f MB, want less than an eighth of a 256² picture (%.2f MB)", float64(got)/(1<<20), float64(frame)/(1<<20))
	}
}
