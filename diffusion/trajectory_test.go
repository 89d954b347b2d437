package diffusion_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"dissolve/diffusion"
)

// planarPicture returns a side×side planar picture shaped like a photograph.
func planarPicture(side int) []float32 {
	ch := picture(side * side)
	x := make([]float32, 0, 3*len(ch))
	x = append(x, ch...)
	for i := range ch { // a warmer red, a cooler blue
		x = append(x, float32(math.Max(-1, float64(ch[i])-0.2)))
	}
	for i := range ch {
		x = append(x, float32(math.Min(1, float64(ch[i])*0.8+0.1)))
	}
	return x
}

// residual returns (x_t − √ᾱ_t·x_0)/√(1 − ᾱ_t), which is N(0, I) if x_t has the
// closed form's law.
func residual(s *diffusion.Schedule, t int, xt, x0 []float32) []float32 {
	a, b := s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t)
	r := make([]float32, len(xt))
	for i := range r {
		r[i] = float32((float64(xt[i]) - a*float64(x0[i])) / b)
	}
	return r
}

func TestTrajectoryMarginals(t *testing.T) {
	side := 128
	if testing.Short() {
		side = 96
	}
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(side)
	tr := diffusion.NewTrajectory(s, x0, 2026)
	xt := make([]float32, len(x0))
	for _, tt := range []int{1, 10, 100, 500, 1000} {
		tr.At(tt, xt)
		checkStandardNormal(t, residual(s, tt, xt, x0), "chain marginal at t="+itoa(tt))
	}
	tr.At(0, xt)
	if checksum(xt) != checksum(x0) {
		t.Error("At(0) is not x_0")
	}
}

// The joint law is the chain's: increments d_t = x_t − √α_t·x_{t−1} have
// variance β_t and are uncorrelated across t (one ε reused would make them
// perfectly correlated), and Cov(x_s, x_t | x_0) = √(ᾱ_t/ᾱ_s)·(1 − ᾱ_s).
func TestTrajectoryIncrements(t *testing.T) {
	side := 64
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(side)
	n := len(x0)
	tr := diffusion.NewTrajectory(s, x0, 7)
	frames := make([][]float32, s.T+1)
	for tt := 0; tt <= s.T; tt++ {
		frames[tt] = make([]float32, n)
		tr.At(tt, frames[tt])
	}
	d := func(tt int) []float64 {
		out := make([]float64, n)
		sa, sb := math.Sqrt(s.Alpha[tt]), math.Sqrt(s.Beta[tt])
		for i := range out {
			out[i] = (float64(frames[tt][i]) - sa*float64(frames[tt-1][i])) / sb
		}
		return out
	}
	corr := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			s += a[i] * b[i]
		}
		return s / float64(len(a))
	}
	lim := 5 / math.Sqrt(float64(n))
	var sumVar float64
	prev := d(1)
	for tt := 2; tt <= s.T; tt++ {
		cur := d(tt)
		v := corr(cur, cur)
		sumVar += v
		if math.Abs(v-1) > 6*math.Sqrt(2/float64(n)) {
			t.Errorf("t=%d: Var(d_t)/β_t = %v, want 1", tt, v)
		}
		if r := corr(cur, prev); math.Abs(r) > lim {
			t.Errorf("t=%d: corr(d_t, d_{t−1}) = %v, want 0", tt, r)
		}
		prev = cur
	}
	if m := sumVar / float64(s.T-1); math.Abs(m-1) > 5*math.Sqrt(2/float64(n*(s.T-1))) {
		t.Errorf("mean Var(d_t)/β_t = %v over all t", m)
	}
	for _, p := range [][2]int{{1, 1000}, {10, 990}, {200, 201}, {499, 500}, {100, 500}, {10, 1000}, {2, 3}} {
		a, b := p[0], p[1]
		r := corr(d(a), d(b))
		if math.Abs(r) > lim {
			t.Errorf("corr(d_%d, d_%d) = %v", a, b, r)
		}
		ra, rb := residual(s, a, frames[a], x0), residual(s, b, frames[b], x0)
		var c float64
		for i := range ra {
			c += float64(ra[i]) * float64(rb[i])
		}
		c /= float64(n)
		// Cov of the standardised residuals: √(ᾱ_b/ᾱ_a)·√((1−ᾱ_a)/(1−ᾱ_b)).
		want := math.Sqrt(s.AlphaBar[b]/s.AlphaBar[a]) * math.Sqrt((1-s.AlphaBar[a])/(1-s.AlphaBar[b]))
		if math.Abs(c-want) > 5*math.Sqrt((1+want*want)/float64(n)) {
			t.Errorf("corr(x_%d, x_%d | x_0) = %v, want %v", a, b, c, want)
		}
	}
}

// Scrubbing in any order gives the bits a fresh trajectory gives.
func TestTrajectoryScrubBitIdentical(t *testing.T) {
	for _, c := range []diffusion.Config{
		diffusion.LessonConfig(),
		{Schedule: diffusion.Linear, T: 200, BetaStart: 1e-4, BetaEnd: 0.05},
		{Schedule: diffusion.Cosine, T: 37, ZeroTerminalSNR: true},
		{Schedule: diffusion.Sigmoid, T: 1, BetaStart: 0.1, BetaEnd: 0.2},
	} {
		s := mustSchedule(t, c)
		x0 := planarPicture(12)
		fresh := make([]uint64, s.T+1)
		buf := make([]float32, len(x0))
		for tt := 0; tt <= s.T; tt++ {
			diffusion.NewTrajectory(s, x0, 99).At(tt, buf)
			fresh[tt] = checksum(buf)
		}
		tr := diffusion.NewTrajectory(s, x0, 99)
		rng := rand.New(rand.NewPCG(1, 2))
		order := []int{}
		for tt := s.T; tt >= 0; tt-- {
			order = append(order, tt)
		}
		for range 3 * (s.T + 1) {
			order = append(order, rng.IntN(s.T+1))
		}
		for tt := 0; tt <= s.T; tt++ {
			order = append(order, tt)
		}
		rgba, want := make([]byte, 4*len(x0)/3), make([]byte, 4*len(x0)/3)
		for k, tt := range order {
			// Alternate which of RGBAAt and At computes the frame first,
			// so both the fused and the cached RGBA paths are checked.
			if k%2 == 0 {
				tr.RGBAAt(tt, rgba)
				tr.At(tt, buf)
			} else {
				tr.At(tt, buf)
				tr.RGBAAt(tt, rgba)
			}
			if checksum(buf) != fresh[tt] {
				t.Fatalf("%+v: x_%d differs after scrubbing", c, tt)
			}
			diffusion.ToRGBA(want, buf)
			if !bytes.Equal(rgba, want) {
				t.Fatalf("%+v: RGBAAt(%d) ≠ ToRGBA(At(%d))", c, tt, tt)
			}
		}
		// Out-of-range t is clamped.
		tr.At(s.T+5, buf)
		if checksum(buf) != fresh[s.T] {
			t.Errorf("%+v: At(T+5) ≠ At(T)", c)
		}
	}
}

// At t = T the lesson's chain is close to N(0, 1) by KS, while the one-shot
// z-score of the picture is not.
func TestTrajectoryEndIsNoise(t *testing.T) {
	side := 128
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(side)
	xT := make([]float32, len(x0))
	diffusion.NewTrajectory(s, x0, 5).At(s.T, xT)
	z := make([]float32, len(x0))
	diffusion.ZScore(z, x0)
	ksT, ksZ := diffusion.KSNormal(xT), diffusion.KSNormal(z)
	if ksT > 1.95/math.Sqrt(float64(len(xT))) {
		t.Errorf("KS(x_T) = %v, want < %v", ksT, 1.95/math.Sqrt(float64(len(xT))))
	}
	if ksZ < 10*ksT || ksZ < 0.05 {
		t.Errorf("KS(z-scored x_0) = %v should be far above KS(x_T) = %v", ksZ, ksT)
	}
}

// Under zero terminal SNR x_T is the fresh noise z_T, whatever x_0.
func TestTrajectoryZeroTerminalSNR(t *testing.T) {
	s := mustSchedule(t, diffusion.Config{Schedule: diffusion.Linear, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02, ZeroTerminalSNR: true})
	x0 := planarPicture(16)
	want := make([]float32, len(x0))
	diffusion.Noise{Seed: 3}.Fill(want, diffusion.TrajectoryStream(s.T))
	got := make([]float32, len(x0))
	diffusion.NewTrajectory(s, x0, 3).At(s.T, got)
	if checksum(got) != checksum(want) {
		t.Error("x_T under zero terminal SNR is not z_T")
	}
	other := make([]float32, len(x0))
	diffusion.NewTrajectory(s, make([]float32, len(x0)), 3).At(s.T, other)
	if checksum(other) != checksum(want) {
		t.Error("x_T depends on x_0")
	}
	// x_{T−1} keeps the signal: its residual is N(0, 1).
	side := 96
	x0 = planarPicture(side)
	tr := diffusion.NewTrajectory(s, x0, 3)
	for _, tt := range []int{500, 999, 1000} {
		xt := make([]float32, len(x0))
		tr.At(tt, xt)
		checkStandardNormal(t, residual(s, tt, xt, x0), "zero-terminal-SNR marginal at t="+itoa(tt))
	}
}

// Golden frames of a trajectory: the same natively and in wasm.
func TestTrajectoryGolden(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(32)
	tr := diffusion.NewTrajectory(s, x0, 11)
	var all []float32
	buf := make([]float32, len(x0))
	for _, tt := range []int{1000, 1, 500, 2, 999, 321} {
		tr.At(tt, buf)
		all = append(all, buf...)
	}
	const want uint64 = 0xd328cf350e93d0c2
	if got := checksum(all); got != want {
		t.Errorf("checksum %#x, want %#x", got, want)
	}
}

// Extreme but valid schedules (tiny β, ᾱ underflowing to 0, zero terminal
// SNR) give finite frames at every t.
func TestTrajectoryExtremeSchedulesFinite(t *testing.T) {
	for _, c := range []diffusion.Config{
		{Schedule: diffusion.Linear, T: 50, BetaStart: 1e-300, BetaEnd: 1e-300},
		{Schedule: diffusion.ScaledLinear, T: 3000, BetaStart: 0.5, BetaEnd: 0.999999, ZeroTerminalSNR: true},
		{Schedule: diffusion.Sigmoid, T: 2000, BetaStart: 0.9, BetaEnd: 0.99},
		{Schedule: diffusion.Cosine, T: diffusion.MaxT, ZeroTerminalSNR: true},
		{Schedule: diffusion.Linear, T: 2, BetaStart: 5e-324, BetaEnd: 0.5, ZeroTerminalSNR: true},
	} {
		s := mustSchedule(t, c)
		x0 := planarPicture(4)
		tr := diffusion.NewTrajectory(s, x0, 1)
		buf := make([]float32, len(x0))
		for _, tt := range []int{1, 2, s.T / 2, s.T - 1, s.T} {
			tr.At(tt, buf)
			for _, v := range buf {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 20 {
					t.Fatalf("%+v: x_%d has %v", c, tt, v)
				}
			}
		}
	}
}

// Prefetching changes no bits: a trajectory that works ahead (with any
// cache size) reads the same frames as a fresh one, and never holds more
// nodes than allowed.
func TestTrajectoryPrefetchBitIdentical(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(8)
	buf := make([]float32, len(x0))
	fresh := func(tt int) uint64 {
		diffusion.NewTrajectory(s, x0, 5).At(tt, buf)
		return checksum(buf)
	}
	for _, frames := range []int{0, 12, 16, 40} {
		tr := diffusion.NewTrajectory(s, x0, 5)
		tr.SetCacheFrames(frames)
		limit := max(frames, 11) // 11: the longest path for T = 1000
		rng := rand.New(rand.NewPCG(3, uint64(frames)))
		for range 300 {
			ahead := []int{rng.IntN(s.T) + 1, rng.IntN(s.T) + 1, rng.IntN(s.T) + 1}
			for range rng.IntN(6) {
				tr.Prefetch(ahead...)
			}
			if n := tr.CachedFrames(); n > limit {
				t.Fatalf("cache of %d frames holds %d", frames, n)
			}
			tt := ahead[rng.IntN(len(ahead))]
			tr.At(tt, buf)
			if got := checksum(buf); got != fresh(tt) {
				t.Fatalf("cache %d: x_%d differs after prefetching", frames, tt)
			}
		}
	}
}

// A player that reads every fourth step pays one node a read (the tree
// splits at powers of two), and with room in the cache, prefetching the
// next reads leaves nothing for the reads themselves to compute.
func TestTrajectoryPrefetchWorksAhead(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(4)
	buf := make([]float32, len(x0))
	tr := diffusion.NewTrajectory(s, x0, 1)
	for tt := 4; tt <= s.T; tt += 4 {
		tr.At(tt, buf)
	}
	if got := tr.Computed(); got != s.T/4 {
		t.Errorf("reading the 250 multiples of 4 computed %d nodes, want 250", got)
	}

	tr = diffusion.NewTrajectory(s, x0, 1)
	tr.SetCacheFrames(24)
	for tt := 2; tt+8 <= s.T; tt += 2 {
		for tr.Prefetch(tt+2, tt+4, tt+6, tt+8) {
		}
		before := tr.Computed()
		tr.At(tt+2, buf)
		if tt > 2 && tr.Computed() != before {
			t.Fatalf("reading %d after prefetching it computed %d nodes", tt+2, tr.Computed()-before)
		}
	}

	// With no room beyond the path being read, Prefetch cannot work ahead
	// and says so.
	tr = diffusion.NewTrajectory(s, x0, 1)
	tr.At(1, buf) // the path to 1 is 11 nodes long, the whole cache
	if tr.Prefetch(999) {
		t.Error("Prefetch computed a node in a full cache")
	}
	tr.At(1, buf)
	if tr.Computed() != 11 {
		t.Errorf("the path to 1 was recomputed: %d nodes", tr.Computed())
	}
}

// A byte budget below a whole path (SetCacheBytes) bounds the cache at
// every moment, down to MinCacheFrames, and the chain keeps its bits:
// reads in any order, strides and prefetches give what a fresh trajectory
// gives.
func TestTrajectoryByteBudget(t *testing.T) {
	for _, T := range []int{1000, 10000} {
		cfg := diffusion.LessonConfig()
		cfg.T = T
		s := mustSchedule(t, cfg)
		x0 := planarPicture(4)
		frame := 4 * len(x0)
		buf := make([]float32, len(x0))
		fresh := func(tt int) uint64 {
			diffusion.NewTrajectory(s, x0, 9).At(tt, buf)
			return checksum(buf)
		}
		for _, frames := range []int{1, 3, 4, 6, 11} {
			budget := frames * frame
			tr := diffusion.NewTrajectory(s, x0, 9)
			got := tr.SetCacheBytes(budget)
			want := max(frames, diffusion.MinCacheFrames)
			if got != want {
				t.Errorf("T=%d: SetCacheBytes(%d frames) = %d frames, want %d", T, frames, got, want)
			}
			rng := rand.New(rand.NewPCG(uint64(T), uint64(frames)))
			check := func(tt int) {
				t.Helper()
				tr.At(tt, buf)
				if c := checksum(buf); c != fresh(tt) {
					t.Fatalf("T=%d, %d frames: x_%d differs from a fresh chain's", T, frames, tt)
				}
				if n := tr.CachedFrames(); n > want || tr.CacheBytes() > max(budget, diffusion.MinCacheFrames*frame) {
					t.Fatalf("T=%d, budget %d frames: the cache holds %d frames (%d bytes)", T, frames, n, tr.CacheBytes())
				}
			}
			for range 60 {
				check(rng.IntN(s.T) + 1)
				tr.Prefetch(rng.IntN(s.T)+1, rng.IntN(s.T)+1)
			}
			for tt := 1; tt <= s.T; tt += 1 + s.T/97 {
				check(tt)
			}
		}
	}
}

// Shrinking the budget of a full cache evicts down to it at once.
func TestTrajectoryShrinkBudget(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(4)
	buf := make([]float32, len(x0))
	tr := diffusion.NewTrajectory(s, x0, 2)
	tr.SetCacheFrames(40)
	for tt := 1; tt <= s.T; tt += 7 {
		tr.At(tt, buf)
	}
	if tr.CachedFrames() != 40 {
		t.Fatalf("cache %d frames, want 40", tr.CachedFrames())
	}
	tr.SetCacheBytes(4 * 4 * len(x0))
	if tr.CachedFrames() != 4 {
		t.Errorf("after a budget of 4 frames the cache holds %d", tr.CachedFrames())
	}
	want := make([]float32, len(x0))
	tr.At(500, buf)
	diffusion.NewTrajectory(s, x0, 2).At(500, want)
	if checksum(buf) != checksum(want) {
		t.Error("x_500 changed with the budget")
	}
}
