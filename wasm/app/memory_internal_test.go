package app

import (
	"bytes"
	"slices"
	"testing"
	"unsafe"

	"dissolve/diffusion"
)

// The Markov chains on screen keep at most markovCacheBytes together, at
// every size, however the panes are read (each keeps at least
// diffusion.MinCacheFrames: at 1024², 2 × 3 frames): the page's memory
// ceiling counts on it. Two chains (compare = schedules) at 1024² and
// T = 10000 hold 2 × 3 frames where a whole path would be 2 × 15 (378 MB).
func TestChainsKeepTheirBudget(t *testing.T) {
	for _, tc := range []struct {
		size, T int
	}{{256, 1000}, {512, 1000}, {1024, 1000}, {1024, 10000}} {
		s := Default()
		s.Image, s.Size, s.T = "gradient", tc.size, tc.T
		s.Mode, s.Compare, s.CompareSchedule = Markov, CompareSchedules, "cosine"
		e, err := NewEngine(&Library{}, s)
		if err != nil {
			t.Fatal(err)
		}
		frame := 4 * 3 * tc.size * tc.size
		budget := max(markovCacheBytes, 2*diffusion.MinCacheFrames*frame)
		for _, step := range []int{1, tc.T, tc.T / 2, 3, tc.T/2 + 7, tc.T / 3} {
			n := e.State()
			n.Step = step
			if err := e.SetState(n); err != nil {
				t.Fatal(err)
			}
			e.Panes()
			for k := 0; k < 40 && e.Prefetch(Ahead(n, 0, 8)); k++ {
			}
			for _, m := range []*memo[chainKey, *diffusion.Trajectory]{&e.in.chain, &e.in.secondChain} {
				if !m.ok {
					t.Fatalf("size %d, T %d: a chain was not made", tc.size, tc.T)
				}
			}
			if b := e.ChainBytes(); b > budget {
				t.Errorf("size %d, T %d, t %d: the chains keep %d MB, over their budget of %d MB", tc.size, tc.T, step, b>>20, budget>>20)
			}
			// Within the block: a frame made outside it is memory the
			// page keeps for good.
			if n := e.in.frames.Afresh(); n > 0 {
				t.Errorf("size %d, T %d, t %d: %d frames made outside the chains' block", tc.size, tc.T, step, n)
			}
		}
	}
}

// A chain no pane shows any more is let go, its frames back in the block
// for the next chain: the second one when the comparison ends, both when
// the mode is the closed form or the direction reverse.
func TestChainsLetGo(t *testing.T) {
	s := Default()
	s.Image, s.Size = "gradient", 128
	s.Mode, s.Compare, s.CompareSchedule = Markov, CompareSchedules, "cosine"
	e, err := NewEngine(&Library{}, s)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func(*State)
		chains int // chains kept after the change and a frame
	}{
		{"compare schedules", func(*State) {}, 2},
		{"compare modes", func(s *State) { s.Compare = CompareModes }, 1},
		{"another seed", func(s *State) { s.Seed++ }, 1},
		{"the closed form alone", func(s *State) { s.Mode, s.Compare = ClosedForm, CompareNone }, 0},
		{"Markov again", func(s *State) { s.Mode = Markov }, 1},
		{"reverse", func(s *State) { s.Direction = Reverse }, 0},
	}
	for _, st := range steps {
		n := e.State()
		st.change(&n)
		n.Step = 300
		if err := e.SetState(n); err != nil {
			t.Fatal(err)
		}
		if n.Direction != Reverse {
			e.Panes()
		}
		kept := 0
		for _, m := range []*memo[chainKey, *diffusion.Trajectory]{&e.in.chain, &e.in.secondChain} {
			if m.ok {
				kept++
			}
		}
		if kept != st.chains {
			t.Errorf("%s: %d chains kept, want %d", st.name, kept, st.chains)
		}
		// x_0 and the cache of each chain kept come from the block; a
		// chain let go gave its frames back.
		want := 0
		for _, m := range []*memo[chainKey, *diffusion.Trajectory]{&e.in.chain, &e.in.secondChain} {
			if m.ok {
				want += 1 + m.val.CachedFrames()
			}
		}
		if out := e.in.frames.Out(); out != want {
			t.Errorf("%s: %d frames out of the block, want %d", st.name, out, want)
		}
	}
}

// A change of seed, picture or schedule drops both chains' caches at once
// (SetState), not when the next frame replaces them: at 1024² two chains
// hold 128 MiB, which the new pair would otherwise come on top of.
func TestSetStateDropsOldChains(t *testing.T) {
	s := Default()
	s.Image, s.Size = "gradient", 64
	s.Mode, s.Compare, s.CompareSchedule = Markov, CompareSchedules, "cosine"
	s.Step = 10
	e, err := NewEngine(&Library{}, s)
	if err != nil {
		t.Fatal(err)
	}
	e.Panes()
	if !e.in.chain.ok || !e.in.secondChain.ok {
		t.Fatal("the chains were not made")
	}
	for _, patch := range []func(*State){
		func(s *State) { s.Seed++ },
		func(s *State) { s.Image = "checkerboard" },
		func(s *State) { s.CompareSchedule = "linear" },
	} {
		n := e.State()
		patch(&n)
		if err := e.SetState(n); err != nil {
			t.Fatal(err)
		}
		if e.in.secondChain.ok {
			t.Errorf("%+v: the second chain of the previous state is still held", n)
		}
		e.Panes()
		if !e.in.chain.ok || !e.in.secondChain.ok {
			t.Fatal("the chains were not made again")
		}
	}
	// Only t changed: both kept.
	n := e.State()
	n.Step = 20
	if err := e.SetState(n); err != nil || !e.in.secondChain.ok || !e.in.chain.ok {
		t.Errorf("a change of t dropped a chain (%v)", err)
	}
}

// x_0 is made in the memory of the one before the current one (two
// buffers taking turns): after any sequence of pictures and sizes, the
// panes are those of an engine that starts at the state, and the x_0
// still current is never written over.
func TestX0BuffersTakeTurns(t *testing.T) {
	s := Default()
	s.Image, s.Size, s.Mode, s.Compare, s.Step = "gradient", 96, Markov, CompareModes, 40
	e, err := NewEngine(&Library{}, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		image string
		size  int
	}{{"checkerboard", 96}, {"gradient", 64}, {"checkerboard", 128}, {"gradient", 96}, {"gradient", 128}, {"checkerboard", 32}} {
		before := e.X0()
		kept := append([]float32(nil), before.Pix...)
		n := e.State()
		n.Image, n.Size = st.image, st.size
		if err := e.SetState(n); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before.Pix, kept) {
			t.Errorf("%s at %d: the x_0 just replaced was written over", st.image, st.size)
		}
		fresh, err := NewEngine(&Library{}, n)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.Panes()
		want, _ := fresh.Panes()
		for i := range want {
			if !bytes.Equal(got[i].RGBA, want[i].RGBA) {
				t.Errorf("%s at %d: pane %d differs from a fresh engine's", st.image, st.size, i)
			}
		}
	}
}

// Both of x_0's buffers keep the largest size shown: a lesson that goes to
// a smaller size and back, again and again (each time another one), makes
// no third buffer. Go's WebAssembly memory never shrinks, and buffers of
// ever new sizes leave holes that the next ones do not fit.
func TestX0BuffersKeepTheLargestSize(t *testing.T) {
	s := Default()
	s.Image, s.Size = "gradient", 256
	e, err := NewEngine(&Library{}, s)
	if err != nil {
		t.Fatal(err)
	}
	arrays := map[*float32]bool{}
	for i, size := range []int{256, 200, 256, 97, 256, 255, 256, 64, 256, 180} {
		n := e.State()
		n.Size, n.Seed = size, uint32(i)
		if err := e.SetState(n); err != nil {
			t.Fatal(err)
		}
		if i > 0 { // the first x_0 is NewEngine's
			arrays[unsafe.SliceData(e.X0().Pix)] = true
		}
		if c := cap(e.X0().Pix); i > 0 && c < 3*256*256 {
			t.Errorf("at size %d, x_0's buffer holds %d numbers, fewer than the largest size shown (%d)", size, c, 3*256*256)
		}
	}
	if len(arrays) > 2 {
		t.Errorf("x_0 took %d buffers, not two taking turns", len(arrays))
	}
}

// The panes keep their pixels when a comparison with fewer panes comes
// and goes: the next one with as many finds them again.
func TestPanesKeepTheirPixels(t *testing.T) {
	s := Default()
	s.Image, s.Size, s.Compare = "gradient", 64, CompareNormalise
	e, err := NewEngine(&Library{}, s)
	if err != nil {
		t.Fatal(err)
	}
	panes, _ := e.Panes()
	before := map[*byte]bool{}
	for _, p := range panes {
		before[unsafe.SliceData(p.RGBA)] = true
	}
	for _, c := range []Compare{CompareNone, CompareModes, CompareNormalise} {
		n := e.State()
		n.Compare = c
		if err := e.SetState(n); err != nil {
			t.Fatal(err)
		}
		panes, _ = e.Panes()
		if len(panes) != len(State.Sources(n)) {
			t.Fatalf("compare %s: %d panes, want %d", c, len(panes), len(State.Sources(n)))
		}
	}
	for i, p := range panes {
		if !before[unsafe.SliceData(p.RGBA)] {
			t.Errorf("pane %d of %d: its pixels are a new buffer", i, len(panes))
		}
	}
}
