package app

import (
	"slices"
	"testing"
)

// page is a state driven by a Player the way the game drives it: each tick
// the step the player returns becomes the state's.
type page struct {
	s State
	p Player
}

func (pg *page) tick(dt float64) int {
	if t, ok := pg.p.Tick(pg.s, dt); ok {
		pg.s.Step = t
	}
	return pg.s.Step
}

// ticks runs n ticks of dt seconds and returns the steps shown.
func (pg *page) ticks(n int, dt float64) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = pg.tick(dt)
	}
	return out
}

func newPage(mutate func(*State)) *page {
	s := Default()
	s.T, s.Speed = 10, 60
	if mutate != nil {
		mutate(&s)
	}
	return &page{s: s}
}

// TestPlayer: the clock's story, tick by tick at 60 Hz (dt = 1/60 s).
func TestPlayer(t *testing.T) {
	const dt = 1.0 / 60
	// restTicks ticks until the step leaves from and returns how many ticks
	// (the rest) and the step reached: 0.8 s is 48 ticks, 49 if rounding
	// leaves a sliver of the rest.
	restTicks := func(pg *page, from int) (int, int) {
		for n := 1; n <= 100; n++ {
			if t := pg.tick(dt); t != from {
				return n, t
			}
		}
		return 100, from
	}
	cases := []struct {
		name string
		s    func(*State)
		run  func(pg *page) []int
		want []int
	}{
		{"plays one step a tick at 60 steps/s", nil,
			func(pg *page) []int { return pg.ticks(5, dt) },
			[]int{1, 2, 3, 4, 5}},
		{"twice the speed, two steps a tick", func(s *State) { s.Speed = 120 },
			func(pg *page) []int { return pg.ticks(3, dt) },
			[]int{2, 4, 6}},
		{"stops at T, rests, wraps to 0, rests, moves on", nil,
			func(pg *page) []int {
				out := pg.ticks(10, dt)[9:] // reaches T = 10
				n1, t1 := restTicks(pg, 10) // rests, then wraps
				n2, t2 := restTicks(pg, 0)  // rests on x_0, then moves
				ok := func(n int) int { return min(max(n, 48), 49) - n }
				return append(out, ok(n1), t1, ok(n2), t2)
			},
			[]int{10, 0, 0, 0, 1}},
		{"paused: follows the state", func(s *State) { s.Playing = false; s.Step = 4 },
			func(pg *page) []int { return pg.ticks(3, dt) },
			[]int{4, 4, 4}},
		{"a step set from outside: the clock continues from it", nil,
			func(pg *page) []int {
				pg.ticks(2, dt)
				pg.s.Step = 7 // the slider
				return pg.ticks(2, dt)
			},
			[]int{8, 9}},
		{"the Markov chain plays on its stride", func(s *State) { s.T, s.Mode, s.Speed = 1000, Markov, 200 },
			func(pg *page) []int { return pg.ticks(6, dt) },
			// clock 3.33, 6.67, 10, 13.3, 16.7, 20 rounded down to the stride 2
			[]int{2, 6, 10, 12, 16, 20}},
		{"the tab slept: a long dt is the game's to cap, the player follows", nil,
			func(pg *page) []int { return pg.ticks(1, 0.1) },
			[]int{6}},
	}
	for _, c := range cases {
		pg := newPage(c.s)
		if got := c.run(pg); !slices.Equal(got, c.want) {
			t.Errorf("%s: steps %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPlayerDrag: dragging the full width is all of 0..T, from the step the
// drag started at, clamped; a drag stops the clock, and playing resumes
// from where it ended.
func TestPlayerDrag(t *testing.T) {
	pg := newPage(func(s *State) { s.T = 1000; s.Step = 500 })
	if _, ok := pg.p.DragTo(300, 400, pg.s); ok {
		t.Error("DragTo before StartDrag moved t")
	}
	pg.p.StartDrag(100, pg.s)
	for _, c := range []struct{ x, width, want int }{
		{100, 400, 500},  // no movement
		{200, 400, 750},  // a quarter of the width: T/4
		{0, 400, 250},    // back past the start
		{-900, 400, 0},   // clamped at 0
		{900, 400, 1000}, // clamped at T
		{133, 400, 583},  // 33/400·1000 = 82.5 rounds to 83 (half away from zero)
	} {
		got, ok := pg.p.DragTo(c.x, c.width, pg.s)
		if !ok || got != c.want {
			t.Errorf("DragTo(%d, %d) = %d, %v; want %d", c.x, c.width, got, ok, c.want)
		}
		pg.s.Step = got
	}
	if _, ok := pg.p.DragTo(150, 0, pg.s); ok {
		t.Error("DragTo with an unknown width moved t")
	}
	if got := pg.ticks(2, 1.0/60); !slices.Equal(got, []int{583, 583}) {
		t.Errorf("ticks while dragging: %v, want t held at 583", got)
	}
	pg.p.EndDrag()
	pg.s.Speed = 60
	if got := pg.ticks(2, 1.0/60); !slices.Equal(got, []int{584, 585}) {
		t.Errorf("ticks after the drag: %v, want 584, 585", got)
	}
}

// TestPlayerReverse: in the reverse direction the clock runs from x_T
// down to x_0, rests on the sample, and starts again from x_T.
func TestPlayerReverse(t *testing.T) {
	pg := newPage(func(s *State) { s.Direction, s.Step, s.Mode = Reverse, 10, Markov })
	got := pg.ticks(12, 1.0/60) // 60 steps a second: one step a tick
	want := []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0}
	if !slices.Equal(got, want) {
		t.Fatalf("reverse steps %v, want %v (no Markov stride in reverse)", got, want)
	}
	rest := pg.ticks(int(HoldSeconds*60)+2, 1.0/60)
	if rest[len(rest)-1] != 10 {
		t.Errorf("after resting on x_0 the run did not start again from T: %v", rest)
	}
	pg = newPage(func(s *State) { s.Direction, s.Step = Reverse, 10 })
	pg.ticks(2, 1.0/60)
	pg.s.Step = 4 // a step set from outside: the clock continues from it
	if got := pg.tick(1.0 / 60); got != 3 {
		t.Errorf("after t = 4 was set, the next step is %d, want 3", got)
	}
}
