package app

// Playing the Markov chain.
//
// A diffusion.Trajectory splits its tree at powers of two, so a player that
// shows only multiples of a stride s = 2^k walks a tree s times smaller: one
// fresh node (3·W·H Gaussians) a frame on average, where showing arbitrary
// steps costs about log₂(steps a frame) + 1 nodes. So while the chain plays,
// the step shown is rounded down to the stride, the largest power of two
// not above the steps one frame advances. At the default 200 steps/s and
// 60 frames/s (3⅓ steps a frame) t moves by 2 or 4 a frame instead of 3 or
// 4; the speed is the same. The closed form, paused chains and scrubbing
// show every step.
//
// What is left (a high node when t crosses 512, say) is computed ahead of
// time: the game asks Ahead which steps its next frames will show and lets
// Engine.Prefetch work on them while a frame has time to spare.

// FrameRate is the number of frames a second a player plans for (Ebiten's
// ticks per second).
const FrameRate = 60

// MarkovStride returns the stride of a chain playing at speed steps per
// second: the largest power of two not above speed/FrameRate, at least 1.
func MarkovStride(speed float64) int {
	s := 1
	for float64(2*s) <= speed/FrameRate {
		s *= 2
	}
	return s
}

// PlayStep returns the step a playing page shows when its clock (in
// fractional steps) reads clock and it shows from now: ⌊clock⌋, in the
// Markov mode rounded down to the stride, never before from and never
// past T.
func PlayStep(s State, clock float64, from int) int {
	t := int(clock)
	if s.Mode == Markov {
		st := MarkovStride(s.Speed)
		t = t / st * st
	}
	return min(max(t, from), s.T)
}

// Ahead returns the steps (1..T) the next n frames will show while playing
// at s.Speed from clock: what the game prefetches. The frame that passes T
// shows T; then the loop starts again from 0 (the rests at the ends are
// left out: they only give more time).
func Ahead(s State, clock float64, n int) []int {
	out := make([]int, 0, n)
	step := s.Speed / FrameRate
	end := 0 // the frame that shows T
	for j := 1; j <= n; j++ {
		t := PlayStep(s, clock+float64(j)*step, s.Step)
		if end > 0 {
			t = PlayStep(s, float64(j-end)*step, 0)
		} else if t == s.T {
			end = j
		}
		if t > 0 && (len(out) == 0 || out[len(out)-1] != t) {
			out = append(out, t)
		}
	}
	return out
}
