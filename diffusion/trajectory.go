package diffusion

import "math"

// Trajectory is one run of the Markov chain x_0 → x_1 → … → x_T, with fresh
// noise at every step, that can be read at any t in any order: the same
// (seed, t) always gives the same bits, whatever was asked before. It is not
// safe for concurrent use.
//
// # Construction
//
// Write x_t = √ᾱ_t·x_0 + n_t. The noise part n_t follows the chain's own
// recursion n_t = √α_t·n_{t−1} + √β_t·ε_t, n_0 = 0, so it is a Gauss–Markov
// process with, for s < u,
//
//	n_u | n_s ~ N(√ρ·n_s, (1 − ρ)·I),  ρ = ᾱ_u/ᾱ_s = α_{s+1}·…·α_u.
//
// (Equivalently y_t = x_t/√ᾱ_t = x_0 + W(1/ᾱ_t − 1) with W a Brownian
// motion; working with n_t instead keeps every number of order 1, even when
// ᾱ_t underflows or is exactly 0 under zero terminal SNR.)
//
// The trajectory is a Brownian-bridge tree over the steps 0..T: the root is
// n_T = √(1 − ᾱ_T)·z_T; the midpoint m = ⌊(a+b)/2⌋ of an interval [a, b]
// whose ends are known is drawn from the bridge, which is DDPM's posterior
// q(x_{t−1} | x_t, x_0) generalised to any three steps a < m < b:
//
//	n_m = A·n_a + B·n_b + S·z_m,
//	A = √ρ_am·(1 − ρ_mb)/(1 − ρ_ab),  B = √ρ_mb·(1 − ρ_am)/(1 − ρ_ab),
//	S² = (1 − ρ_am)(1 − ρ_mb)/(1 − ρ_ab),
//
// then [a, m] and [m, b] are split in turn. Every t in 1..T is exactly one
// node, its z_t is the Gaussian stream TrajectoryStream(t) of Noise{seed},
// and by the Markov property the joint law of n_1..n_T is exactly the
// chain's. Under zero terminal SNR ρ_{mT} = 0, so B = 0 for intervals ending
// at T and x_T = z_T is independent of the past, as it must be.
//
// # Cost
//
// The frames n on the path from the root to the last t asked are kept
// (memory: depth × frame, depth at most ⌈log₂T⌉ + 1: 11 frames for T = 1000,
// 15 for T = 10000, of 3·W·H·4 bytes each: 35 MB at 512², 138 MB at 1024²
// for T = 1000), plus x_0. Moving to t ± 1
// recomputes only the nodes below the point where the paths part: one
// bridge pass (noise + combine) per step on average when stepping through
// all t, at most depth passes for a jump. Every node is always computed from
// the same parents with the same float32 operations (products rounded
// before sums, no fused multiply-add), so cached and fresh results agree
// bit for bit.
type Trajectory struct {
	s     *Schedule
	x0    []float32
	noise Noise
	last  int // T

	lo, hi     []int32   // interval ends of node m (hi = -1 for the root)
	ca, cb, cs []float32 // A, B, S of node m

	path   []int       // nodes on the cached root-to-node path
	frames [][]float32 // frames[k] holds n of path[k]
	want   []int       // scratch
}

// TrajectoryStream returns the Noise stream that supplies z_t, the fresh
// noise of node t of a Trajectory (streams 2³²+t, apart from the small
// stream numbers callers typically use for closed-form ε or MarkovStep).
func TrajectoryStream(t int) uint64 { return 1<<32 + uint64(t) }

// NewTrajectory returns the chain started at x0 (planar, copied) with the
// noise of Noise{seed}.
func NewTrajectory(s *Schedule, x0 []float32, seed uint64) *Trajectory {
	T := len(s.Beta) - 1
	tr := &Trajectory{
		s: s, x0: append([]float32(nil), x0...), noise: Noise{seed}, last: T,
		lo: make([]int32, T+1), hi: make([]int32, T+1),
		ca: make([]float32, T+1), cb: make([]float32, T+1), cs: make([]float32, T+1),
	}
	tr.lo[T], tr.hi[T] = 0, -1
	tr.cs[T] = float32(math.Sqrt(s.oneMinus[T]))
	tr.split(0, T)
	return tr
}

// split sets up the nodes strictly inside [a, b].
func (tr *Trajectory) split(a, b int) {
	if b-a < 2 {
		return
	}
	m := (a + b) / 2
	ram, vam := tr.s.ratio(a, m)
	rmb, vmb := tr.s.ratio(m, b)
	_, vab := tr.s.ratio(a, b) // ≥ β_b > 0
	tr.lo[m], tr.hi[m] = int32(a), int32(b)
	tr.ca[m] = float32(math.Sqrt(ram) * (vmb / vab))
	tr.cb[m] = float32(math.Sqrt(rmb) * (vam / vab))
	tr.cs[m] = float32(math.Sqrt(vam / vab * vmb))
	tr.split(a, m)
	tr.split(m, b)
}

// nodePath returns the nodes from the root down to t (1..T).
func (tr *Trajectory) nodePath(t int, dst []int) []int {
	dst = append(dst[:0], tr.last)
	a, b := 0, tr.last
	for m := tr.last; m != t; {
		m = (a + b) / 2
		dst = append(dst, m)
		if t < m {
			b = m
		} else {
			a = m
		}
	}
	return dst
}

// frameOf returns the cached frame of node m, an ancestor on the path, or nil
// for m = 0 (n_0 = 0).
func (tr *Trajectory) frameOf(m int) []float32 {
	for k, node := range tr.path {
		if node == m {
			return tr.frames[k]
		}
	}
	return nil
}

// noiseAt returns n_t (1..T), computing the nodes missing from the cache. If
// w is not nil and n_t itself has to be computed, it also writes the RGBA
// words of x_t = a·x_0 + n_t to w in the same pass, and reports true.
func (tr *Trajectory) noiseAt(t int, w []uint32, a float32) (n []float32, wrote bool) {
	tr.want = tr.nodePath(t, tr.want)
	k := 0
	for k < len(tr.path) && k < len(tr.want) && tr.path[k] == tr.want[k] {
		k++
	}
	tr.path = tr.path[:k]
	for ; k < len(tr.want); k++ {
		m := tr.want[k]
		if k == len(tr.frames) {
			tr.frames = append(tr.frames, make([]float32, len(tr.x0)))
		}
		var na, nb []float32
		if tr.lo[m] > 0 {
			na = tr.frameOf(int(tr.lo[m]))
		}
		if tr.hi[m] > 0 {
			nb = tr.frameOf(int(tr.hi[m]))
		}
		var out []uint32
		if k == len(tr.want)-1 {
			out, wrote = w, w != nil
		}
		tr.bridge(m, tr.frames[k], na, nb, out, a)
		tr.path = append(tr.path, m)
	}
	return tr.frames[len(tr.path)-1], wrote
}

// bridge sets dst = n_m = (A·na + B·nb) + S·z_m, a nil na or nb standing for
// a zero frame whose term is left out (which terms exist depends only on m,
// so a node always gets the same bits). If w is not nil it also writes the
// RGBA words of x = a·x_0 + n_m, block by block while the block of n_m is
// still in cache: the same bytes as ClosedFormRGBA(x_0, n_m, a, 1).
func (tr *Trajectory) bridge(m int, dst, na, nb []float32, w []uint32, a float32) {
	A, B, S := tr.ca[m], tr.cb[m], tr.cs[m]
	key := tr.noise.key(TrajectoryStream(m))
	var buf [512]float32
	// segment computes dst[lo:hi].
	segment := func(lo, hi int) {
		for off := lo; off < hi; off += len(buf) {
			z := buf[:min(len(buf), hi-off)]
			fillFrom(z, key, uint64(off))
			d := dst[off : off+len(z)]
			switch {
			case na != nil && nb != nil:
				a, b := na[off:off+len(z)], nb[off:off+len(z)]
				for i := range z {
					d[i] = float32(float32(A*a[i])+float32(B*b[i])) + float32(S*z[i])
				}
			case nb != nil:
				b := nb[off : off+len(z)]
				for i := range z {
					d[i] = float32(B*b[i]) + float32(S*z[i])
				}
			case na != nil:
				a := na[off : off+len(z)]
				for i := range z {
					d[i] = float32(A*a[i]) + float32(S*z[i])
				}
			default:
				for i := range z {
					d[i] = S * z[i]
				}
			}
		}
	}
	P := len(dst) / 3
	if w == nil || len(w) < P {
		segment(0, len(dst))
		return
	}
	xr, xg, xb := planes(tr.x0, P)
	nr, ng, nbl := planes(dst, P)
	const block = 256
	for p0 := 0; p0 < P; p0 += block {
		p1 := min(p0+block, P)
		for c := range 3 {
			segment(c*P+p0, c*P+p1)
		}
		ww := w[p0:p1]
		r0, g0, b0 := xr[p0:p1], xg[p0:p1], xb[p0:p1]
		r, g, b := nr[p0:p1], ng[p0:p1], nbl[p0:p1]
		for i := range ww {
			ww[i] = toByte(float32(a*r0[i])+r[i]) |
				toByte(float32(a*g0[i])+g[i])<<8 |
				toByte(float32(a*b0[i])+b[i])<<16 | 0xFF000000
		}
	}
	segment(3*P, len(dst))
}

// At writes x_t = √ᾱ_t·x_0 + n_t of the chain to dst (len(dst) = len(x0)),
// for t clamped to 0..T; At(0) is x_0.
func (tr *Trajectory) At(t int, dst []float32) {
	t = min(max(t, 0), tr.last)
	if t == 0 {
		copy(dst, tr.x0)
		return
	}
	n, _ := tr.noiseAt(t, nil, 0)
	a := float32(tr.s.SqrtAlphaBar(t))
	m := min(len(dst), len(n))
	dst, x0, n := dst[:m], tr.x0[:m], n[:m]
	for i := range dst {
		dst[i] = float32(a*x0[i]) + n[i]
	}
}

// RGBAAt writes x_t as RGBA bytes (see ToRGBA): the same bytes as At
// followed by ToRGBA. When n_t has to be computed, the bytes are written in
// the same pass.
func (tr *Trajectory) RGBAAt(t int, rgba []byte) {
	t = min(max(t, 0), tr.last)
	if t == 0 {
		ToRGBA(rgba, tr.x0)
		return
	}
	a := float32(tr.s.SqrtAlphaBar(t))
	w := words(rgba, len(tr.x0)/3)
	n, wrote := tr.noiseAt(t, w, a)
	if !wrote {
		ClosedFormRGBA(rgba, tr.x0, n, a, 1)
	}
}
