package app

import (
	"slices"
	"testing"
)

func TestMarkovStride(t *testing.T) {
	for _, c := range []struct {
		speed float64
		want  int
	}{
		{1, 1}, {60, 1}, {119, 1}, {120, 2}, {200, 2}, {239, 2}, {240, 4}, {1000, 16}, {5000, 64},
	} {
		if got := MarkovStride(c.speed); got != c.want {
			t.Errorf("MarkovStride(%v) = %d, want %d", c.speed, got, c.want)
		}
	}
}

func TestPlayStep(t *testing.T) {
	closed, markov := Default(), Default()
	markov.Mode = Markov // speed 200: stride 2
	for _, c := range []struct {
		name  string
		s     State
		clock float64
		from  int
		want  int
	}{
		{"closed form shows every step", closed, 7.9, 4, 7},
		{"markov rounds down to the stride", markov, 7.9, 4, 6},
		{"never before the step shown", markov, 7.9, 7, 7},
		{"never past T", markov, 1003.2, 990, 1000},
		{"closed form at T", closed, 1000, 999, 1000},
	} {
		if got := PlayStep(c.s, c.clock, c.from); got != c.want {
			t.Errorf("%s: PlayStep(%v, %d) = %d, want %d", c.name, c.clock, c.from, got, c.want)
		}
	}
}

func TestAhead(t *testing.T) {
	s := Default()
	s.Mode = Markov // 200 steps/s: 3⅓ steps a frame, stride 2
	s.Step = 10
	if got, want := Ahead(s, 10.5, 4), []int{12, 16, 20, 22}; !slices.Equal(got, want) {
		t.Errorf("Ahead from 10.5 = %v, want %v", got, want)
	}
	// Near the end: T once, then the loop again from the start.
	s.Step = 994
	if got, want := Ahead(s, 995, 6), []int{998, 1000, 2, 6, 10, 12}; !slices.Equal(got, want) {
		t.Errorf("Ahead from 995 = %v, want %v", got, want)
	}
	s.Mode = ClosedForm
	s.Step = 10
	if got, want := Ahead(s, 10, 3), []int{13, 16, 20}; !slices.Equal(got, want) {
		t.Errorf("closed-form Ahead from 10 = %v, want %v", got, want)
	}
}
