package app_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
	"dissolve/wasm/worker/compute"
)

// workerNodes computes what a compute worker's chain op sends for want: the
// nodes n_t of a trajectory that knows nothing of x_0.
func workerNodes(t *testing.T, w app.ChainWant) map[int][]float32 {
	t.Helper()
	s, err := diffusion.NewSchedule(diffusion.Config{Schedule: w.Schedule, T: w.T, BetaStart: w.BetaStart, BetaEnd: w.BetaEnd, ZeroTerminalSNR: w.ZeroTerminalSNR})
	if err != nil {
		t.Fatal(err)
	}
	tr := diffusion.NewTrajectory(s, make([]float32, 3*w.Width*w.Height), uint64(w.Seed))
	out := map[int][]float32{}
	for _, st := range w.Ts {
		out[st] = append([]float32(nil), tr.Noise(st)...)
	}
	return out
}

// samePanes moves both engines to step st and checks that fed, whose
// chains took the workers' what (nodes or frames), shows the bytes of ref,
// which computed its own.
func samePanes(t *testing.T, fed, ref *app.Engine, st int, what string) {
	t.Helper()
	setT(t, fed, st)
	setT(t, ref, st)
	got, _ := fed.Panes()
	want, _ := ref.Panes()
	for i := range want {
		if !bytes.Equal(got[i].RGBA, want[i].RGBA) {
			t.Errorf("t=%d pane %d: the workers' %s give other bytes", st, i, what)
		}
	}
}

// The chains on screen take the workers' nodes: the panes are the same
// bytes as an engine that computes them, and the page computes no node.
func TestChainFeed(t *testing.T) {
	ahead := []int{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24}
	for _, c := range []struct {
		patch  string
		chains int
	}{
		{`{"mode":"markov"}`, 1},
		{`{"mode":"markov","compare":"modes"}`, 1},
		{`{"mode":"markov","compare":"schedules"}`, 2},
		{`{"mode":"closed"}`, 0},
	} {
		t.Run(c.patch, func(t *testing.T) {
			fed, ref := newEngine(t, c.patch), newEngine(t, c.patch)
			fed.Panes() // t = 0: makes the chains, computes nothing
			wants := fed.ChainWants(ahead)
			if len(wants) != c.chains {
				t.Fatalf("%d chains want nodes, want %d", len(wants), c.chains)
			}
			if c.chains == 0 {
				return
			}
			for _, w := range wants {
				if len(w.Ts) < 8 || w.Ts[0] != 2 || w.Width != 64 {
					t.Fatalf("want %+v: expected the first steps ahead of a 64² picture", w)
				}
				for st, n := range workerNodes(t, w) {
					if err := fed.InstallChain(w.Key, st, n, ahead); err != nil {
						t.Fatalf("InstallChain(%d): %v", st, err)
					}
				}
			}
			ready := wants[len(wants)-1].Ts // the shortest list (the second chain's cache is smaller)
			for _, w := range fed.ChainWants(ahead) {
				for _, st := range ready {
					if slices.Contains(w.Ts, st) {
						t.Errorf("step %d still wanted after its node was installed", st)
					}
				}
			}
			for _, st := range ready {
				if !fed.ChainReady(st) {
					t.Fatalf("ChainReady(%d) = false after installing it", st)
				}
				samePanes(t, fed, ref, st, "nodes")
			}
			if n := fed.ChainComputed(); n != 0 {
				t.Errorf("the page computed %d nodes, want 0", n)
			}
			if ref.ChainComputed() == 0 {
				t.Error("the reference engine computed no node: the comparison proves nothing")
			}
			if fed.ChainReady(501) {
				t.Error("ChainReady(501) without its node")
			}
		})
	}
}

func TestChainFeedRefuses(t *testing.T) {
	ahead := []int{2, 4}
	e := newEngine(t, `{"mode":"markov"}`)
	e.Panes()
	w := e.ChainWants(ahead)[0]
	n := workerNodes(t, w)[2]
	other := newEngine(t, `{"mode":"markov","seed":99}`)
	other.Panes()
	otherKey := other.ChainWants(ahead)[0].Key
	for _, c := range []struct {
		name string
		key  string
		step int
		n    []float32
		is   error
	}{
		{"another seed's chain", otherKey, 2, n, app.ErrStaleNode},
		{"a step not ahead", w.Key, 300, n, app.ErrStaleNode},
		{"a bad key", "xyz", 2, n, nil},
		{"a short frame", w.Key, 2, n[:len(n)-1], nil},
	} {
		if c.is != nil && !errors.Is(e.ChainAccepts(c.key, c.step, ahead), c.is) {
			t.Errorf("%s: ChainAccepts = %v, want %v", c.name, e.ChainAccepts(c.key, c.step, ahead), c.is)
		}
		err := e.InstallChain(c.key, c.step, c.n, ahead)
		if err == nil || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: %v, want a refusal (%v)", c.name, err, c.is)
		}
		if e.ChainReady(c.step) {
			t.Errorf("%s: the refused node was installed", c.name)
		}
	}
}

func TestWorkerAhead(t *testing.T) {
	for _, c := range []struct {
		patch string
		want  []int
	}{
		{`{"mode":"markov","t":100}`, []int{102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 126, 128, 130, 132}},
		{`{"mode":"markov","t":101}`, []int{102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 126, 128, 130, 132}},
		{`{"mode":"markov","t":990}`, []int{992, 994, 996, 998, 1000, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}},
		{`{"mode":"markov","t":1000}`, []int{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32}},
		{`{"mode":"markov","T":999,"t":995}`, []int{996, 998, 999, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26}},
		{`{"mode":"markov","speed":800,"t":100}`, []int{104, 112, 120, 128, 136, 144, 152, 160, 168, 176, 184, 192, 200, 208, 216, 224}},
		{`{"mode":"closed","compare":"modes","t":7}`, []int{8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
	} {
		s := newEngine(t, c.patch).State()
		if got := app.WorkerAhead(s); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.patch, got, c.want)
		}
	}
}

// The workers' frames: a compute worker (package compute, as in
// web/worker.wasm) sent the page's x_0 (ChainPicture) converts each step
// it computes, and the chains on screen show those pictures by a copy
// (InstallChainFrame): the panes are the bytes of an engine that computes
// them, x_t's numbers (the statistics) still come from the nodes, and the
// page converts nothing itself. A frame of another x_0 is left out.
func TestChainFeedFrames(t *testing.T) {
	ahead := []int{2, 4, 6, 8, 10, 12, 14, 16}
	for _, c := range []struct {
		patch  string
		chains int
	}{
		{`{"mode":"markov"}`, 1},
		{`{"mode":"markov","compare":"schedules"}`, 2},
	} {
		t.Run(c.patch, func(t *testing.T) {
			fed, ref := newEngine(t, c.patch), newEngine(t, c.patch)
			fed.Panes()
			worker := compute.NewEngine()
			wants := fed.ChainWants(ahead)
			if len(wants) != c.chains {
				t.Fatalf("%d chains want nodes, want %d", len(wants), c.chains)
			}
			x0, err := fed.ChainPicture(wants[0].Picture)
			if err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 4*len(x0))
			for i, v := range x0 {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
			r, err := worker.Do("picture", []byte(fmt.Sprintf(`{"width":%d,"height":%d}`, wants[0].Width, wants[0].Height)), b)
			if err != nil || r.(*compute.PictureResult).Key != wants[0].Picture {
				t.Fatalf("picture: %v, key %+v, want %s", err, r, wants[0].Picture)
			}
			for _, w := range wants {
				args, _ := json.Marshal(w)
				var a map[string]any
				json.Unmarshal(args, &a)
				delete(a, "key")
				args, _ = json.Marshal(a)
				r, err := worker.Do("chain", args, nil)
				if err != nil {
					t.Fatal(err)
				}
				res := r.(*compute.ChainResult)
				d, f := 3*w.Width*w.Height, 4*w.Width*w.Height
				if res.Key != w.Key || res.Picture != w.Picture {
					t.Fatalf("the worker answered key %s picture %q for %s %s", res.Key, res.Picture, w.Key, w.Picture)
				}
				for k, st := range res.Ts {
					// Another picture's frame (the page changed it while the
					// worker ran): the node alone.
					if framed, err := fed.InstallChainFrame(w.Key, "00000000000000ff", st, res.Noise[k*d:(k+1)*d], res.RGBA[k*f:(k+1)*f], ahead); framed || err != nil {
						t.Errorf("another picture's frame: framed %v, %v; want the node alone", framed, err)
					}
					if framed, err := fed.InstallChainFrame(w.Key, res.Picture, st, res.Noise[k*d:(k+1)*d], res.RGBA[k*f:(k+1)*f], ahead); err != nil || !framed {
						t.Fatalf("InstallChainFrame(%d): framed %v, %v", st, framed, err)
					}
				}
			}
			shown := 0
			for _, st := range wants[len(wants)-1].Ts {
				samePanes(t, fed, ref, st, "frames")
				shown += c.chains
				if fed.ChainFramesShown() != shown {
					t.Errorf("t=%d: %d frames shown from the workers' pictures, want %d", st, fed.ChainFramesShown(), shown)
				}
				if fs, rs := fed.Stats(), ref.Stats(); fs != rs {
					t.Errorf("t=%d: stats %+v, the computing engine's %+v", st, fs, rs)
				}
			}
			if n := fed.ChainComputed(); n != 0 {
				t.Errorf("the page computed %d nodes, want 0", n)
			}
			if _, err := fed.ChainPicture("00000000000000ff"); !errors.Is(err, app.ErrStaleNode) {
				t.Errorf("ChainPicture of another picture: %v", err)
			}
		})
	}
}
