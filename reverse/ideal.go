package reverse

import (
	"math"

	"dissolve/diffusion"
)

// Ideal is the best possible denoiser for a finite data set X = {X_1..X_N}:
// the posterior mean
//
//	x̂_0(x_t, t) = E[x_0 | x_t] = Σ_n w_n·X_n,
//	w = softmax_n(ℓ_n),  ℓ_n = −‖x_t − √ᾱ_t·X_n‖²/(2(1 − ᾱ_t))
//
// when x_0 is drawn uniformly from X and x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε. It
// minimises the DDPM loss E‖x_0 − x̂_0(x_t, t)‖² over every function of x_t
// (a conditional mean minimises the squared error), so it is what a network
// trained to perfection on X converges to. And so it memorises: as t → 0 the
// softmax snaps to the training image nearest x_t, and every sample is a copy
// of a training image (Kadkhodaie et al. 2024; Kamb & Ganguli 2024, §2).
//
// Computation, in float64, reading each image's inked pixels twice at most:
//
//  1. ‖x_t − √ᾱ·X_n‖² = ‖x_t‖² − 2√ᾱ·x_t·X_n + ᾱ·‖X_n‖² for every n, the dot
//     products over the inked pixels only (see sparse), ‖X_n‖² precomputed;
//  2. m = max_n ℓ_n, then the weighted sum over the n with ℓ_n ≥ m − Cut, with
//     weights e^{ℓ_n − m} (diffusion.Exp: the same bits on every platform).
//
// Skipping is exact to within a proven bound: each skipped weight is below
// e^{−Cut} relative to the largest (which is 1), so the skipped mass is below
// N·e^{−Cut} of the total and every output pixel moves by less than
// 2·N·e^{−Cut} (pixels lie in [−1, 1]) — for Cut = 50 and N ≤ 60,000 less
// than 2.3·10⁻¹⁷, far below float32 resolution at any pixel value that can
// be told from 0 (TestIdealSkipBound checks it against the unskipped sum).
// As t falls the weights concentrate and nearly every image is skipped.
//
// An Ideal is not safe for concurrent use; make one per goroutine (they
// share the data set's sparse form).
type Ideal struct {
	s  *diffusion.Schedule
	d  *Dataset
	sp *sparse

	x64   *vec
	logit []float64
	// part[c] is chunk c's share of the weighted sum (see chunks).
	part []idealPart
	// DenoiseBatch's scratch: x_t of the batch pixel-major, dot products,
	// logits of every member.
	xT, dots, batchLogit []float64

	// Cut is the skip threshold in nats (see Ideal); 0 turns skipping off.
	Cut float64

	last IdealStats
}

// IdealStats describes the weights w of the last Denoise call.
type IdealStats struct {
	// EffectiveN = 1/Σw² (with Σw = 1): how many training images still
	// matter; N for uniform weights, 1 when one image has all the weight.
	EffectiveN float64
	// Top is the training image with the largest weight, TopWeight its
	// weight.
	Top       int
	TopWeight float64
	// Used counts the images whose weights were summed (the rest were
	// below the skip bound).
	Used int
}

// DefaultCut is the skip threshold of NewIdeal, in nats.
const DefaultCut = 50

// NewIdeal returns the ideal denoiser of data set d under schedule s.
func NewIdeal(s *diffusion.Schedule, d *Dataset) *Ideal {
	return &Ideal{
		s: s, d: d, sp: sparseOf(d), Cut: DefaultCut,
		x64:   new(vec),
		logit: make([]float64, d.Len()),
		part:  make([]idealPart, chunks),
	}
}

// Dataset returns the data set the denoiser knows.
func (m *Ideal) Dataset() *Dataset { return m.d }

// Stats returns the weights' statistics of the last Denoise call.
func (m *Ideal) Stats() IdealStats { return m.last }

// Denoise writes E[x_0 | x_t] into dst (see Ideal).
func (m *Ideal) Denoise(dst, xt []float32, t int) {
	m.logits(xt, t)
	m.mean(dst)
}

// Weights writes the normalised weights w_n of x_t at step t into w (length
// N; skipped images get 0) and returns the statistics.
func (m *Ideal) Weights(w []float64, xt []float32, t int) IdealStats {
	m.logits(xt, t)
	mx := maxOf(m.logit)
	var sum float64
	for n, l := range m.logit {
		w[n] = 0
		if m.Cut == 0 || l >= mx-m.Cut {
			w[n] = diffusion.Exp(l - mx)
			sum += w[n]
		}
	}
	for n := range w {
		w[n] /= sum
	}
	m.mean(make([]float32, len(xt)))
	return m.last
}

// logits fills m.logit with ℓ_n for x_t at step t.
func (m *Ideal) logits(xt []float32, t int) {
	a2 := m.s.AlphaBar[max(min(t, m.s.T), 0)]
	a := math.Sqrt(a2)
	inv := -1 / (2 * m.s.OneMinusAlphaBar(t))
	var xx, sum float64
	for i, v := range xt {
		f := float64(v)
		m.x64[i] = f
		xx += float64(f * f)
		sum += f
	}
	base := float64(m.sp.bg * sum) // g·Σx_i, the background's share of x·X_n
	forChunks(len(m.logit), func(_, lo, hi int) {
		for n := lo; n < hi; n++ {
			dot := base + m.sp.dot(m.x64, n)
			d2 := float64(xx-float64(2*a*dot)) + float64(a2*m.d.sq[n])
			m.logit[n] = float64(d2 * inv)
		}
	})
}

// idealPart is one chunk's share of the weighted sum: Σw·δ_n over its
// images, Σw, Σw², how many it summed, and its first image of largest
// weight.
type idealPart struct {
	acc       *vec
	sum, sum2 float64
	used, top int
	topLogit  float64
}

// mean writes Σ w_n X_n / Σ w_n for the current logits into dst and records
// the statistics. Each chunk sums its images in order, and the chunks'
// sums are added in chunk order, so the bits do not depend on how many
// threads ran them.
func (m *Ideal) mean(dst []float32) {
	mx := maxOf(m.logit)
	D := len(dst)
	forChunks(len(m.logit), func(c, lo, hi int) {
		p := &m.part[c]
		if p.acc == nil {
			p.acc = new(vec)
		}
		clear(p.acc[:D])
		p.sum, p.sum2, p.used, p.top = 0, 0, 0, -1
		for n := lo; n < hi; n++ {
			l := m.logit[n]
			if m.Cut != 0 && l < mx-m.Cut {
				continue
			}
			w := diffusion.Exp(l - mx)
			if p.top < 0 && l == mx {
				p.top = n
			}
			p.sum += w
			p.sum2 += float64(w * w)
			p.used++
			m.sp.addTo(p.acc, w, n)
		}
	})
	var sum, sum2 float64
	top, used := -1, 0
	acc := m.part[0].acc
	for c := range m.part {
		p := &m.part[c]
		if p.acc == nil {
			continue // a chunk with no images (N < chunks)
		}
		if c > 0 {
			for i, v := range p.acc[:D] {
				acc[i] += v
			}
		}
		sum += p.sum
		sum2 += p.sum2
		used += p.used
		if top < 0 {
			top = p.top
		}
	}
	inv := 1 / sum
	for i := range dst {
		dst[i] = float32(m.sp.bg + float64(acc[i]*inv))
	}
	m.last = IdealStats{EffectiveN: sum * sum / sum2, Top: top, TopWeight: inv, Used: used}
}

// batchDots sets dots[b] to sparse.dot of batch member b with image n, with
// the same two partial sums (even and odd entries) and so the same bits.
// Members go four at a time, their eight partial sums held in registers
// while the image's entries are read once per group.
func (m *Ideal) batchDots(dots []float64, n, B int) {
	sp := m.sp
	es := sp.entries(n)
	xT := m.xT
	b := 0
	for ; b+4 <= B; b += 4 {
		var e0, e1, e2, e3, o0, o1, o2, o3 float64
		k := 0
		for ; k+1 < len(es); k += 2 {
			p, q := es[k], es[k+1]
			dv, dw := sp.delta[uint8(p>>16)], sp.delta[uint8(q>>16)]
			r := xT[int(uint16(p))*B+b:][:4]
			u := xT[int(uint16(q))*B+b:][:4]
			e0 += float64(r[0] * dv)
			e1 += float64(r[1] * dv)
			e2 += float64(r[2] * dv)
			e3 += float64(r[3] * dv)
			o0 += float64(u[0] * dw)
			o1 += float64(u[1] * dw)
			o2 += float64(u[2] * dw)
			o3 += float64(u[3] * dw)
		}
		if k < len(es) {
			p := es[k]
			dv := sp.delta[uint8(p>>16)]
			r := xT[int(uint16(p))*B+b:][:4]
			e0 += float64(r[0] * dv)
			e1 += float64(r[1] * dv)
			e2 += float64(r[2] * dv)
			e3 += float64(r[3] * dv)
		}
		dots[b], dots[b+1], dots[b+2], dots[b+3] = e0+o0, e1+o1, e2+o2, e3+o3
	}
	for ; b < B; b++ {
		var e, o float64
		for k, p := range es {
			v := float64(xT[int(uint16(p))*B+b] * sp.delta[uint8(p>>16)])
			if k%2 == 0 {
				e += v
			} else {
				o += v
			}
		}
		dots[b] = e + o
	}
}

func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// DenoiseBatch writes E[x_0 | x_t] for every x_t in xt into the matching
// dst, all at step t: the same values as Denoise, to the bit, for each. The
// distances of the whole batch are computed in one pass over the data set,
// each image's inked pixels read once for all the batch's members (the
// role a matrix product plays in NumPy). Stats then describe the last
// member.
func (m *Ideal) DenoiseBatch(dst, xt [][]float32, t int) {
	B := len(xt)
	if B == 0 {
		return
	}
	D := m.d.Dim()
	if len(m.xT) < B*D {
		m.xT = make([]float64, B*D)
		m.dots = make([]float64, chunks*B)
		m.batchLogit = make([]float64, B*m.d.Len())
	}
	a2 := m.s.AlphaBar[max(min(t, m.s.T), 0)]
	a := math.Sqrt(a2)
	inv := -1 / (2 * m.s.OneMinusAlphaBar(t))
	xx := make([]float64, B)
	base := make([]float64, B)
	for b, x := range xt {
		var sum float64
		for i, v := range x {
			f := float64(v)
			m.xT[i*B+b] = f // pixel-major: a pixel's B values side by side
			xx[b] += float64(f * f)
			sum += f
		}
		base[b] = float64(m.sp.bg * sum)
	}
	N := m.d.Len()
	forChunks(N, func(c, lo, hi int) {
		dots := m.dots[c*B : (c+1)*B]
		for n := lo; n < hi; n++ {
			m.batchDots(dots, n, B)
			for b := range B {
				d2 := float64(xx[b]-float64(2*a*(base[b]+dots[b]))) + float64(a2*m.d.sq[n])
				m.batchLogit[b*N+n] = float64(d2 * inv)
			}
		}
	})
	for b := range B {
		copy(m.logit, m.batchLogit[b*N:(b+1)*N])
		m.mean(dst[b])
	}
}
