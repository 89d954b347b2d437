package reverse

import (
	"math"

	"dissolve/diffusion"
)

// The loss. DDPM trains ε̂ by the "simple" objective (Ho et al. 2020, eq. 14)
//
//	L_simple(t) = E_{x_0, ε} ‖ε − ε̂(x_t, t)‖²/D,  x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε
//
// With ε̂ taken from a denoiser's x̂_0 (EpsFromX0), ε − ε̂ = √ᾱ_t(x̂_0 − x_0)/√(1 − ᾱ_t),
// so L_simple(t) = SNR_t·E‖x̂_0 − x_0‖²/D: the x̂_0 error weighted by the
// signal-to-noise ratio. Over x_0 uniform on a training set X, the Ideal
// denoiser minimises it at every t: no network can go below its training
// loss on X. On held-out images its loss is higher; that gap is
// memorisation. (At t = 1 the Oracle's loss is exactly 0.)
//
// The variational bound (Ho et al. 2020, eq. 5) sums, for t ≥ 2,
//
//	L_{t−1} = KL(q(x_{t−1} | x_t, x_0) ‖ p(x_{t−1} | x_t)),  p = N(μ̃_t(x_t, x̂_0), σ_t²·I)
//	        = ½[D·(β̃_t/σ_t² − 1 − ln(β̃_t/σ_t²)) + C0_t²·‖x_0 − x̂_0‖²/σ_t²]
//
// (two Gaussians; their means differ by C0_t·(x_0 − x̂_0)), and at t = 1 the
// decoder's −ln p(x_0 | x_1), a Gaussian discretised to the 256 byte levels
// (Ho et al. 2020, eq. 13).

// LossEstimate is a Monte Carlo estimate: the mean over M draws and its
// standard error (sample standard deviation/√M).
type LossEstimate struct {
	T            int
	Mean, StdErr float64
	M            int
}

// LossStream returns the noise stream of ε for draw k of a loss estimate at
// step t. Streams are shared by every denoiser (common random numbers), so
// differences between denoisers are measured on the same x_t.
func LossStream(t, k int) uint64 { return 5<<32 + uint64(t)<<20 + uint64(k) }

// lossDraws evaluates the per-draw losses at step t on m images of set
// (image k·N/m for draw k, all N if m ≥ N), with ε from Noise{seed}. For each
// draw it calls f with x_0, x̂_0 and returns the values f gives.
func lossDraws(s *diffusion.Schedule, den Denoiser, set *Dataset, t, m int, seed uint64,
	f func(x0, x0hat []float32) float64) []float64 {
	m = min(max(m, 1), set.Len())
	D := set.Dim()
	x0, eps, xt, hat := make([]float32, D), make([]float32, D), make([]float32, D), make([]float32, D)
	a, b := float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t))
	out := make([]float64, m)
	for k := range m {
		set.Image(x0, k*set.Len()/m)
		diffusion.Noise{Seed: seed}.Fill(eps, LossStream(t, k))
		for i := range xt {
			xt[i] = float32(a*x0[i]) + float32(b*eps[i])
		}
		den.Denoise(hat, xt, t)
		out[k] = f(x0, hat)
	}
	return out
}

func estimate(t int, v []float64) LossEstimate {
	var mean float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	se := 0.0
	if len(v) > 1 {
		se = math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
	}
	return LossEstimate{T: t, Mean: mean, StdErr: se, M: len(v)}
}

func sqDiff(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += float64(d * d)
	}
	return s
}

// SimpleLoss estimates L_simple(t) for den on m images of set (see
// lossDraws for which images and which noise).
func SimpleLoss(s *diffusion.Schedule, den Denoiser, set *Dataset, t, m int, seed uint64) LossEstimate {
	snr := s.SNR(t)
	D := float64(set.Dim())
	return estimate(t, lossDraws(s, den, set, t, m, seed, func(x0, hat []float32) float64 {
		return snr * sqDiff(x0, hat) / D
	}))
}

// VLBTerm estimates the variational bound's term at step t per dimension,
// in nats: L_{t−1} for t ≥ 2 with σ_t² = β̃_t (Small) or β_t (Large), and
// the decoder's −ln p(x_0 | x_1)/D at t = 1 with σ_1² = β̃_2 (Small, the
// clipped log-variance of Ho et al.'s code) or β_1 (Large). set's images
// are on the byte grid, as the decoder requires.
func VLBTerm(s *diffusion.Schedule, p *Posterior, den Denoiser, v Variance, set *Dataset, t, m int, seed uint64) LossEstimate {
	D := float64(set.Dim())
	if t <= 1 {
		sd := math.Sqrt(s.Beta[1])
		if v == Small {
			sd = math.Exp(0.5 * p.LogVar[1])
		}
		return estimate(1, lossDraws(s, den, set, 1, m, seed, func(x0, hat []float32) float64 {
			return decoderNLL(x0, hat, sd) / D
		}))
	}
	sig2 := p.Var[t]
	if v == Large {
		sig2 = s.Beta[t]
	}
	r := p.Var[t] / sig2
	fixed := 0.5 * (r - 1 - math.Log(r))
	c0 := p.C0[t]
	return estimate(t, lossDraws(s, den, set, t, m, seed, func(x0, hat []float32) float64 {
		return fixed + 0.5*c0*c0*sqDiff(x0, hat)/sig2/D
	}))
}

// decoderNLL is −ln p(x_0 | x_1) for the discretised Gaussian decoder with
// mean μ = x̂_0 (μ̃_1 = x̂_0) and standard deviation sd: each value's bin is
// [x − 1/255, x + 1/255], the end bins reaching ±∞.
func decoderNLL(x0, mu []float32, sd float64) float64 {
	var nll float64
	for i, xv := range x0 {
		x, m := float64(xv), float64(mu[i])
		var p float64
		switch {
		case x < -0.999:
			p = diffusion.NormalCDF((x + 1.0/255 - m) / sd)
		case x > 0.999:
			p = diffusion.NormalCDF(-(x - 1.0/255 - m) / sd)
		default:
			p = diffusion.NormalCDF((x+1.0/255-m)/sd) - diffusion.NormalCDF((x-1.0/255-m)/sd)
		}
		nll -= math.Log(max(p, 1e-12))
	}
	return nll
}
