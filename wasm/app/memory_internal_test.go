package app

import (
	"testing"

	"dissolve/diffusion"
)

// The Markov chains keep at most markovCacheBytes each, at every size,
// however the panes are read: the page's memory ceiling counts on it.
// Two chains (compare = schedules) at 1024² and T = 10000 hold 2 × 5
// frames where a whole path would be 2 × 15 (378 MB).
func TestChainsKeepTheirBudget(t *testing.T) {
	for _, tc := range []struct {
		size, T int
	}{{256, 1000}, {1024, 1000}, {1024, 10000}} {
		s := Default()
		s.Image, s.Size, s.T = "gradient", tc.size, tc.T
		s.Mode, s.Compare, s.CompareSchedule = Markov, CompareSchedules, "cosine"
		e, err := NewEngine(&Library{}, s)
		if err != nil {
			t.Fatal(err)
		}
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
				if b := m.val.CacheBytes(); b > markovCacheBytes && m.val.CachedFrames() > 3 {
					t.Errorf("size %d, T %d, t %d: a chain keeps %d MB, over its budget of %d MB", tc.size, tc.T, step, b>>20, markovCacheBytes>>20)
				}
			}
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
