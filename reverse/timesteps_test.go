package reverse_test

import (
	"slices"
	"testing"

	"dissolve/reverse"
)

// TestTimesteps: the step lists diffusers' set_timesteps gives (0-based τ;
// here t = τ + 1), worked out from its formulas by hand; the first case is
// diffusers' own test (test_scheduler_ddim.py, test_steps_offset:
// [801, 601, 401, 201, 1]).
func TestTimesteps(t *testing.T) {
	plus1 := func(tau ...int) []int {
		for i := range tau {
			tau[i]++
		}
		return tau
	}
	cases := []struct {
		T, S    int
		spacing reverse.Spacing
		offset  int
		want    []int
	}{
		{1000, 5, reverse.Leading, 1, plus1(801, 601, 401, 201, 1)},
		{1000, 10, reverse.Leading, 0, plus1(900, 800, 700, 600, 500, 400, 300, 200, 100, 0)},
		{1000, 3, reverse.Leading, 0, plus1(666, 333, 0)},
		{1000, 10, reverse.Trailing, 0, plus1(999, 899, 799, 699, 599, 499, 399, 299, 199, 99)},
		// np.round(np.arange(1000, 0, -1000/3)) − 1 = [999, 666, 332]
		{1000, 3, reverse.Trailing, 0, plus1(999, 666, 332)},
		{1000, 10, reverse.Linspace, 0, plus1(999, 888, 777, 666, 555, 444, 333, 222, 111, 0)},
		// np.linspace(0, 999, 4) = [0, 333, 666, 999]
		{1000, 4, reverse.Linspace, 0, plus1(999, 666, 333, 0)},
		// np.linspace(0, 9, 4) = [0, 3, 6, 9]; round(linspace(0, 99, 7)) = [0, 16 (16.5→16), 33, 50 (49.5→50), 66, 82 (82.5→82), 99]
		{100, 7, reverse.Linspace, 0, plus1(99, 82, 66, 50, 33, 16, 0)},
		{1, 1, reverse.Leading, 0, []int{1}},
		{1, 1, reverse.Trailing, 0, []int{1}},
		{1, 1, reverse.Linspace, 0, []int{1}},
		{7, 7, reverse.Trailing, 0, []int{7, 6, 5, 4, 3, 2, 1}},
	}
	for _, c := range cases {
		got, err := reverse.Timesteps(c.T, c.S, c.spacing, c.offset)
		if err != nil {
			t.Errorf("Timesteps(%d, %d, %v, %d): %v", c.T, c.S, c.spacing, c.offset, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Timesteps(%d, %d, %v, %d) = %v, want %v", c.T, c.S, c.spacing, c.offset, got, c.want)
		}
	}
}

func TestTimestepsRefused(t *testing.T) {
	for _, c := range []struct {
		T, S    int
		spacing reverse.Spacing
		want    string
	}{
		{1000, 0, reverse.Leading, "steps must be an integer in 1..1000, got 0"},
		{1000, 1001, reverse.Trailing, "steps must be an integer in 1..1000, got 1001"},
		{1000, 10, reverse.Spacing(9), "spacing must be one of leading, trailing, linspace, got Spacing(9)"},
	} {
		_, err := reverse.Timesteps(c.T, c.S, c.spacing, 0)
		if err == nil || err.Error() != c.want {
			t.Errorf("Timesteps(%d, %d, %v): error %v, want %q", c.T, c.S, c.spacing, err, c.want)
		}
	}
	if _, err := reverse.ParseSpacing("uniform"); err == nil {
		t.Error("ParseSpacing accepted uniform")
	}
	for _, n := range []string{"leading", "trailing", "linspace"} {
		if sp, err := reverse.ParseSpacing(n); err != nil || sp.String() != n {
			t.Errorf("ParseSpacing(%q) = %v, %v", n, sp, err)
		}
	}
}
