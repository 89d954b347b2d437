package diffusion

import (
	"math"
	"slices"
)

// Stats summarises the numbers of a frame, "the image's distribution".
type Stats struct {
	N                   int
	Mean, Std, Min, Max float64
	// KS is the Kolmogorov–Smirnov distance sup_x |F_n(x) − Φ(x)| between
	// the values' empirical distribution and N(0, 1), from a fine histogram:
	// it is exact at the bin edges and KS ≤ exact ≤ KS + KSBinnedError.
	KS float64
}

// Binned KS: ksBins uniform bins of width ksWidth over [−ksLimit, ksLimit),
// plus everything below and above.
const (
	ksLimit = 8.0
	ksBins  = 8192
	ksWidth = 2 * ksLimit / ksBins

	// KSBinnedError bounds the error of Stats.KS: between two bin edges both
	// F_n and Φ are non-decreasing, so the supremum inside a bin exceeds the
	// value at its edges by at most the bin's N(0, 1) mass, at most
	// width·φ(0) = (16/8192)/√(2π) ≈ 7.8e-4.
	KSBinnedError = ksWidth / 2.5066282746310002
)

var ksEdgeCDF = func() []float64 {
	c := make([]float64, ksBins+1)
	for k := range c {
		c[k] = NormalCDF(-ksLimit + float64(k)*ksWidth)
	}
	return c
}()

// ksBin returns the index in Summarize's counts of the bin of v: bin k+1
// holds [−8 + k·w, −8 + (k+1)·w). With w = 2^-9 the index v·512 + 4097 is
// exact in float64, so values fall on the right side of every edge.
// Clamping the truncated index sends what is below −8 (and NaN) to 0, what
// is at or above 8 to ksBins+1, without a branch (a branch per value
// mispredicts on noisy frames).
func ksBin(v float32) int64 {
	const scale = 1 / ksWidth
	const off = ksLimit*scale + 1
	g := float64(v)*scale + off
	k := int64(g) // NaN: 0 (wasm) or MinInt64 (amd64); both clamp to 0
	if g >= 1<<62 {
		k = ksBins + 1 // amd64 gives MinInt64 for +Inf
	}
	return min(max(k, 0), ksBins+1)
}

// Summarize returns the mean, standard deviation (population, divisor N),
// minimum, maximum and binned KS distance to N(0, 1) of x, in one pass plus
// a pass over the bins. Empty x gives a zero Stats; NaNs are not expected.
func Summarize(x []float32) Stats {
	st := Stats{N: len(x)}
	if len(x) == 0 {
		return st
	}
	var counts [ksBins + 2]int32 // [0]: below −limit, [k+1]: bin k, [ksBins+1]: above
	shift := float64(x[0])       // sums of x − x_0 avoid cancellation when |mean| ≫ std
	var s, s2 float64
	lo, hi := x[0], x[0]
	// Two of each accumulator, so that consecutive additions do not wait
	// for each other.
	var sb, s2b float64
	i := 0
	for ; i+1 < len(x); i += 2 {
		v, u := x[i], x[i+1]
		d, e := float64(v)-shift, float64(u)-shift
		s += d
		sb += e
		s2 += d * d
		s2b += e * e
		// Not the min/max builtins: for floats they are runtime calls in wasm.
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
		if u < lo {
			lo = u
		}
		if u > hi {
			hi = u
		}
		counts[ksBin(v)]++
		counts[ksBin(u)]++
	}
	if i < len(x) {
		v := x[i]
		d := float64(v) - shift
		s += d
		s2 += d * d
		lo, hi = min(lo, v), max(hi, v)
		counts[ksBin(v)]++
	}
	s += sb
	s2 += s2b
	n := float64(len(x))
	m := s / n
	st.Mean = shift + m
	st.Std = math.Sqrt(math.Max(s2/n-m*m, 0))
	st.Min, st.Max = float64(lo), float64(hi)
	// F_n just below edge k is (values below the edge)/n.
	below := int(counts[0])
	for k := 0; k <= ksBins; k++ {
		st.KS = math.Max(st.KS, math.Abs(float64(below)/n-ksEdgeCDF[k]))
		below += int(counts[k+1])
	}
	// Beyond the outer edges Φ is within 6.2e-16 of 0 or 1: nothing to add.
	return st
}

// Histogram counts values in equal bins over [Lo, Hi).
type Histogram struct {
	Lo, Hi float64
	Counts []int
	N      int // all values, including those outside [Lo, Hi)
}

// NewHistogram counts x in bins equal bins over [lo, hi). Values outside, and
// NaNs, are counted only in N. bins < 1 is treated as 1; if hi <= lo no
// value falls in a bin.
func NewHistogram(x []float32, lo, hi float64, bins int) Histogram {
	bins = max(bins, 1)
	h := Histogram{Lo: lo, Hi: hi, Counts: make([]int, bins), N: len(x)}
	if !(hi > lo) {
		return h
	}
	scale := float64(bins) / (hi - lo)
	for _, v := range x {
		f := (float64(v) - lo) * scale
		if f >= 0 && f < float64(bins) {
			h.Counts[int(f)]++
		}
	}
	return h
}

// Width returns the width of one bin.
func (h Histogram) Width() float64 { return (h.Hi - h.Lo) / float64(len(h.Counts)) }

// Density returns Counts[i]/(N·Width), the histogram as a density to draw
// against NormalPDF; 0 when there is nothing to count.
func (h Histogram) Density(i int) float64 {
	if h.N == 0 || i < 0 || i >= len(h.Counts) || !(h.Width() > 0) {
		return 0
	}
	return float64(h.Counts[i]) / (float64(h.N) * h.Width())
}

// NormalPDF returns φ(x) = exp(−x²/2)/√(2π), the N(0, 1) density.
func NormalPDF(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }

// NormalCDF returns Φ(x) = ½·erfc(−x/√2), the N(0, 1) distribution function.
func NormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// KSNormal returns the exact Kolmogorov–Smirnov distance sup_x |F_n(x) − Φ(x)|
// of x to N(0, 1), sorting a copy: max over the sorted values of
// max(i/n − Φ(x_(i)), Φ(x_(i)) − (i−1)/n). O(n log n); Summarize gives a
// binned value cheaply. Empty x gives 0.
func KSNormal(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := float64(len(s))
	d := 0.0
	for i, v := range s {
		c := NormalCDF(float64(v))
		d = max(d, float64(i+1)/n-c, c-float64(i)/n)
	}
	return d
}

// ZScore sets dst = (x − mean)/std, the one-shot normalisation the lesson
// asks about: it gives mean 0 and std 1 but keeps the shape of the
// distribution, so it is not N(0, 1). A constant x gives zeros. dst may
// alias x.
func ZScore(dst, x []float32) {
	mean, inv := ZScoreOf(x)
	n := min(len(dst), len(x))
	for i := 0; i < n; i++ {
		dst[i] = float32((float64(x[i]) - mean) * inv)
	}
}

// ZScoreOf returns the mean of x and 1/std (0 for a constant x): ZScore's
// number at i is float32((float64(x[i]) − mean)·inv), for a caller that
// needs only some of them.
func ZScoreOf(x []float32) (mean, inv float64) {
	mean, std := meanStd(x)
	if std > 0 {
		inv = 1 / std
	}
	return mean, inv
}

// ZScoreRGBA writes ToRGBA(ZScore(x)) to rgba (x planar, as ToRGBA's pix)
// without a frame of z-scores: the same bytes, 256 pixels at a time.
func ZScoreRGBA(rgba []byte, x []float32) {
	mean, inv := ZScoreOf(x)
	n := min(len(x)/3, len(rgba)/4)
	r, g, b := planes(x, n)
	const block = 256
	var z [3 * block]float32
	for p0 := 0; p0 < n; p0 += block {
		m := min(block, n-p0)
		for c, pl := range [3][]float32{r, g, b} {
			for i, v := range pl[p0 : p0+m] {
				z[c*m+i] = float32((float64(v) - mean) * inv)
			}
		}
		ToRGBA(rgba[4*p0:4*(p0+m)], z[:3*m])
	}
}

// meanStd returns the mean and population standard deviation of x.
func meanStd(x []float32) (mean, std float64) {
	if len(x) == 0 {
		return 0, 0
	}
	shift := float64(x[0])
	var s, s2 float64
	for _, v := range x {
		d := float64(v) - shift
		s += d
		s2 += d * d
	}
	n := float64(len(x))
	m := s / n
	return shift + m, math.Sqrt(math.Max(s2/n-m*m, 0))
}
