package compute_test

import (
	"encoding/json"
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
		{`{"width":0,"height":4,"ts":[1]}`, "width", "width must be an integer in 1..2048, got 0"},
		{`{"width":4,"height":4097,"ts":[1]}`, "height", "height must be an integer in 1..2048"},
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
