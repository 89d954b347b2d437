package diffusion

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// PowerSpectrum computes radially averaged power spectra of n×n tiles, the
// frequency view of "Diffusion is spectral autoregression" (S. Dieleman,
// 2024): a natural picture's power falls off with frequency roughly as
// 1/f², white noise is flat, so as the noise level 1 − ᾱ_t rises it covers
// the high frequencies (fine detail) first and the low ones last.
//
// For a tile x (n×n, row-major) with the optional Hann window w,
//
//	X(u, v) = Σ_{y,x} w(y)·w(x)·x[y, x]·e^{−2πi(uy + vx)/n}
//	P(u, v) = |X(u, v)|² / Σ_{y,x} (w(y)·w(x))²
//
// and bin k of the radial average is the mean of P(u, v) over the
// frequencies whose radius √(u² + v²) (u, v taken in −n/2..n/2) rounds to
// k, for k = 0..n/2: bin k is the frequency k/n cycles per pixel. By
// Parseval the normalisation makes white noise of variance σ² flat at σ²,
// with or without the window (the window only smooths the estimate).
//
// A PowerSpectrum keeps its FFT plans and buffers: it is not safe for
// concurrent use.
type PowerSpectrum struct {
	n      int
	rows   *fourier.FFT
	cols   *fourier.CmplxFFT
	window []float64 // length n; nil without a window
	norm   float64   // Σ (w(y)·w(x))², n² without a window

	row   []float64
	half  []complex128 // n/2+1 coefficients of one row
	grid  []complex128 // n rows × (n/2+1) columns, row-major
	col   []complex128
	ring  []int // ring[u*(n/2+1)+v] = radial bin, −1 beyond n/2
	count []float64
}

// NewPowerSpectrum returns a PowerSpectrum for n×n tiles (n ≥ 2), with a
// Hann window w(i) = sin²(π(i + ½)/n) if window is true (for pieces of
// pictures, whose edges do not wrap around; without it the jump at the
// edges leaks power into every frequency).
func NewPowerSpectrum(n int, window bool) *PowerSpectrum {
	n = max(n, 2)
	h := n/2 + 1
	p := &PowerSpectrum{
		n: n, rows: fourier.NewFFT(n), cols: fourier.NewCmplxFFT(n),
		row: make([]float64, n), half: make([]complex128, h),
		grid: make([]complex128, n*h), col: make([]complex128, n),
		ring: make([]int, n*h), count: make([]float64, n/2+1),
		norm: float64(n * n),
	}
	if window {
		p.window = make([]float64, n)
		s := 0.0
		for i := range p.window {
			v := math.Sin(math.Pi * (float64(i) + 0.5) / float64(n))
			p.window[i] = v * v
			s += p.window[i] * p.window[i]
		}
		p.norm = s * s
	}
	// The real FFT keeps columns v = 0..n/2 only; the columns n/2+1..n−1
	// are the complex conjugates of n−v and have the same power. Each kept
	// column v in 1..⌈n/2⌉−1 stands for two columns.
	for u := 0; u < n; u++ {
		fu := float64(min(u, n-u))
		for v := 0; v < h; v++ {
			k := int(math.Round(math.Hypot(fu, float64(v))))
			if k > n/2 {
				p.ring[u*h+v] = -1
				continue
			}
			p.ring[u*h+v] = k
			p.count[k] += p.weight(v)
		}
	}
	return p
}

// weight is how many of the full spectrum's columns kept column v stands for.
func (p *PowerSpectrum) weight(v int) float64 {
	if v == 0 || 2*v == p.n {
		return 1
	}
	return 2
}

// N returns the tile size.
func (p *PowerSpectrum) N() int { return p.n }

// Bins returns the number of radial bins, n/2 + 1 (frequencies k/n, k =
// 0..n/2 cycles per pixel).
func (p *PowerSpectrum) Bins() int { return p.n/2 + 1 }

// Coefficients returns the windowed 2-D DFT X(u, v) of the n×n tile read
// from src (pixel (x, y) of the tile is src[off + y·stride + x]): the
// n/2+1 columns v = 0..n/2 of each of the n rows u, row-major (a real
// tile's other columns are complex conjugates). It writes dst (grown if
// shorter) and returns it. The DFT is linear, so the coefficients of
// a·x + b·y are a·X + b·Y: RadialOf combines cached ones without another
// transform.
func (p *PowerSpectrum) Coefficients(dst []complex128, src []float32, off, stride int) []complex128 {
	n, h := p.n, p.n/2+1
	if cap(dst) < n*h {
		dst = make([]complex128, n*h)
	}
	dst = dst[:n*h]
	for y := 0; y < n; y++ {
		line := src[off+y*stride : off+y*stride+n]
		for x, v := range line {
			p.row[x] = float64(v)
			if p.window != nil {
				p.row[x] *= p.window[x] * p.window[y]
			}
		}
		p.rows.Coefficients(p.half, p.row)
		copy(dst[y*h:(y+1)*h], p.half)
	}
	for v := 0; v < h; v++ {
		for u := 0; u < n; u++ {
			p.col[u] = dst[u*h+v]
		}
		p.cols.Coefficients(p.col, p.col)
		for u := 0; u < n; u++ {
			dst[u*h+v] = p.col[u]
		}
	}
	return dst
}

// RadialOf returns the radially averaged power spectrum of the tile whose
// coefficients (from Coefficients) are a·x + b·y; y may be nil (b is then
// ignored). It writes dst (grown to Bins() if shorter) and returns it.
func (p *PowerSpectrum) RadialOf(dst []float64, a float64, x []complex128, b float64, y []complex128) []float64 {
	h := p.n/2 + 1
	if cap(dst) < h {
		dst = make([]float64, h)
	}
	dst = dst[:h]
	clear(dst)
	ca, cb := complex(a, 0), complex(b, 0)
	for i, c := range x {
		k := p.ring[i]
		if k < 0 {
			continue
		}
		c *= ca
		if y != nil {
			c += cb * y[i]
		}
		m := cmplx.Abs(c)
		dst[k] += p.weight(i%h) * m * m
	}
	for k := range dst {
		dst[k] /= p.count[k] * p.norm
	}
	return dst
}

// Radial returns the radially averaged power spectrum of the n×n tile read
// from src: pixel (x, y) of the tile is src[off + y·stride + x]. It writes
// dst (grown to Bins() if shorter) and returns it.
func (p *PowerSpectrum) Radial(dst []float64, src []float32, off, stride int) []float64 {
	p.grid = p.Coefficients(p.grid, src, off, stride)
	return p.RadialOf(dst, 1, p.grid, 0, nil)
}
