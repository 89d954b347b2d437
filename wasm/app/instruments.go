package app

import (
	"math"

	"dissolve/diffusion"
)

// The instruments of the page: the histogram of x_t against N(0, 1) and
// the predicted law q(x_t | x_0), the frequency view, the snapshot strip
// and the schedule curves. Every number comes from the engine's state, so
// the plots, the panes and window.ddpm agree.

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
	Index int     `json:"index"` // position in State.PaneKinds
	Kind  string  `json:"kind"`  // see State.PaneKinds
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

// instrumentCache keeps what depends only on x_0 (and the schedule).
type instrumentCache struct {
	levelsOf *diffusion.Planar
	levels   []Level // x_0's distinct values and their weights

	klOf    *diffusion.Planar
	klSched *diffusion.Schedule
	kl      float64

	sample []float32

	statsOf *diffusion.Planar
	x0Stats diffusion.Stats

	spectrum  *diffusion.PowerSpectrum
	specOf    paneOwner // x_0 and seed of the cached coefficients
	coefX0    [3][]complex128
	coefEps   [3][]complex128
	coefNoise [3][]complex128
	specX0    []float64
	specScrat []float64
	specNoise []float32
}

// Level is one distinct value V of x_0 and the share W of the numbers that
// take it.
type Level struct{ V, W float64 }

func (e *Engine) inst() *instrumentCache {
	if e.instruments == nil {
		e.instruments = &instrumentCache{}
	}
	return e.instruments
}

// x0Levels returns the values of x_0 in at most 256 groups of width 1/128
// over [−1, 1], each group as the mean of its values with their share of
// the numbers: the mixture PredictedDensity draws. A picture of bytes
// (v = byte/127.5 − 1, spaced 1/127.5 > 1/128) has at most one value per
// group, so for it the levels are exact; a box-averaged picture's values
// move by less than 1/128 (a component's mean by a/128), far inside a
// histogram bin (1/12).
func (e *Engine) x0Levels() []Level {
	c := e.inst()
	if c.levelsOf == e.x0 {
		return c.levels
	}
	const groups = 256
	var sum [groups]float64
	var cnt [groups]int
	for _, v := range e.x0.Pix {
		g := min(max(int((float64(v)+1)*groups/2), 0), groups-1)
		sum[g] += float64(v)
		cnt[g]++
	}
	n := float64(len(e.x0.Pix))
	c.levels = c.levels[:0]
	for g, k := range cnt {
		if k > 0 {
			c.levels = append(c.levels, Level{sum[g] / float64(k), float64(k) / n})
		}
	}
	c.levelsOf = e.x0
	return c.levels
}

// KL returns the mean over the picture's numbers of KL(q(x_T | x_0) ‖ N(0,
// 1)) in nats (diffusion.Schedule.PriorKL), cached per picture and schedule.
func (e *Engine) KL() float64 {
	c := e.inst()
	if c.klOf != e.x0 || c.klSched != e.sched {
		c.kl = e.sched.PriorKL(e.x0.Pix)
		c.klOf, c.klSched = e.x0, e.sched
	}
	return c.kl
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

// paneLaw returns the coefficients (a, b, c) with which the pane's numbers
// are a·x_0 + c + b·ε.
func (e *Engine) paneLaw(kind string) (a, b, c float64) {
	t, s := e.state.Step, e.sched
	switch kind {
	case PaneSecond:
		s2 := e.secondSchedule()
		return s2.SqrtAlphaBar(t), s2.SqrtOneMinusAlphaBar(t), 0
	case PaneWrongSum:
		return s.SqrtAlphaBar(t), s.WrongSumStd(t), 0
	case PaneX0:
		return 1, 0, 0
	case PaneZScore:
		st := e.X0Stats()
		if st.Std == 0 {
			return 0, 0, 0
		}
		return 1 / st.Std, 0, -st.Mean / st.Std
	}
	return s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t), 0
}

// X0Stats summarises x_0, cached per picture.
func (e *Engine) X0Stats() diffusion.Stats {
	c := e.inst()
	if c.statsOf != e.x0 {
		c.x0Stats = diffusion.Summarize(e.x0.Pix)
		c.statsOf = e.x0
	}
	return c.x0Stats
}

// Instruments computes the histogram instrument's numbers at the current t
// for pane only of the current comparison, or for every pane if only < 0
// (or beyond the last pane). One pane's numbers take one pass over the
// sampled values: the page asks for one pane per refresh, in turn, so that
// no refresh holds up a frame.
func (e *Engine) Instruments(only int) InstrumentReport {
	t, s := e.state.Step, e.sched
	c := e.inst()
	stride := SampleStride(len(e.x0.Pix))
	r := InstrumentReport{
		Step: t, T: s.T, Stride: stride, Lo: HistLo, Hi: HistHi, Bins: HistBins,
		Normal:   jsFloats(NormalBins(HistLo, HistHi, HistBins)),
		AlphaBar: JSFloat(s.AlphaBar[t]), RightStd: JSFloat(s.SqrtOneMinusAlphaBar(t)),
		WrongSumStd: JSFloat(s.WrongSumStd(t)), ResidualSignal: JSFloat(s.SqrtAlphaBar(s.T)),
		KL: JSFloat(e.KL()),
	}
	levels := e.x0Levels()
	r.Kinds = e.state.PaneKinds()
	for i, kind := range r.Kinds {
		if only >= 0 && only < len(r.Kinds) && i != only {
			continue
		}
		c.sample = e.paneValues(kind, c.sample, stride)
		st := diffusion.Summarize(c.sample)
		h := diffusion.NewHistogram(c.sample, HistLo, HistHi, HistBins)
		dens := make([]JSFloat, HistBins)
		inside := 0
		for i := range dens {
			dens[i] = JSFloat(h.Density(i))
			inside += h.Counts[i]
		}
		a, b, cc := e.paneLaw(kind)
		p := PaneStats{
			Index: i, Kind: kind, N: st.N, Mean: JSFloat(st.Mean), Std: JSFloat(st.Std), KS: JSFloat(st.KS),
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

func jsFloats(x []float64) []JSFloat {
	out := make([]JSFloat, len(x))
	for i, v := range x {
		out[i] = JSFloat(v)
	}
	return out
}

// SpectrumTile is the largest tile side of the frequency view: the central
// square of side min(128, W, H) rounded down to a power of two.
const SpectrumTile = 128

// SpectrumReport is the frequency view (core function spectrum()): radially
// averaged power spectra (diffusion.PowerSpectrum, Hann window, averaged
// over the three channels) of the central tile of x_t, of x_0, and of the
// noise in x_t, x_t − √ᾱ_t x_0, at frequencies k/n cycles per pixel.
type SpectrumReport struct {
	Step  int       `json:"t"`
	N     int       `json:"n"`    // tile side
	Freq  []JSFloat `json:"freq"` // k/n, k = 1..n/2 (frequency 0 left out: log axes)
	Xt    []JSFloat `json:"xt"`
	X0    []JSFloat `json:"x0"`
	Noise []JSFloat `json:"noise"`
	// SignalShare is ᾱ_t times the spectrum of x_0: the picture's part of
	// x_t's power. NoiseLevel is 1 − ᾱ_t, the flat level of the noise.
	SignalShare []JSFloat `json:"signalShare"`
	NoiseLevel  JSFloat   `json:"noiseLevel"`
	// Drowned is the lowest frequency above which the picture's share stays
	// under the noise level (fine detail is drowned), or null if none is.
	Drowned JSFloat `json:"drowned"`
}

// spectrumTile returns the tile side for a w×h picture.
func spectrumTile(w, h int) int {
	m := min(SpectrumTile, w, h)
	n := 1
	for n*2 <= m {
		n *= 2
	}
	return max(n, 2)
}

// spectrumCoeffs are the three channels' DFT coefficients of the central
// tile of planar pix (w×h).
func (c *instrumentCache) spectrumCoeffs(dst *[3][]complex128, pix []float32, w, h int) {
	n := c.spectrum.N()
	off := (h-n)/2*w + (w-n)/2
	for ch := 0; ch < 3; ch++ {
		dst[ch] = c.spectrum.Coefficients(dst[ch], pix, ch*w*h+off, w)
	}
}

// radial averages over the channels the radial spectra of a·X + b·Y.
func (c *instrumentCache) radial(a float64, x *[3][]complex128, b float64, y *[3][]complex128) []float64 {
	out := make([]float64, c.spectrum.Bins())
	for ch := 0; ch < 3; ch++ {
		var ych []complex128
		if y != nil {
			ych = y[ch]
		}
		c.specScrat = c.spectrum.RadialOf(c.specScrat, a, x[ch], b, ych)
		for k, v := range c.specScrat {
			out[k] += v / 3
		}
	}
	return out
}

// Spectrum computes the frequency view at the current t. The DFT is
// linear, so in closed form the spectra of x_t = a·x_0 + b·ε and of its
// noise b·ε come from the coefficients of x_0 and ε, transformed once per
// picture and seed; the Markov chain's noise is transformed at every call.
func (e *Engine) Spectrum() SpectrumReport {
	c := e.inst()
	w, h := e.x0.W, e.x0.H
	n := spectrumTile(w, h)
	if c.spectrum == nil || c.spectrum.N() != n {
		c.spectrum = diffusion.NewPowerSpectrum(n, true)
		c.specOf = paneOwner{}
	}
	owner := paneOwner{e.x0, e.state.Seed}
	if c.specOf != owner {
		c.spectrumCoeffs(&c.coefX0, e.x0.Pix, w, h)
		c.spectrumCoeffs(&c.coefEps, e.closedFormEps(), w, h)
		c.specX0 = c.radial(1, &c.coefX0, 0, nil)
		c.specOf = owner
	}
	t, s := e.state.Step, e.sched
	a, b := s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t)
	var specXt, specNoise []float64
	if e.state.Mode == Markov {
		// The noise in x_t, x_t − √ᾱ_t·x_0, on the tile.
		xt := e.Xt()
		if len(c.specNoise) != len(xt) {
			c.specNoise = make([]float32, len(xt))
		}
		fa := float32(a)
		off := (h-n)/2*w + (w-n)/2
		for ch := 0; ch < 3; ch++ {
			for y := 0; y < n; y++ {
				i0 := ch*w*h + off + y*w
				for i := i0; i < i0+n; i++ {
					c.specNoise[i] = xt[i] - float32(fa*e.x0.Pix[i])
				}
			}
		}
		c.spectrumCoeffs(&c.coefNoise, c.specNoise, w, h)
		specXt = c.radial(a, &c.coefX0, 1, &c.coefNoise)
		specNoise = c.radial(1, &c.coefNoise, 0, nil)
	} else {
		specXt = c.radial(a, &c.coefX0, b, &c.coefEps)
		specNoise = c.radial(b, &c.coefEps, 0, nil)
	}
	ab := s.AlphaBar[t]
	level := s.OneMinusAlphaBar(t)
	r := SpectrumReport{Step: t, N: n, NoiseLevel: JSFloat(level)}
	for k := 1; k <= n/2; k++ {
		r.Freq = append(r.Freq, JSFloat(float64(k)/float64(n)))
		r.Xt = append(r.Xt, JSFloat(specXt[k]))
		r.X0 = append(r.X0, JSFloat(c.specX0[k]))
		r.Noise = append(r.Noise, JSFloat(specNoise[k]))
		r.SignalShare = append(r.SignalShare, JSFloat(ab*c.specX0[k]))
	}
	r.Drowned = JSFloat(DrownedFrequency(r.Freq, r.SignalShare, level))
	return r
}

// DrownedFrequency returns the lowest frequency f_k such that the signal's
// power stays below level at f_k and every higher frequency, or NaN if the
// signal is above level at the highest frequency (nothing drowned), or if
// level is 0.
func DrownedFrequency(freq, signal []JSFloat, level float64) float64 {
	if level <= 0 || len(freq) == 0 {
		return math.NaN()
	}
	k := len(signal)
	for k > 0 && float64(signal[k-1]) < level {
		k--
	}
	if k == len(signal) {
		return math.NaN()
	}
	return float64(freq[k])
}

// StripFrames is the snapshot strip (core function strip()): x_t at Count
// evenly spaced t from 0 to T, as in the figures of Ho et al. 2020, each a
// W×H thumbnail.
type StripFrames struct {
	Steps []int  `json:"steps"`
	W     int    `json:"w"`
	H     int    `json:"h"`
	RGBA  []byte `json:"rgba"` // Count frames of W·H·4 bytes, one after the other (base64 in JSON)
}

// StripThumb is the longer side of a strip thumbnail, in pixels.
const StripThumb = 96

// SnapshotStrip returns x_t at t_k = round(k·T/(count−1)), k = 0..count−1
// (FrameSteps), for the current picture, seed, schedule and mode. A thumbnail's pixels are the
// picture's own pixels, sampled (nearest neighbour, no averaging, so the
// noise keeps its grain): in closed form they are exactly the pixels of the
// full picture at those t. The Markov chain cannot be read at a subset of
// pixels, so its strip runs a chain of its own on the sampled x_0 with the
// same seed: the same law and the same picture, other noise.
func (e *Engine) SnapshotStrip(count int) StripFrames {
	count = min(max(count, 2), 32)
	w, h := e.x0.W, e.x0.H
	step := max(1, (max(w, h)+StripThumb-1)/StripThumb)
	tw, th := (w+step-1)/step, (h+step-1)/step
	idx := make([]int, 0, 3*tw*th) // planar indices of the sampled pixels
	for ch := 0; ch < 3; ch++ {
		for y := 0; y < th; y++ {
			for x := 0; x < tw; x++ {
				idx = append(idx, ch*w*h+y*step*w+x*step)
			}
		}
	}
	x0 := make([]float32, len(idx))
	for k, i := range idx {
		x0[k] = e.x0.Pix[i]
	}
	sf := StripFrames{W: tw, H: th, RGBA: make([]byte, count*tw*th*4)}
	xt := make([]float32, len(idx))
	var traj *diffusion.Trajectory
	if e.state.Mode == Markov {
		traj = diffusion.NewTrajectory(e.sched, x0, uint64(e.state.Seed))
	}
	s := e.sched
	sf.Steps = FrameSteps(s.T, count) // the steps of the exported strip too
	for k, t := range sf.Steps {
		if traj != nil {
			traj.At(t, xt)
		} else {
			eps := e.closedFormEps()
			a, b := float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t))
			for j, i := range idx {
				xt[j] = float32(a*e.x0.Pix[i]) + float32(b*eps[i])
			}
		}
		diffusion.ToRGBA(sf.RGBA[k*tw*th*4:(k+1)*tw*th*4], xt)
	}
	return sf
}

// ScheduleCurve is one schedule's curves for the plots.
type ScheduleCurve struct {
	Name                 string    `json:"name"`
	Step                 []int     `json:"t"`
	AlphaBar             []JSFloat `json:"alphaBar"`
	SqrtAlphaBar         []JSFloat `json:"sqrtAlphaBar"`
	SqrtOneMinusAlphaBar []JSFloat `json:"sqrtOneMinusAlphaBar"`
	Beta                 []JSFloat `json:"beta"`
	LogSNR               []JSFloat `json:"logSNR"`
	// Crossing is the fractional t where √ᾱ_t = √(1 − ᾱ_t) (ᾱ_t = ½), or
	// null if ᾱ never falls to ½.
	Crossing  JSFloat `json:"crossing"`
	AlphaBarT JSFloat `json:"alphaBarT"` // ᾱ_T
}

// CurvePoints is the most points a curve has: schedules with a larger T are
// sampled at evenly spaced t (always including 0 and T).
const CurvePoints = 1001

// ScheduleCurves returns the curves of every schedule (diffusion.ScheduleNames
// order) with the state's T, β range and zero-terminal-SNR flag, the
// state's own schedule first.
func (e *Engine) ScheduleCurves() []ScheduleCurve {
	cfg := e.state.Config()
	names := []string{cfg.Schedule}
	for _, n := range diffusion.ScheduleNames() {
		if n != cfg.Schedule {
			names = append(names, n)
		}
	}
	var out []ScheduleCurve
	for _, name := range names {
		c := cfg
		c.Schedule = name
		s := e.sched
		if name != cfg.Schedule {
			var err error
			if s, err = diffusion.NewSchedule(c); err != nil {
				continue
			}
		}
		out = append(out, Curve(s))
	}
	return out
}

// Curve samples one schedule's curves at up to CurvePoints steps.
func Curve(s *diffusion.Schedule) ScheduleCurve {
	c := ScheduleCurve{Name: s.Schedule, Crossing: JSFloat(s.SignalNoiseCrossing()), AlphaBarT: JSFloat(s.AlphaBar[s.T])}
	points := min(s.T+1, CurvePoints)
	last := -1
	for k := 0; k < points; k++ {
		t := k
		if points < s.T+1 {
			t = int(math.Round(float64(k) * float64(s.T) / float64(points-1)))
		}
		if t == last {
			continue
		}
		last = t
		c.Step = append(c.Step, t)
		c.AlphaBar = append(c.AlphaBar, JSFloat(s.AlphaBar[t]))
		c.SqrtAlphaBar = append(c.SqrtAlphaBar, JSFloat(s.SqrtAlphaBar(t)))
		c.SqrtOneMinusAlphaBar = append(c.SqrtOneMinusAlphaBar, JSFloat(s.SqrtOneMinusAlphaBar(t)))
		c.Beta = append(c.Beta, JSFloat(s.Beta[t]))
		c.LogSNR = append(c.LogSNR, JSFloat(s.LogSNR(t)))
	}
	return c
}
