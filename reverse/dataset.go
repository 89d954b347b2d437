package reverse

import "fmt"

// Dataset is a finite training set X = {X_1, …, X_N}: N images of C planes
// of W×H pixels each, stored as bytes. Byte b stands for the number
// b/127.5 − 1 in [−1, 1], as in diffusion.Planar, so image n is the vector
// X_n of D = C·H·W numbers whose bytes are Pix[n·D : (n+1)·D] (planes one
// after the other, each row-major).
//
// A Dataset is read only once made; its methods are safe for concurrent use.
type Dataset struct {
	W, H, C int
	// Pix holds the N images' bytes, image after image.
	Pix []uint8
	// Labels, when not nil, holds one label per image (the digit, for MNIST).
	Labels []uint8

	n  int
	sq []float64 // sq[n] = ‖X_n‖²
	// parent is the set this one is the first n images of (Subset), whose
	// sparse form it shares; nil for a set of its own.
	parent *Dataset
}

// ByteValue maps a byte b to its number float32(b/127.5 − 1), rounded once
// from float64 exactly as diffusion.FromImage does.
var ByteValue = func() (v [256]float32) {
	for b := range v {
		v[b] = float32(float64(b)/127.5 - 1)
	}
	return v
}()

// MaxDim is the largest number of numbers an image of a Dataset may have:
// the denoisers index pixels with 16 bits.
const MaxDim = 1 << 16

// NewDataset checks the sizes and returns the data set of the images in pix
// (see Dataset); labels may be nil. pix is kept, not copied.
func NewDataset(w, h, c int, pix, labels []uint8) (*Dataset, error) {
	if w < 1 || h < 1 || c < 1 || w > MaxDim || h > MaxDim || c > MaxDim {
		return nil, fmt.Errorf("reverse: image size must be at least 1×1×1, got %d×%d×%d", w, h, c)
	}
	d := w * h * c
	if d > MaxDim {
		return nil, fmt.Errorf("reverse: images of %d×%d×%d = %d numbers; at most %d (e.g. 147×147 RGB)", w, h, c, d, MaxDim)
	}
	if len(pix) == 0 || len(pix)%d != 0 {
		return nil, fmt.Errorf("reverse: %d bytes is not a whole number of %d×%d×%d images", len(pix), w, h, c)
	}
	n := len(pix) / d
	if labels != nil && len(labels) != n {
		return nil, fmt.Errorf("reverse: %d labels for %d images", len(labels), n)
	}
	ds := &Dataset{W: w, H: h, C: c, Pix: pix, Labels: labels, n: n, sq: make([]float64, n)}
	for i := range n {
		var s float64
		for _, b := range pix[i*d : (i+1)*d] {
			v := float64(ByteValue[b])
			s += float64(v * v)
		}
		ds.sq[i] = s
	}
	return ds, nil
}

// Len returns N, the number of images.
func (d *Dataset) Len() int { return d.n }

// Dim returns D = C·H·W, the number of numbers in one image.
func (d *Dataset) Dim() int { return d.W * d.H * d.C }

// Bytes returns image n's bytes (a view into Pix; do not modify).
func (d *Dataset) Bytes(n int) []uint8 {
	D := d.Dim()
	return d.Pix[n*D : (n+1)*D]
}

// Image writes X_n, image n's numbers, into dst (length D) and returns it.
func (d *Dataset) Image(dst []float32, n int) []float32 {
	for i, b := range d.Bytes(n) {
		dst[i] = ByteValue[b]
	}
	return dst
}

// SqNorm returns ‖X_n‖².
func (d *Dataset) SqNorm(n int) float64 { return d.sq[n] }

// Subset returns the data set of the first n images (a view: no bytes are
// copied), or d itself when n ≥ Len().
func (d *Dataset) Subset(n int) *Dataset {
	if n >= d.n {
		return d
	}
	n = max(n, 1)
	root := d
	if d.parent != nil {
		root = d.parent
	}
	s := &Dataset{W: d.W, H: d.H, C: d.C, Pix: d.Pix[:n*d.Dim()], n: n, sq: d.sq[:n], parent: root}
	if d.Labels != nil {
		s.Labels = d.Labels[:n]
	}
	return s
}
