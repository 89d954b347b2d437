package diffusion

import (
	"math"
	"math/bits"
	"slices"
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

// fillBridge gives the bits of fillFrom followed by the bridge's sum, from
// any first index, for any length (odd ones and ones past a block).
func TestFillBridgeMatchesFillThenSum(t *testing.T) {
	const A, B, S = float32(0.7), float32(0.3), float32(0.11)
	for _, c := range []struct{ first, n int }{{0, 0}, {0, 1}, {1, 1}, {0, 7}, {3, 8}, {5, 513}, {0, 1500}, {1001, 2049}} {
		a, b := make([]float32, c.n), make([]float32, c.n)
		for i := range a {
			a[i], b[i] = float32(i%17)*0.13-1, float32(i%11)*-0.09+0.4
		}
		z, want, got := make([]float32, c.n), make([]float32, c.n), make([]float32, c.n)
		k := Noise{Seed: 8}.key(TrajectoryStream(3))
		fillFrom(z, k, uint64(c.first))
		for i := range want {
			want[i] = float32(float32(A*a[i])+float32(B*b[i])) + float32(S*z[i])
		}
		fillBridge(got, a, b, A, B, S, k, uint64(c.first))
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("first %d, n %d: index %d is %v, want %v", c.first, c.n, i, got[i], want[i])
			}
		}
	}
}

// The RGBA pictures installed with nodes go back to the Frames with their
// trajectory (Release), and the next chain's pictures reuse them.
func TestFramesKeepPictures(t *testing.T) {
	s, err := NewSchedule(LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float32, 3*8*8)
	f := &Frames{MaxBytes: 64 * 4 * len(x0)}
	rgba := make([]byte, 4*8*8)
	var first *byte
	for seed := uint64(1); seed <= 2; seed++ {
		tr := NewTrajectoryFrames(s, x0, seed, f)
		worker := NewTrajectory(s, x0, seed)
		ClosedFormRGBA(rgba, x0, worker.Noise(5), float32(math.Sqrt(s.AlphaBar[5])), 1)
		if err := tr.InstallFrame(tr.NoiseKey(), tr.PictureKey(), 5, worker.Noise(5), rgba); err != nil {
			t.Fatal(err)
		}
		i := tr.index(5)
		if seed == 1 {
			first = &tr.cache[i].rgba[0]
		} else if &tr.cache[i].rgba[0] != first {
			t.Error("the second chain's picture did not reuse the first one's memory")
		}
		tr.Release()
	}
}

// Pictures come from their block, a third of MaxBytes: as many pictures as
// the block holds frames (4·W·H bytes against 12·W·H), at every size. A
// page that goes to a smaller size (many small pictures: hundreds at
// 111²) and back makes no new picture, where pictures made and let go
// would leave holes that a larger size's pictures do not fit, growing the
// page's memory for good. A picture beyond the block is made afresh
// (Afresh counts it) and let go when given back.
func TestFramesPicturesComeFromTheirBlock(t *testing.T) {
	const big, small = 4 * 64 * 64, 4 * 16 * 16
	f := &Frames{MaxBytes: 4 * 3 * big} // 4 frames and 4 pictures of 64²
	held := make([][]byte, 0, 64)
	take := func(n, k int) [][]byte {
		out := held[:0]
		for range k {
			b := f.getPicture(n)
			if len(b) != n || cap(b) != n {
				t.Fatalf("getPicture(%d): len %d, cap %d", n, len(b), cap(b))
			}
			out = append(out, b)
		}
		return out
	}
	giveBack := func(bs [][]byte) {
		for _, b := range bs {
			f.putPicture(b[:0]) // a node's picture may be resliced: its capacity counts
		}
	}
	cycle := func() {
		giveBack(take(big, 4))
		giveBack(take(small, big/small*4)) // 64: the block's worth
		giveBack(take(big, 4))
	}
	if allocs := testing.AllocsPerRun(5, cycle); allocs != 0 {
		t.Errorf("a size change and back made %v allocations, want 0", allocs)
	}
	if f.Afresh() != 0 {
		t.Errorf("Afresh() = %d within the block, want 0", f.Afresh())
	}
	seen := map[*byte]bool{}
	bs := slices.Clone(take(small, big/small*4))
	for _, b := range bs {
		seen[&b[0]] = true
	}
	if len(seen) != len(bs) {
		t.Errorf("%d pictures out share memory: %d distinct", len(bs), len(seen))
	}
	extra := f.getPicture(small)
	if f.Afresh() != 1 {
		t.Errorf("a picture beyond the block: Afresh() = %d, want 1", f.Afresh())
	}
	if f.getPicture(big); f.Afresh() != 2 { // another size while small ones are out
		t.Errorf("a picture of another size while the block is cut: Afresh() = %d, want 2", f.Afresh())
	}
	f.putPicture(extra)
	giveBack(bs)
	if n := len(f.pictures.out); n != 0 {
		t.Errorf("%d pictures still out after all were given back", n)
	}
}
