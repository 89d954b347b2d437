package app

import "dissolve/diffusion"

// The histogram instrument: the numbers of each pane against N(0, 1) and
// the law the pane's numbers follow (q(x_t | x_0) for x_t), with the
// readouts it quotes. Every number comes from the engine's state, so the
// plots, the panes and window.ddpm agree.

// Histogram range and bins: [−4, 4) in 96 bins of width 1/12, wide enough
// for N(0, 1) (P(|z| ≥ 4) ≈ 6e-5) and for x_0 in [−1, 1].
const (
	HistLo   = -4.0
	HistHi   = 4.0
	HistBins = 96
)

// MaxSampled is the largest number of values the histogram and its readouts
// look at: a picture with more numbers is sampled evenly, every stride-th
// number (stride = ⌈3·H·W / MaxSampled⌉), which keeps the instruments
// within a frame at 512² and beyond. Up to 209² pixels every number
// counts. Sampling 2^17 numbers moves the KS distance by about
// 1/√(2^17) ≈ 0.003, under the readout's three digits of interest.
const MaxSampled = 1 << 17

// SampleStride returns the stride the instruments use for n numbers.
func SampleStride(n int) int { return max(1, (n+MaxSampled-1)/MaxSampled) }

// PaneStats are the statistics of one pane's numbers.
type PaneStats struct {
	Index int     `json:"index"` // position in State.Sources
	Kind  string  `json:"kind"`  // Source.Kind
	N     int     `json:"n"`     // numbers looked at (every stride-th)
	Mean  JSFloat `json:"mean"`
	Std   JSFloat `json:"std"`
	KS    JSFloat `json:"ks"` // Kolmogorov–Smirnov distance to N(0, 1) (binned, see diffusion.Stats)
	// Density is the histogram as a density (counts/(N·width)) over
	// [HistLo, HistHi) in HistBins bins.
	Density []JSFloat `json:"density"`
	// Outside is the fraction of the numbers outside [HistLo, HistHi).
	Outside JSFloat `json:"outside"`
	// Predicted is the law the pane's numbers follow, bin by bin (mass over
	// width): the mixture over x_0's values of N(a·x_0 + c, b²), see
	// PredictedDensity. For x_t it is q(x_t | x_0) = N(√ᾱ_t x_0, (1−ᾱ_t) I)
	// taken over the picture's numbers.
	Predicted []JSFloat `json:"predicted"`
	// Coefficients of the law: a·x_0 + c + b·ε.
	A JSFloat `json:"a"`
	B JSFloat `json:"b"`
	C JSFloat `json:"c"`
}

// InstrumentReport is what the histogram instrument shows (core function
// instruments()).
type InstrumentReport struct {
	Step   int         `json:"t"`
	T      int         `json:"T"`
	Stride int         `json:"stride"`
	Lo     float64     `json:"lo"`
	Hi     float64     `json:"hi"`
	Bins   int         `json:"bins"`
	Normal []JSFloat   `json:"normal"` // N(0, 1), bin mass over width
	Kinds  []string    `json:"kinds"`  // every pane of the comparison
	Panes  []PaneStats `json:"panes"`  // the panes asked for
	// The schedule's numbers the readouts quote (see FrameStats).
	AlphaBar       JSFloat `json:"alphaBar"`
	RightStd       JSFloat `json:"rightStd"`
	WrongSumStd    JSFloat `json:"wrongSumStd"`
	ResidualSignal JSFloat `json:"residualSignal"`
	KL             JSFloat `json:"kl"`
}

// histogramCache keeps what depends only on x_0 (and the schedule).
type histogramCache struct {
	levels memo[*diffusion.Planar, []Level] // x_0's distinct values and their weights
	kl     memo[klKey, float64]
	sample []float32
}

type klKey struct {
	x0    *diffusion.Planar
	sched *diffusion.Schedule
}

// Level is one distinct value V of x_0 and the share W of the numbers that
// take it.
type Level struct{ V, W float64 }

// x0Levels returns the values of x_0 in at most 256 groups of width 1/128
// over [−1, 1], each group as the mean of its values with their share of
// the numbers: the mixture PredictedDensity draws. A picture of bytes
// (v = byte/127.5 − 1, spaced 1/127.5 > 1/128) has at most one value per
// group, so for it the levels are exact; a box-averaged picture's values
// move by less than 1/128 (a component's mean by a/128), far inside a
// histogram bin (1/12).
func (e *Engine) x0Levels() []Level {
	x0 := e.in.x0
	return e.hist.levels.Get(x0, func(levels []Level) []Level {
		const groups = 256
		var sum [groups]float64
		var cnt [groups]int
		for _, v := range x0.Pix {
			g := min(max(int((float64(v)+1)*groups/2), 0), groups-1)
			sum[g] += float64(v)
			cnt[g]++
		}
		n := float64(len(x0.Pix))
		levels = levels[:0]
		for g, k := range cnt {
			if k > 0 {
				levels = append(levels, Level{sum[g] / float64(k), float64(k) / n})
			}
		}
		return levels
	})
}

// KL returns the mean over the picture's numbers of KL(q(x_T | x_0) ‖ N(0,
// 1)) in nats (diffusion.Schedule.PriorKL), cached per picture and schedule.
func (e *Engine) KL() float64 {
	return e.hist.kl.Get(klKey{e.in.x0, e.in.sched}, func(float64) float64 { return e.in.sched.PriorKL(e.in.x0.Pix) })
}

// PredictedDensity returns, for each of bins equal bins over [lo, hi), the
// probability mass over the bin width of the mixture
//
//	Σ_l w_l · N(a·v_l + c, b²)
//
// i.e. (1/width)·Σ_l w_l·(Φ((hi_i − m_l)/b) − Φ((lo_i − m_l)/b)), m_l = a·v_l + c.
// With b = 0 each component is a point mass at m_l. This is the law of
// a·x_0 + c + b·ε for ε ~ N(0, 1) when x_0 is drawn from the picture's
// values; averaged over bins, so that it compares with a histogram even
// where it is spiky (small b).
func PredictedDensity(levels []Level, a, b, c, lo, hi float64, bins int) []float64 {
	out := make([]float64, bins)
	width := (hi - lo) / float64(bins)
	if bins < 1 || !(width > 0) {
		return out
	}
	if b <= 0 {
		for _, l := range levels {
			f := (a*l.V + c - lo) / width
			if f >= 0 && f < float64(bins) {
				out[int(f)] += l.W / width
			}
		}
		return out
	}
	cdf := make([]float64, bins+1)
	for _, l := range levels {
		m := a*l.V + c
		for i := range cdf {
			// Beyond 9 standard deviations Φ is 0 or 1 to within 1e-19:
			// no need to evaluate it (most edges, when b is small).
			switch z := (lo + float64(i)*width - m) / b; {
			case z < -9:
				cdf[i] = 0
			case z > 9:
				cdf[i] = 1
			default:
				cdf[i] = diffusion.NormalCDF(z)
			}
		}
		for i := range out {
			out[i] += l.W * (cdf[i+1] - cdf[i]) / width
		}
	}
	return out
}

// NormalBins returns the N(0, 1) mass of each of bins equal bins over
// [lo, hi), over the bin width.
func NormalBins(lo, hi float64, bins int) []float64 {
	return PredictedDensity([]Level{{0, 1}}, 0, 1, 0, lo, hi, bins)
}

// X0Stats summarises x_0, cached per picture.
func (e *Engine) X0Stats() diffusion.Stats { return e.in.stats() }

// Instruments computes the histogram instrument's numbers at the current t
// for pane only of the current comparison, or for every pane if only < 0
// (or beyond the last pane). One pane's numbers take one pass over the
// sampled values: the page asks for one pane per refresh, in turn, so that
// no refresh holds up a frame.
func (e *Engine) Instruments(only int) InstrumentReport {
	t, s := e.state.Step, e.in.sched
	c := &e.hist
	stride := SampleStride(len(e.in.x0.Pix))
	r := InstrumentReport{
		Step: t, T: s.T, Stride: stride, Lo: HistLo, Hi: HistHi, Bins: HistBins,
		Normal:   jsFloats(NormalBins(HistLo, HistHi, HistBins)),
		AlphaBar: JSFloat(s.AlphaBar[t]), RightStd: JSFloat(s.SqrtOneMinusAlphaBar(t)),
		WrongSumStd: JSFloat(s.WrongSumStd(t)), ResidualSignal: JSFloat(s.SqrtAlphaBar(s.T)),
		KL: JSFloat(e.KL()),
	}
	levels := e.x0Levels()
	sources := e.state.Sources()
	r.Kinds = e.state.PaneKinds()
	for i, src := range sources {
		if only >= 0 && only < len(sources) && i != only {
			continue
		}
		c.sample = e.in.values(src, t, c.sample, stride)
		st := diffusion.Summarize(c.sample)
		h := diffusion.NewHistogram(c.sample, HistLo, HistHi, HistBins)
		dens := make([]JSFloat, HistBins)
		inside := 0
		for i := range dens {
			dens[i] = JSFloat(h.Density(i))
			inside += h.Counts[i]
		}
		a, b, cc := e.in.law(src, t)
		p := PaneStats{
			Index: i, Kind: src.Kind, N: st.N, Mean: JSFloat(st.Mean), Std: JSFloat(st.Std), KS: JSFloat(st.KS),
			Density: dens, Predicted: jsFloats(PredictedDensity(levels, a, b, cc, HistLo, HistHi, HistBins)),
			A: JSFloat(a), B: JSFloat(b), C: JSFloat(cc),
		}
		if st.N > 0 {
			p.Outside = JSFloat(float64(st.N-inside) / float64(st.N))
		}
		r.Panes = append(r.Panes, p)
	}
	return r
}
