package diffusion

import (
	"math"
	"math/bits"
	"slices"
)

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
// n_T = √(1 − ᾱ_T)·z_T; an interval [a, b] whose ends are known is split at
// the step m in (a, b) with the most trailing zero bits (the multiple of the
// largest power of two inside it: 512 for [0, 1000], then 256 and 768, …),
// drawn from the bridge, which is DDPM's posterior q(x_{t−1} | x_t, x_0)
// generalised to any three steps a < m < b:
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
// Splitting at powers of two makes the ancestors of a multiple of 2^k
// multiples of 2^k themselves: a player that reads every second (fourth, …)
// step walks a tree of half (a quarter, …) the size, and pays about one node
// a frame instead of about log₂ of the stride.
//
// # Cost
//
// Computed nodes n are kept in a cache: always the path from the root to
// the last t read (depth at most ⌈log₂T⌉ + 1 nodes: 11 for T = 1000, 15 for
// T = 10000), and, up to SetCacheFrames, nodes that Prefetch computed ahead
// of time. A node is a frame of 3·W·H float32s: 3 MB at 512², 12 MB at
// 1024². Moving to t ± 1 recomputes only the nodes below the point where
// the paths part: one bridge pass (noise + combine) per step on average
// when stepping through all t, at most depth passes for a jump. Every node
// is always computed from the same parents with the same float32 operations
// (products rounded before sums, no fused multiply-add), so cached,
// prefetched and fresh results agree bit for bit. A node does not depend on
// x_0, so another trajectory with the same NoiseKey (a Web Worker's) can
// compute it and Install put it in the cache; reading a cached step never
// recomputes its ancestors.
type Trajectory struct {
	s     *Schedule
	x0    []float32
	noise Noise
	last  int // T
	depth int // the longest root-to-node path

	lo, hi     []int32   // interval ends of node m (hi = -1 for the root)
	ca, cb, cs []float32 // A, B, S of node m

	cache  []cachedNode // computed nodes, at most limit (but never fewer than depth)
	frames *Frames      // where new cache frames come from and Release returns them; nil: make
	limit  int
	clock  uint64 // counts reads and prefetches, for least-recently-used eviction
	nodes  int    // bridge passes so far
	shown  int    // RGBAAt calls answered with an installed frame (InstallFrame)
	pic    uint64 // PictureKey, once computed (picOK)
	picOK  bool
	// budget is SetCacheBytes's (0: none, SetCacheFrames); framed says a
	// picture was installed (InstallFrame), which the budget then counts.
	budget int
	framed bool
	path   []int // nodes on the path to the last t read, root first
	want   []int // scratch
	keep   []int // scratch: nodes Prefetch must not evict
}

// cachedNode is a computed node: n_m, and when it was last needed. rgba,
// when it holds 4·W·H bytes, is x_m's picture installed with the node
// (InstallFrame); a node computed here never has one.
type cachedNode struct {
	m    int
	n    []float32
	rgba []byte
	used uint64
}

// TrajectoryStream returns the Noise stream that supplies z_t, the fresh
// noise of node t of a Trajectory (streams 2³²+t, apart from the small
// stream numbers callers typically use for closed-form ε or MarkovStep).
func TrajectoryStream(t int) uint64 { return 1<<32 + uint64(t) }

// NewTrajectory returns the chain started at x0 (planar, copied) with the
// noise of Noise{seed}.
func NewTrajectory(s *Schedule, x0 []float32, seed uint64) *Trajectory {
	return newTrajectory(s, append([]float32(nil), x0...), seed)
}

// newTrajectory is NewTrajectory with x0 already the trajectory's own.
func newTrajectory(s *Schedule, x0 []float32, seed uint64) *Trajectory {
	T := len(s.Beta) - 1
	tr := &Trajectory{
		s: s, x0: x0, noise: Noise{seed}, last: T,
		lo: make([]int32, T+1), hi: make([]int32, T+1),
		ca: make([]float32, T+1), cb: make([]float32, T+1), cs: make([]float32, T+1),
	}
	tr.lo[T], tr.hi[T] = 0, -1
	tr.cs[T] = float32(math.Sqrt(s.oneMinus[T]))
	tr.depth = 1 + tr.split(0, T)
	tr.limit = tr.depth
	return tr
}

// splitPoint returns the step in (a, b), b ≥ a+2, with the most trailing
// zero bits. Of lo = a+1 .. hi = b−1, let d be the highest bit where lo and
// hi differ (set in hi, clear in lo): if lo's bits d..0 are all zero, lo is
// the answer, else it is hi with bits d−1..0 cleared. (Exactly one number
// in the range has the most trailing zeros: of any two multiples of 2^k in
// a row, one is a multiple of 2^(k+1).)
func splitPoint(a, b int) int {
	lo, hi := uint(a+1), uint(b-1)
	if lo == hi {
		return int(lo)
	}
	d := uint(bits.Len(lo^hi) - 1)
	if lo&(1<<(d+1)-1) == 0 {
		return int(lo)
	}
	return int(hi &^ (1<<d - 1))
}

// split sets up the nodes strictly inside [a, b] and returns the depth of
// the subtree below [a, b].
func (tr *Trajectory) split(a, b int) int {
	if b-a < 2 {
		return 0
	}
	m := splitPoint(a, b)
	ram, vam := tr.s.ratio(a, m)
	rmb, vmb := tr.s.ratio(m, b)
	_, vab := tr.s.ratio(a, b) // ≥ β_b > 0
	tr.lo[m], tr.hi[m] = int32(a), int32(b)
	tr.ca[m] = float32(math.Sqrt(ram) * (vmb / vab))
	tr.cb[m] = float32(math.Sqrt(rmb) * (vam / vab))
	tr.cs[m] = float32(math.Sqrt(vam / vab * vmb))
	return 1 + max(tr.split(a, m), tr.split(m, b))
}

// nodePath returns the nodes from the root down to t (1..T).
func (tr *Trajectory) nodePath(t int, dst []int) []int {
	dst = append(dst[:0], tr.last)
	a, b := 0, tr.last
	for m := tr.last; m != t; {
		m = splitPoint(a, b)
		dst = append(dst, m)
		if t < m {
			b = m
		} else {
			a = m
		}
	}
	return dst
}

// SetCacheFrames lets the cache hold up to n computed nodes (frames of
// 3·W·H float32s). The default is the longest root-to-node path (11 for
// T = 1000): a read then recomputes only the nodes below where its path
// parts from the last one. More room lets Prefetch work ahead. Less
// (a memory budget, see SetCacheBytes), down to MinCacheFrames, keeps the
// upper part of the path and recomputes the rest: the same bits, more
// bridge passes a read.
func (tr *Trajectory) SetCacheFrames(n int) {
	tr.budget = 0
	tr.setFrames(n)
}

// setFrames is SetCacheFrames, keeping the byte budget.
func (tr *Trajectory) setFrames(n int) {
	tr.limit = max(n, min(tr.depth, MinCacheFrames))
	if len(tr.cache) > tr.limit {
		tr.keep = tr.keep[:0]
		if tr.limit >= tr.depth {
			tr.keep = append(tr.keep, tr.path...)
		}
		for len(tr.cache) > tr.limit { // limit ≥ depth ≥ the path, or nothing kept: a victim exists
			i := tr.victim()
			tr.frames.put(tr.cache[i].n)
			tr.frames.putPicture(tr.cache[i].rgba[:cap(tr.cache[i].rgba)])
			tr.cache = slices.Delete(tr.cache, i, i+1)
		}
	}
}

// MinCacheFrames is the fewest nodes a read needs at once: the two ends
// of a node's interval and the node.
const MinCacheFrames = 3

// SetCacheBytes bounds the cache to budget bytes of computed nodes, but
// never fewer than MinCacheFrames (SetCacheFrames); it returns the number
// of frames that gives. The budget counts the pictures InstallFrame keeps
// with the nodes: from the first one on, a cached node takes 16·W·H bytes
// instead of 12·W·H, and the cache holds fewer of them.
func (tr *Trajectory) SetCacheBytes(budget int) int {
	tr.budget = budget
	tr.setFrames(budget / tr.entryBytes())
	return tr.limit
}

// entryBytes is the memory of one cached node: its frame of 3·W·H
// float32s, and its picture's 4·W·H bytes once pictures are installed.
func (tr *Trajectory) entryBytes() int {
	n := 4 * max(1, len(tr.x0))
	if tr.framed {
		n += 4 * (len(tr.x0) / 3)
	}
	return n
}

// PathFrames is the longest root-to-node path (11 for T = 1000): the cache
// a read needs to recompute only where its path parts from the last one.
func (tr *Trajectory) PathFrames() int { return tr.depth }

// CacheBytes is the memory the cache holds now, in bytes: the nodes'
// frames, and the pictures installed with them (InstallFrame; their
// buffers count while they are kept for reuse).
func (tr *Trajectory) CacheBytes() int {
	n := 4 * len(tr.x0) * len(tr.cache)
	for _, c := range tr.cache {
		n += cap(c.rgba)
	}
	return n
}

// CachedFrames returns how many nodes the cache holds now.
func (tr *Trajectory) CachedFrames() int { return len(tr.cache) }

// Computed returns how many nodes have been computed so far (bridge passes,
// each one frame of fresh noise): the cost of the reads and prefetches.
func (tr *Trajectory) Computed() int { return tr.nodes }

// find returns the cached n_m and marks it used, or nil.
func (tr *Trajectory) find(m int) []float32 {
	for i := range tr.cache {
		if tr.cache[i].m == m {
			tr.cache[i].used = tr.clock
			return tr.cache[i].n
		}
	}
	return nil
}

// victim returns the index of the least recently used cached node that is
// not in tr.keep, or -1.
func (tr *Trajectory) victim() int {
	v := -1
	for i, c := range tr.cache {
		if (v < 0 || c.used < tr.cache[v].used) && !slices.Contains(tr.keep, c.m) {
			v = i
		}
	}
	return v
}

// compute computes node m, whose parents are cached, into a free frame or
// the frame of the least recently used node outside tr.keep, and returns
// n_m; nil if the cache is full of nodes in tr.keep. If w is not nil it
// also writes the RGBA words of x = a·x_0 + n_m (see bridge).
func (tr *Trajectory) compute(m int, w []uint32, a float32) []float32 {
	var na, nb []float32
	if tr.lo[m] > 0 {
		na = tr.find(int(tr.lo[m]))
	}
	if tr.hi[m] > 0 {
		nb = tr.find(int(tr.hi[m]))
	}
	i := len(tr.cache)
	if i < tr.limit {
		tr.cache = append(tr.cache, cachedNode{n: tr.frames.get(len(tr.x0))})
	} else if i = tr.victim(); i < 0 {
		return nil
	}
	c := &tr.cache[i]
	c.m, c.used, c.rgba = m, tr.clock, c.rgba[:0] // another node's picture is not this one's
	tr.nodes++
	tr.bridge(m, c.n, na, nb, w, a)
	return c.n
}

// noiseAt returns n_t (1..T), computing the nodes missing from the cache. If
// w is not nil and n_t itself has to be computed, it also writes the RGBA
// words of x_t = a·x_0 + n_t to w in the same pass, and reports true.
func (tr *Trajectory) noiseAt(t int, w []uint32, a float32) (n []float32, wrote bool) {
	tr.clock++
	tr.want = tr.nodePath(t, tr.want)
	tr.path, tr.want = tr.want, tr.path
	if tr.limit < tr.depth {
		return tr.noiseShort(t, w, a)
	}
	tr.keep = append(tr.keep[:0], tr.path...)
	if n = tr.find(t); n != nil { // installed (Install) or prefetched: its ancestors are not needed
		return n, false
	}
	for k, m := range tr.path {
		if n = tr.find(m); n != nil {
			continue
		}
		var out []uint32
		if k == len(tr.path)-1 {
			out, wrote = w, w != nil
		}
		n = tr.compute(m, out, a) // the cache has room for a whole path
	}
	return n, wrote
}

// noiseShort is noiseAt under a budget below a whole path (tr.path is the
// path to t). A node is computed from the two ends of its interval, which
// are nodes higher on the same path: it computes t if it is missing, the
// missing ends of what it computes, and so on up, root first, keeping
// every node the walk still reads. The cache keeps the nodes used last:
// reading in order, the ends of the next step's node. If the budget
// cannot hold what the walk reads, it walks the whole path instead
// (noiseRootFirst), which needs only m's two ends at a time.
func (tr *Trajectory) noiseShort(t int, w []uint32, a float32) (n []float32, wrote bool) {
	// need and stack on separate arrays: a path is at most 14 nodes deep
	// (T ≤ 10000), but one shared array would let a longer need overwrite
	// the stack.
	var needBuf, stackBuf [32]int
	need := needBuf[:0]
	stack := append(stackBuf[:0], t)
	for len(stack) > 0 {
		m := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m <= 0 || slices.Contains(need, m) || tr.find(m) != nil {
			continue
		}
		need = append(need, m)
		stack = append(stack, int(tr.lo[m]), int(tr.hi[m]))
	}
	tr.keep = tr.keep[:0]
	for _, m := range need {
		tr.keep = append(tr.keep, m, int(tr.lo[m]), int(tr.hi[m]))
	}
	for _, m := range tr.path {
		if !slices.Contains(need, m) {
			continue
		}
		var out []uint32
		if m == t {
			out, wrote = w, w != nil
		}
		if tr.compute(m, out, a) == nil {
			return tr.noiseRootFirst(t, w, a)
		}
	}
	return tr.find(t), wrote
}

// noiseRootFirst finds or computes every node of the path to t, root
// first, keeping only the ends of the node being computed: the ends of
// every node below m are m and m's ends, so an end, once found, stays
// until it is used, and MinCacheFrames is room enough.
func (tr *Trajectory) noiseRootFirst(t int, w []uint32, a float32) (n []float32, wrote bool) {
	for k, m := range tr.path {
		if n = tr.find(m); n != nil {
			continue
		}
		var out []uint32
		if k == len(tr.path)-1 {
			out, wrote = w, w != nil
		}
		tr.keep = append(tr.keep[:0], int(tr.lo[m]), int(tr.hi[m]))
		n = tr.compute(m, out, a)
	}
	return n, wrote
}

// Prefetch computes one node that reading the steps ts, in that order, will
// need and the cache lacks, and reports whether it did; false means every
// node they need is cached, or the cache is full of nodes that the last
// step read or ts need. A player calls it with the steps of its next frames
// while it has time to spare, so that reading them later costs (almost)
// nothing. To make room it evicts the least recently used node that neither
// the last step read nor ts[0..i] need, where ts[i] is the step it works
// for: nearer steps come first.
func (tr *Trajectory) Prefetch(ts ...int) bool {
	tr.clock++
	tr.keep = append(tr.keep[:0], tr.path...)
	for _, t := range ts {
		if t < 1 || t > tr.last {
			continue
		}
		tr.want = tr.nodePath(t, tr.want)
		tr.keep = append(tr.keep, tr.want...)
		for _, m := range tr.want {
			if tr.find(m) != nil {
				continue
			}
			return tr.compute(m, nil, 0) != nil
		}
	}
	return false
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
			d := dst[off : off+len(z)]
			if na != nil && nb != nil { // most nodes: noise and sum in one loop
				fillBridge(d, na[off:off+len(z)], nb[off:off+len(z)], A, B, S, key, uint64(off))
				continue
			}
			fillFrom(z, key, uint64(off))
			switch {
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
// the same pass; when x_t's picture was installed with its node
// (InstallFrame), it is copied.
func (tr *Trajectory) RGBAAt(t int, rgba []byte) {
	t = min(max(t, 0), tr.last)
	if t == 0 {
		ToRGBA(rgba, tr.x0)
		return
	}
	if tr.installedFrame(t, rgba) {
		return
	}
	a := float32(tr.s.SqrtAlphaBar(t))
	w := words(rgba, len(tr.x0)/3)
	n, wrote := tr.noiseAt(t, w, a)
	if !wrote {
		ClosedFormRGBA(rgba, tr.x0, n, a, 1)
	}
}
