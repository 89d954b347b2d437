package diffusion_test

import (
	"slices"
	"testing"

	"dissolve/diffusion"
)

// Trajectories made one after another from one Frames (a new seed, a new
// schedule, a new picture size) reuse its block: the frames out never pass
// what the trajectory alive needs, and every x_t has the bits of a
// trajectory made on its own.
func TestFramesReuseTheBlock(t *testing.T) {
	lesson := mustSchedule(t, diffusion.LessonConfig())
	cosine := mustSchedule(t, diffusion.Config{Schedule: "cosine", T: 1000})
	const cacheFrames = 6
	cases := []struct {
		name  string
		s     *diffusion.Schedule
		side  int
		seed  uint64
		steps []int
	}{
		{"first", lesson, 32, 1, []int{1, 500, 999, 1000}},
		{"another seed", lesson, 32, 2, []int{7, 700}},
		{"another schedule", cosine, 32, 2, []int{1000, 3}},
		{"a smaller picture", lesson, 16, 2, []int{250, 251, 900}},
		{"back to the first size", lesson, 32, 9, []int{1, 999}},
	}
	frame := 3 * 32 * 32
	f := &diffusion.Frames{MaxBytes: 4 * frame * (cacheFrames + 1)}
	for _, c := range cases {
		x0 := planarPicture(c.side)
		tr := diffusion.NewTrajectoryFrames(c.s, x0, c.seed, f)
		tr.SetCacheFrames(cacheFrames)
		own := diffusion.NewTrajectory(c.s, x0, c.seed)
		got, want := make([]float32, len(x0)), make([]float32, len(x0))
		for _, st := range c.steps {
			tr.At(st, got)
			own.At(st, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: x_t at t=%d differs from a trajectory of its own", c.name, st)
			}
		}
		// x_0 and the cache, all from the block while it has room.
		if out, need := f.Out(), 1+tr.CachedFrames(); out != need {
			t.Errorf("%s: %d frames out of the block, want %d (x_0 and %d cached)", c.name, out, need, tr.CachedFrames())
		}
		tr.Release()
		if f.Out() != 0 {
			t.Errorf("%s: %d frames still out after Release", c.name, f.Out())
		}
	}
}

// A frame the block has no room for is made afresh and let go when given
// back; the block's own frames come back.
func TestFramesBeyondTheBlock(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(16)
	f := &diffusion.Frames{MaxBytes: 4 * len(x0) * 2} // x_0 and one node
	tr := diffusion.NewTrajectoryFrames(s, x0, 3, f)
	tr.SetCacheFrames(11)
	want := make([]float32, len(x0))
	got := make([]float32, len(x0))
	diffusion.NewTrajectory(s, x0, 3).At(640, want)
	tr.At(640, got)
	if !slices.Equal(got, want) {
		t.Fatal("x_t with frames made afresh differs")
	}
	if f.Out() != 2 {
		t.Errorf("%d frames out of the block, want 2 (it holds two)", f.Out())
	}
	tr.Release()
	if f.Out() != 0 {
		t.Errorf("%d frames out after Release", f.Out())
	}
}
