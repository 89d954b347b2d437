package reverse

import "sync"

// sparse is a Dataset stored by what differs from its background. Most of an
// MNIST digit is paper (byte 0, the number −1): about 19% of its 784 pixels
// carry ink. Writing X_n = g·1 + δ_n, with g the background's number and δ_n
// nonzero only at the inked pixels, a dot product with X_n costs the inked
// pixels only:
//
//	x·X_n = g·Σ_i x_i + Σ_{i inked} x_i·δ_{n,i}
//
// and so does a weighted sum Σ_n w_n·X_n = g·Σ_n w_n + Σ_n w_n·δ_n. This is
// exact algebra, not an approximation; it reads 4 bytes per inked pixel
// instead of every pixel. Products are converted explicitly (float64(x·y))
// so that no platform fuses them into a multiply-add: the same bits natively
// and in WebAssembly. A data set without a dominant byte (a photograph)
// simply lists every pixel that is not its most common byte.
//
// The loops read eight entries at a time through array pointers, so that no
// index is bounds-checked inside them: in WebAssembly, where Go's loops
// branch through a dispatch table on every iteration and every check is a
// compare and a branch, that halves the instructions an entry costs.
type sparse struct {
	bg    float64      // g, the number of the most common byte
	delta [256]float64 // delta[b] = ByteValue[b] − g (exact in float64)
	off   []int32      // image n's entries are ent[off[n]:off[n+1]]
	// ent packs an inked pixel: its index in the low 16 bits, its byte in
	// the next 8.
	ent []uint32
}

// maxSparseDim is the largest image dimension sparse can index (16 bits).
const maxSparseDim = MaxDim

// vec is a pixel vector as the sparse loops index it: any uint16 is in
// range, so they need no bounds checks. Only the first D entries are used.
type vec = [maxSparseDim]float64

var sparseCache sync.Map // *Dataset → *sparse, for sets of their own

// sparseOf returns d's sparse form, built on first use (safe for concurrent
// use). D ≤ MaxDim holds for every Dataset. A subset (Dataset.Subset)
// shares its parent's: the first n images' entries, with the parent's
// background byte, so a slider over the subset's size costs no memory.
func sparseOf(d *Dataset) *sparse {
	if d.parent != nil {
		p := sparseOf(d.parent)
		return &sparse{bg: p.bg, delta: p.delta, off: p.off[:d.n+1], ent: p.ent[:p.off[d.n]]}
	}
	if v, ok := sparseCache.Load(d); ok {
		return v.(*sparse)
	}
	var hist [256]int
	for _, b := range d.Pix {
		hist[b]++
	}
	bg := 0
	for b, c := range hist {
		if c > hist[bg] {
			bg = b
		}
	}
	s := &sparse{
		bg:  float64(ByteValue[bg]),
		off: make([]int32, d.n+1),
		ent: make([]uint32, 0, len(d.Pix)-hist[bg]),
	}
	for b := range s.delta {
		s.delta[b] = float64(ByteValue[b]) - s.bg
	}
	D := d.Dim()
	for n := range d.n {
		for i, b := range d.Pix[n*D : (n+1)*D] {
			if int(b) != bg {
				s.ent = append(s.ent, uint32(i)|uint32(b)<<16)
			}
		}
		s.off[n+1] = int32(len(s.ent))
	}
	v, _ := sparseCache.LoadOrStore(d, s)
	return v.(*sparse)
}

// entries returns image n's packed entries.
func (s *sparse) entries(n int) []uint32 { return s.ent[s.off[n]:s.off[n+1]] }

// dot returns Σ_{i inked} x_i·δ_{n,i}, the part of x·X_n that depends on n,
// as two partial sums added last: one over the even entries, one over the
// odd ones, each in entry order (DenoiseBatch keeps the same order).
func (s *sparse) dot(x *vec, n int) float64 {
	es := s.entries(n)
	var a0, a1 float64
	for len(es) >= 8 {
		e := (*[8]uint32)(es)
		a0 += float64(x[uint16(e[0])] * s.delta[uint8(e[0]>>16)])
		a1 += float64(x[uint16(e[1])] * s.delta[uint8(e[1]>>16)])
		a0 += float64(x[uint16(e[2])] * s.delta[uint8(e[2]>>16)])
		a1 += float64(x[uint16(e[3])] * s.delta[uint8(e[3]>>16)])
		a0 += float64(x[uint16(e[4])] * s.delta[uint8(e[4]>>16)])
		a1 += float64(x[uint16(e[5])] * s.delta[uint8(e[5]>>16)])
		a0 += float64(x[uint16(e[6])] * s.delta[uint8(e[6]>>16)])
		a1 += float64(x[uint16(e[7])] * s.delta[uint8(e[7]>>16)])
		es = es[8:]
	}
	for k, e := range es {
		if k%2 == 0 {
			a0 += float64(x[uint16(e)] * s.delta[uint8(e>>16)])
		} else {
			a1 += float64(x[uint16(e)] * s.delta[uint8(e>>16)])
		}
	}
	return a0 + a1
}

// addTo adds w·δ_n to acc.
func (s *sparse) addTo(acc *vec, w float64, n int) {
	es := s.entries(n)
	for len(es) >= 8 {
		e := (*[8]uint32)(es)
		for _, p := range e {
			acc[uint16(p)] += float64(w * s.delta[uint8(p>>16)])
		}
		es = es[8:]
	}
	for _, p := range es {
		acc[uint16(p)] += float64(w * s.delta[uint8(p>>16)])
	}
}
