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
// exact algebra, not an approximation; it reads about 3 bytes per inked
// pixel instead of every pixel. Products are converted explicitly
// (float64(x·y)) so that no platform fuses them into a multiply-add: the same
// bits natively and in WebAssembly. A data set without a dominant byte (a
// photograph) simply lists every pixel that is not its most common byte.
type sparse struct {
	bg    float64      // g, the number of the most common byte
	delta [256]float64 // delta[b] = ByteValue[b] − g (exact in float64)
	off   []int32      // image n's entries are [off[n], off[n+1])
	idx   []uint16     // pixel index of each entry
	val   []uint8      // byte of each entry
}

var sparseCache sync.Map // *Dataset → *sparse

// sparseOf returns d's sparse form, built on first use (safe for concurrent
// use). It needs D ≤ 65536 (checked by the denoisers' constructors).
func sparseOf(d *Dataset) *sparse {
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
	nz := len(d.Pix) - hist[bg]
	s := &sparse{
		bg:  float64(ByteValue[bg]),
		off: make([]int32, d.n+1),
		idx: make([]uint16, 0, nz),
		val: make([]uint8, 0, nz),
	}
	for b := range s.delta {
		s.delta[b] = float64(ByteValue[b]) - s.bg
	}
	D := d.Dim()
	for n := range d.n {
		for i, b := range d.Pix[n*D : (n+1)*D] {
			if int(b) != bg {
				s.idx = append(s.idx, uint16(i))
				s.val = append(s.val, b)
			}
		}
		s.off[n+1] = int32(len(s.idx))
	}
	v, _ := sparseCache.LoadOrStore(d, s)
	return v.(*sparse)
}

// dot returns Σ_{i inked} x_i·δ_{n,i}, the part of x·X_n that depends on n.
func (s *sparse) dot(x []float64, n int) float64 {
	lo, hi := s.off[n], s.off[n+1]
	idx, val := s.idx[lo:hi], s.val[lo:hi]
	var a0, a1 float64
	k := 0
	for ; k+1 < len(idx); k += 2 {
		a0 += float64(x[idx[k]] * s.delta[val[k]])
		a1 += float64(x[idx[k+1]] * s.delta[val[k+1]])
	}
	if k < len(idx) {
		a0 += float64(x[idx[k]] * s.delta[val[k]])
	}
	return a0 + a1
}

// addTo adds w·δ_n to acc.
func (s *sparse) addTo(acc []float64, w float64, n int) {
	lo, hi := s.off[n], s.off[n+1]
	idx, val := s.idx[lo:hi], s.val[lo:hi]
	for k, i := range idx {
		acc[i] += float64(w * s.delta[val[k]])
	}
}
