package reverse

import (
	"math"

	"dissolve/diffusion"
)

// Posterior holds, per step t, the coefficients of the forward process's
// posterior (Ho et al. 2020, eqs. 6–7)
//
//	q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t·I)
//	μ̃_t = C0[t]·x_0 + Ct[t]·x_t
//	C0[t] = √ᾱ_{t−1}·β_t/(1 − ᾱ_t)
//	Ct[t] = √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)
//	Var[t] = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t
//
// Tables have length T+1 and are indexed by t like diffusion.Schedule's;
// index 0 is unused (it holds C0 = 1, Ct = 0, Var = 0, the identity).
//
// Every entry is finite for every schedule. The only step where 1 − ᾱ_t
// vanishes is t = 0 (ᾱ_0 = 1), which has no posterior. At t = 1, ᾱ_0 = 1
// gives C0 = 1, Ct = 0, β̃_1 = 0: the last step returns x̂_0 itself. Under
// zero terminal SNR (ᾱ_T = 0, β_T = 1, α_T = 0) the last row is C0 = √ᾱ_{T−1},
// Ct = 0, β̃_T = 1 − ᾱ_{T−1}: x_T carries no information about x_0, so
// μ̃_T does not depend on it. 1 − ᾱ_t is the schedule's cancellation-free
// value (diffusion.Schedule.OneMinusAlphaBar), so tiny β_t keep full relative
// precision.
type Posterior struct {
	C0, Ct, Var []float64
	// LogVar[t] = ln β̃_t, clipped as in Ho et al.'s code: at t = 1, where
	// β̃_1 = 0, it holds ln β̃_2 (the "log variance clipped" table), so it is
	// finite everywhere (T = 1: ln β_1).
	LogVar []float64
}

// NewPosterior computes the posterior tables of s.
func NewPosterior(s *diffusion.Schedule) *Posterior {
	T := s.T
	p := &Posterior{
		C0:     make([]float64, T+1),
		Ct:     make([]float64, T+1),
		Var:    make([]float64, T+1),
		LogVar: make([]float64, T+1),
	}
	p.C0[0] = 1
	for t := 1; t <= T; t++ {
		p.C0[t], p.Ct[t] = s.PosteriorMeanCoef(t)
		p.Var[t] = s.PosteriorVariance(t)
	}
	for t := 1; t <= T; t++ {
		switch {
		case t > 1:
			p.LogVar[t] = math.Log(p.Var[t])
		case T > 1:
			p.LogVar[t] = math.Log(p.Var[2])
		default:
			p.LogVar[t] = math.Log(s.Beta[1])
		}
	}
	return p
}

// Mean writes μ̃_t = C0[t]·x0 + Ct[t]·xt into dst (all of one length; dst
// may be xt or x0).
func (p *Posterior) Mean(dst, x0, xt []float32, t int) {
	c0, ct := float32(p.C0[t]), float32(p.Ct[t])
	for i := range dst {
		dst[i] = float32(c0*x0[i]) + float32(ct*xt[i])
	}
}
