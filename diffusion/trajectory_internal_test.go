package diffusion

import (
	"math/bits"
	"testing"
)

func TestSplitPoint(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{
		{0, 1000, 512},
		{512, 1000, 768},
		{896, 1000, 960},
		{0, 2, 1},
		{4, 8, 6},
		{5, 7, 6},
		{6, 8, 7},
		{3, 12, 8},
		{7, 9, 8},
		{999, 1001, 1000},
	} {
		if got := splitPoint(c.a, c.b); got != c.want {
			t.Errorf("splitPoint(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	// By brute force: inside (a, b), and no other step there has as many
	// trailing zeros.
	for a := 0; a < 300; a++ {
		for b := a + 2; b < 300; b++ {
			m := splitPoint(a, b)
			if m <= a || m >= b {
				t.Fatalf("splitPoint(%d, %d) = %d outside", a, b, m)
			}
			for o := a + 1; o < b; o++ {
				if o != m && bits.TrailingZeros(uint(o)) >= bits.TrailingZeros(uint(m)) {
					t.Fatalf("splitPoint(%d, %d) = %d, but %d has as many trailing zeros", a, b, m, o)
				}
			}
		}
	}
}

// The ancestors of a multiple of 2^k are multiples of 2^k (T aside, the
// root), and every path is at most depth long.
func TestNodePathStrides(t *testing.T) {
	for _, T := range []int{1, 2, 3, 37, 1000, 1024, 4097} {
		s, err := NewSchedule(Config{Schedule: Linear, T: T, BetaStart: 1e-4, BetaEnd: 0.02})
		if err != nil {
			t.Fatal(err)
		}
		tr := NewTrajectory(s, make([]float32, 3), 1)
		for step := 1; step <= T; step++ {
			p := tr.nodePath(step, nil)
			if len(p) > tr.depth {
				t.Fatalf("T=%d: path to %d has %d nodes, depth %d", T, step, len(p), tr.depth)
			}
			if p[len(p)-1] != step {
				t.Fatalf("T=%d: path to %d ends at %d", T, step, p[len(p)-1])
			}
			tz := bits.TrailingZeros(uint(step))
			for _, m := range p[1:] {
				if bits.TrailingZeros(uint(m)) < tz {
					t.Fatalf("T=%d: path to %d passes %d", T, step, m)
				}
			}
		}
	}
}
