package reverse

import (
	"fmt"
	"math"

	"dissolve/diffusion"
)

// Method is the reverse-process sampler.
type Method int

const (
	// DDPM is ancestral sampling (Ho et al. 2020, Algorithm 2): every step
	// t → t−1 draws x_{t−1} ~ N(μ̃_t(x_t, x̂_0), σ_t²·I).
	DDPM Method = iota
	// DDIM is the non-Markovian sampler of Song et al. 2021 (eq. 12) over a
	// subsequence of S steps; η = 0 makes it deterministic.
	DDIM
)

// Variance is DDPM's choice of σ_t² (Ho et al. 2020, §3.2): both are optimal
// for an extreme of the data distribution.
type Variance int

const (
	// Small is σ_t² = β̃_t, the posterior variance ("fixed small"), optimal
	// when x_0 is a single point.
	Small Variance = iota
	// Large is σ_t² = β_t ("fixed large"), optimal for x_0 ~ N(0, I).
	Large
)

// Config is a sampler's settings; with the seed it fixes every bit of a
// sample.
type Config struct {
	Method   Method
	Variance Variance // DDPM only
	Eta      float64  // DDIM only, in [0, 1]
	Steps    int      // DDIM only, S in 1..T; DDPM always takes T steps
	Spacing  Spacing  // DDIM only
	// Clip clamps x̂_0 into [−1, 1] before it is used (diffusers'
	// clip_sample). ε̂ is taken from the unclipped x̂_0, as diffusers does by
	// default (use_clipped_model_output = False).
	Clip bool
}

// Sampler runs the reverse process from x_T ~ N(0, I) to x_0 with a
// Denoiser. The randomness is counter-based (diffusion.Noise): x_T is stream
// PriorStream of Noise{seed} and the fresh noise z of the step leaving t is
// stream StepStream(t), so the same (seed, settings) give the same bits,
// natively and in WebAssembly, in any order of computation.
type Sampler struct {
	Schedule  *diffusion.Schedule
	Posterior *Posterior
	Denoiser  Denoiser
	Config

	ts  []int // the steps visited, from the noisiest; the run ends at t = 0
	eps []float32
	z   []float32
}

// PriorStream is the noise stream of x_T; StepStream(t) is that of the fresh
// noise z drawn when leaving step t. Both keep clear of the streams the
// forward process uses (small numbers and diffusion.TrajectoryStream's 2³²+t).
const PriorStream = 3 << 32

// StepStream returns the noise stream of step t's fresh noise.
func StepStream(t int) uint64 { return PriorStream + 1 + uint64(t) }

// NewSampler checks c against the schedule and returns a sampler.
func NewSampler(s *diffusion.Schedule, d Denoiser, c Config) (*Sampler, error) {
	sp := &Sampler{Schedule: s, Posterior: NewPosterior(s), Denoiser: d, Config: c}
	switch c.Method {
	case DDPM:
		if c.Variance != Small && c.Variance != Large {
			return nil, fmt.Errorf("variance must be small or large, got %d", int(c.Variance))
		}
		sp.ts = make([]int, s.T)
		for i := range sp.ts {
			sp.ts[i] = s.T - i
		}
	case DDIM:
		if !(c.Eta >= 0 && c.Eta <= 1) {
			return nil, fmt.Errorf("eta must be a number in 0..1, got %v", c.Eta)
		}
		ts, err := Timesteps(s.T, c.Steps, c.Spacing, 0)
		if err != nil {
			return nil, err
		}
		sp.ts = ts
	default:
		return nil, fmt.Errorf("sampler must be ddpm or ddim, got %d", int(c.Method))
	}
	return sp, nil
}

// Timesteps returns the steps the sampler visits, noisiest first; after the
// last it goes to t = 0. Do not modify.
func (sp *Sampler) Timesteps() []int { return sp.ts }

// Prior writes x_T ~ N(0, I) for seed into x.
func (sp *Sampler) Prior(x []float32, seed uint64) {
	diffusion.Noise{Seed: seed}.Fill(x, PriorStream)
}

// Step takes x from step Timesteps()[i] to the next (t = 0 after the last)
// in place. It writes the denoiser's x̂_0 (clipped if Clip) into x0.
func (sp *Sampler) Step(x, x0 []float32, i int, seed uint64) {
	sp.Denoiser.Denoise(x0, x, sp.ts[i])
	sp.update(x, x0, i, seed)
}

// update moves x from step Timesteps()[i] to the next given the
// denoiser's x̂_0 in x0 (clipped in place if Clip).
func (sp *Sampler) update(x, x0 []float32, i int, seed uint64) {
	t := sp.ts[i]
	prev := 0
	if i+1 < len(sp.ts) {
		prev = sp.ts[i+1]
	}
	if len(sp.eps) != len(x) {
		sp.eps = make([]float32, len(x))
		sp.z = make([]float32, len(x))
	}
	switch sp.Method {
	case DDPM:
		if sp.Clip {
			Clip(x0)
		}
		sd := 0.0
		if t > 1 {
			sd = math.Sqrt(sp.Posterior.Var[t])
			if sp.Variance == Large {
				sd = math.Sqrt(sp.Schedule.Beta[t])
			}
			diffusion.Noise{Seed: seed}.Fill(sp.z, StepStream(t))
		}
		DDPMUpdate(x, x0, x, sp.Posterior.C0[t], sp.Posterior.Ct[t], sd, sp.z)
	case DDIM:
		a, b := sp.Schedule.SqrtAlphaBar(t), sp.Schedule.SqrtOneMinusAlphaBar(t)
		EpsFromX0(sp.eps, x, x0, a, b)
		if sp.Clip {
			Clip(x0)
		}
		sigma := DDIMSigma(sp.Schedule, t, prev, sp.Eta)
		if sigma > 0 {
			diffusion.Noise{Seed: seed}.Fill(sp.z, StepStream(t))
		}
		DDIMUpdate(x, x0, sp.eps, sp.Schedule.AlphaBar[prev], sp.Schedule.OneMinusAlphaBar(prev), sigma, sp.z)
	}
}

// BatchDenoiser is a Denoiser that can denoise several x_t at one step
// together, faster than one by one, with the same bits as Denoise.
type BatchDenoiser interface {
	Denoiser
	DenoiseBatch(dst, xt [][]float32, t int)
}

// SampleBatch runs one reverse process per seed, in lockstep, and writes
// each x_0 into xs (one slice per seed): the same bits as Sample for each
// seed, with the denoiser called once per step for the whole batch when it
// is a BatchDenoiser (a 4×4 grid of samples).
func (sp *Sampler) SampleBatch(xs [][]float32, seeds []uint64) {
	x0s := make([][]float32, len(xs))
	for k, x := range xs {
		sp.Prior(x, seeds[k])
		x0s[k] = make([]float32, len(x))
	}
	bd, batch := sp.Denoiser.(BatchDenoiser)
	for i, t := range sp.ts {
		if batch {
			bd.DenoiseBatch(x0s, xs, t)
		} else {
			for k, x := range xs {
				sp.Denoiser.Denoise(x0s[k], x, t)
			}
		}
		for k, x := range xs {
			sp.update(x, x0s[k], i, seeds[k])
		}
	}
}

// Sample runs the whole reverse process for seed and writes x_0 into x. If
// visit is not nil it is called first for x_T (i = −1, t = Timesteps()[0],
// x0 nil) and then after each step i with the step t it reached (0 after the
// last), x and the x̂_0 that step used. x and x0 are reused: copy them to keep
// them.
func (sp *Sampler) Sample(x []float32, seed uint64, visit func(i, t int, x, x0 []float32)) {
	sp.Prior(x, seed)
	if visit != nil {
		visit(-1, sp.ts[0], x, nil)
	}
	x0 := make([]float32, len(x))
	for i := range sp.ts {
		sp.Step(x, x0, i, seed)
		if visit != nil {
			next := 0
			if i+1 < len(sp.ts) {
				next = sp.ts[i+1]
			}
			visit(i, next, x, x0)
		}
	}
}

// DDPMUpdate writes one ancestral step (Ho et al. 2020, Algorithm 2, with
// μ̃ written through x̂_0 as in their eq. 7):
//
//	x_{t−1} = c0·x̂_0 + ct·x_t + sd·z
//
// into dst, with c0, ct the posterior mean's coefficients (Posterior) and
// sd = σ_t (0 at t = 1: z is then not read). dst may alias xt or x0.
func DDPMUpdate(dst, x0, xt []float32, c0, ct, sd float64, z []float32) {
	f0, ft, fs := float32(c0), float32(ct), float32(sd)
	if sd == 0 {
		for i := range dst {
			dst[i] = float32(f0*x0[i]) + float32(ft*xt[i])
		}
		return
	}
	for i := range dst {
		dst[i] = float32(float32(f0*x0[i])+float32(ft*xt[i])) + float32(fs*z[i])
	}
}

// DDIMSigma returns DDIM's σ for the step t → prev (Song et al. 2021,
// eq. 16):
//
//	σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev)
//
// with 1 − ᾱ_t/ᾱ_prev = 1 − α_{prev+1}⋯α_t computed without cancellation.
// η = 1 with prev = t − 1 gives σ² = β̃_t, DDPM's "fixed small".
func DDIMSigma(s *diffusion.Schedule, t, prev int, eta float64) float64 {
	if eta == 0 {
		return 0
	}
	_, jb := s.JumpCoef(prev, t) // jb² = 1 − ᾱ_t/ᾱ_prev
	return eta * math.Sqrt(s.OneMinusAlphaBar(prev)/s.OneMinusAlphaBar(t)) * jb
}

// DDIMUpdate writes one DDIM step (Song et al. 2021, eq. 12):
//
//	x_prev = √ᾱ_prev·x̂_0 + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z
//
// into dst, given ᾱ_prev and 1 − ᾱ_prev (passed separately to keep its
// precision). The middle coefficient is clamped at 0 against rounding.
// z is read only when σ > 0. dst may alias any input.
func DDIMUpdate(dst, x0, eps []float32, abPrev, oneMinusPrev, sigma float64, z []float32) {
	fa := float32(math.Sqrt(abPrev))
	fe := float32(math.Sqrt(math.Max(oneMinusPrev-sigma*sigma, 0)))
	if sigma == 0 {
		for i := range dst {
			dst[i] = float32(fa*x0[i]) + float32(fe*eps[i])
		}
		return
	}
	fs := float32(sigma)
	for i := range dst {
		dst[i] = float32(float32(fa*x0[i])+float32(fe*eps[i])) + float32(fs*z[i])
	}
}
