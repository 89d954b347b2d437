package app

import (
	"math"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// The reverse direction's instruments: the histogram of the run's x_t
// against N(0, 1) at the cursor, and the step the sampler takes there with
// its numbers (the formulas).

// ReverseHistogram is the histogram instrument in the reverse direction
// (core function reverseHistogram()): the numbers of the run's x_t at the
// cursor, every one of them, binned over [HistLo, HistHi) in HistBins bins
// as the forward histogram bins x_t, against N(0, 1). Its N, Mean, Std and
// KS are ReverseRun.Stats's, from the same pass over the same frame, so
// the histogram, its readouts and window.ddpm.stats() agree.
type ReverseHistogram struct {
	Step    int       `json:"t"`
	Visited int       `json:"visited"` // the step of the frame shown (ReverseStats.Visited)
	N       int       `json:"n"`
	Lo      float64   `json:"lo"`
	Hi      float64   `json:"hi"`
	Bins    int       `json:"bins"`
	Counts  []int     `json:"counts"`  // numbers in each bin: [lo + i·w, lo + (i+1)·w), w = (hi − lo)/bins
	Density []JSFloat `json:"density"` // Counts[i]/(N·w)
	Normal  []JSFloat `json:"normal"`  // N(0, 1), bin mass over w
	Outside JSFloat   `json:"outside"` // share of the numbers outside [lo, hi)
	Mean    JSFloat   `json:"mean"`
	Std     JSFloat   `json:"std"`
	KS      JSFloat   `json:"ks"` // binned KS distance to N(0, 1) (diffusion.Summarize)
}

// Histogram returns the histogram of x_t at cursor t (the frame FrameAt(t)).
func (r *ReverseRun) Histogram(t int) ReverseHistogram {
	d := r.W * r.H * r.C
	k := r.FrameAt(t)
	x := r.XT[k*d : (k+1)*d]
	st := diffusion.Summarize(x)
	h := diffusion.NewHistogram(x, HistLo, HistHi, HistBins)
	out := ReverseHistogram{
		Step: t, Visited: r.StepOf(k), N: st.N, Lo: HistLo, Hi: HistHi, Bins: HistBins,
		Counts: h.Counts, Density: make([]JSFloat, HistBins), Normal: jsFloats(NormalBins(HistLo, HistHi, HistBins)),
		Mean: JSFloat(st.Mean), Std: JSFloat(st.Std), KS: JSFloat(st.KS),
	}
	inside := 0
	for i, c := range h.Counts {
		out.Density[i] = JSFloat(h.Density(i))
		inside += c
	}
	if st.N > 0 {
		out.Outside = JSFloat(float64(st.N-inside) / float64(st.N))
	}
	return out
}

// ReverseStep is the step the reverse sampler takes at the cursor (core
// function reverseStep(), window.ddpm.reverseStep()): from the visited step
// From to the next visited step To, with the numbers of its formula.
//
// DDPM (Ho et al. 2020, Algorithm 2; To = From − 1):
//
//	x_{t−1} = μ̃_t + σ_t·z,  μ̃_t = C0·x̂_0 + Ct·x_t
//	C0 = √ᾱ_{t−1}·β_t/(1 − ᾱ_t),  Ct = √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)
//	σ_t² = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t ("small") or β_t ("large"); 0 at t = 1
//
// DDIM (Song et al. 2021, eq. 12; t' = To):
//
//	x_{t'} = √ᾱ_{t'}·x̂_0 + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z,  ε̂ = (x_t − √ᾱ_t·x̂_0)/√(1 − ᾱ_t)
//	σ = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'})
//
// The numbers are the sampler's own: reverse.Posterior's tables,
// reverse.DDIMSigma and the steps reverse.NewSampler visits. Fields that do
// not apply to the sampler are NaN (null in JSON).
type ReverseStep struct {
	Step     int     `json:"t"`    // the cursor
	From     int     `json:"from"` // the smallest visited step ≥ max(t, 1): at t = 0 the last step, which made x_0
	To       int     `json:"to"`   // the next visited step (0 after the last)
	Sampler  string  `json:"sampler"`
	Variance string  `json:"variance"` // DDPM's choice of σ_t²
	Eta      JSFloat `json:"eta"`      // DDIM's η
	Steps    int     `json:"steps"`    // how many steps the sampler takes (T for DDPM)

	Beta       JSFloat `json:"beta"`       // β_From
	AlphaBar   JSFloat `json:"alphaBar"`   // ᾱ_From
	AlphaBarTo JSFloat `json:"alphaBarTo"` // ᾱ_To
	// SqrtAlphaBar and SqrtOneMinusAlphaBar are √ᾱ_From and √(1 − ᾱ_From),
	// ε̂'s coefficients.
	SqrtAlphaBar         JSFloat `json:"sqrtAlphaBar"`
	SqrtOneMinusAlphaBar JSFloat `json:"sqrtOneMinusAlphaBar"`

	C0                JSFloat `json:"c0"`                // DDPM: μ̃'s coefficient of x̂_0
	Ct                JSFloat `json:"ct"`                // DDPM: μ̃'s coefficient of x_t
	PosteriorVariance JSFloat `json:"posteriorVariance"` // β̃_From
	CoefX0            JSFloat `json:"coefX0"`            // DDIM: √ᾱ_{t'}
	CoefEps           JSFloat `json:"coefEps"`           // DDIM: √(1 − ᾱ_{t'} − σ²), clamped at 0
	Sigma2            JSFloat `json:"sigma2"`            // σ² of the fresh noise z
	Sigma             JSFloat `json:"sigma"`             // σ
}

// ReverseStepAt returns the step the sampler of state s takes at its
// cursor on schedule sched (which must be s's).
func ReverseStepAt(s State, sched *diffusion.Schedule) (ReverseStep, error) {
	cfg := s.SamplerConfig()
	sp, err := reverse.NewSampler(sched, nil, cfg)
	if err != nil {
		return ReverseStep{}, err
	}
	ts := sp.Timesteps()
	// The smallest visited step ≥ max(t, 1), and the one after it.
	i := 0
	for k, v := range ts {
		if v >= max(s.Step, 1) {
			i = k
		}
	}
	from, to := ts[i], 0
	if i+1 < len(ts) {
		to = ts[i+1]
	}
	nan := JSFloat(math.NaN())
	st := ReverseStep{
		Step: s.Step, From: from, To: to, Sampler: s.Sampler, Variance: s.Variance, Eta: nan, Steps: len(ts),
		Beta: JSFloat(sched.Beta[from]), AlphaBar: JSFloat(sched.AlphaBar[from]), AlphaBarTo: JSFloat(sched.AlphaBar[to]),
		SqrtAlphaBar: JSFloat(sched.SqrtAlphaBar(from)), SqrtOneMinusAlphaBar: JSFloat(sched.SqrtOneMinusAlphaBar(from)),
		C0: nan, Ct: nan, PosteriorVariance: JSFloat(sp.Posterior.Var[from]), CoefX0: nan, CoefEps: nan,
	}
	switch cfg.Method {
	case reverse.DDPM:
		st.Eta = nan
		st.C0, st.Ct = JSFloat(sp.Posterior.C0[from]), JSFloat(sp.Posterior.Ct[from])
		v := 0.0 // the last step adds no noise (Sampler: sd = 0 at t = 1)
		if from > 1 {
			v = sp.Posterior.Var[from]
			if cfg.Variance == reverse.Large {
				v = sched.Beta[from]
			}
		}
		st.Sigma2, st.Sigma = JSFloat(v), JSFloat(math.Sqrt(v))
	case reverse.DDIM:
		st.Variance = ""
		st.Eta = JSFloat(cfg.Eta)
		sigma := reverse.DDIMSigma(sched, from, to, cfg.Eta)
		st.Sigma, st.Sigma2 = JSFloat(sigma), JSFloat(sigma*sigma)
		st.CoefX0 = JSFloat(math.Sqrt(sched.AlphaBar[to]))
		// As reverse.DDIMUpdate: 1 − ᾱ_{t'} from the schedule, less σ².
		st.CoefEps = JSFloat(math.Sqrt(max(sched.OneMinusAlphaBar(to)-sigma*sigma, 0)))
	}
	return st, nil
}

// ReverseStep is ReverseStepAt for the engine's state.
func (e *Engine) ReverseStep() (ReverseStep, error) { return ReverseStepAt(e.state, e.in.sched) }
