package app

import (
	"math"

	"dissolve/diffusion"
)

// The frequency view: radially averaged power spectra of x_t, x_0 and the
// noise, and the frequency above which the picture is under the noise
// (fine detail drowns first; Dieleman 2024).

// SpectrumTile is the largest tile side of the frequency view: the central
// square of side min(128, W, H) rounded down to a power of two.
const SpectrumTile = 128

// SpectrumReport is the frequency view (core function spectrum()): radially
// averaged power spectra (diffusion.PowerSpectrum, Hann window, averaged
// over the three channels) of the central tile of x_t, of x_0, and of the
// noise in x_t, x_t − √ᾱ_t x_0, at frequencies k/n cycles per pixel.
type SpectrumReport struct {
	Step  int       `json:"t"`
	N     int       `json:"n"`    // tile side
	Freq  []JSFloat `json:"freq"` // k/n, k = 1..n/2 (frequency 0 left out: log axes)
	Xt    []JSFloat `json:"xt"`
	X0    []JSFloat `json:"x0"`
	Noise []JSFloat `json:"noise"`
	// SignalShare is ᾱ_t times the spectrum of x_0: the picture's part of
	// x_t's power. NoiseLevel is 1 − ᾱ_t, the flat level of the noise.
	SignalShare []JSFloat `json:"signalShare"`
	NoiseLevel  JSFloat   `json:"noiseLevel"`
	// Drowned is the lowest frequency above which the picture's share stays
	// under the noise level (fine detail is drowned), or null if none is.
	Drowned JSFloat `json:"drowned"`
}

// spectrumTile returns the tile side for a w×h picture, or 0 if a side is
// under 4 pixels: the view needs two frequencies (k/n, k = 1..n/2) or more
// for its log axis, and the tile must fit in the picture.
func spectrumTile(w, h int) int {
	m := min(SpectrumTile, w, h)
	if m < 4 {
		return 0
	}
	n := 1
	for n*2 <= m {
		n *= 2
	}
	return n
}

// spectrumCache keeps the DFT of the tile of x_0 and of ε, per picture and
// seed.
type spectrumCache struct {
	ps      memo[int, *diffusion.PowerSpectrum] // by tile side
	base    memo[spectrumKey, spectrumBase]
	noise   [3][]complex128 // DFT coefficients of the chain's noise
	scratch []float64
	tile    []float32 // the chain's noise, x_t − √ᾱ_t·x_0, on the tile
}

type spectrumKey struct {
	ps   *diffusion.PowerSpectrum
	x0   *diffusion.Planar
	seed uint32
}

// spectrumBase is what the spectra at every t are made from.
type spectrumBase struct {
	x0, eps [3][]complex128 // DFT coefficients of the tiles of x_0 and ε
	specX0  []float64       // the radial spectrum of x_0
}

// coeffs are the three channels' DFT coefficients of the central tile of
// planar pix (w×h).
func coeffs(ps *diffusion.PowerSpectrum, dst *[3][]complex128, pix []float32, w, h int) {
	n := ps.N()
	off := (h-n)/2*w + (w-n)/2
	for ch := 0; ch < 3; ch++ {
		dst[ch] = ps.Coefficients(dst[ch], pix, ch*w*h+off, w)
	}
}

// radial averages over the channels the radial spectra of a·X + b·Y.
func (c *spectrumCache) radial(ps *diffusion.PowerSpectrum, a float64, x *[3][]complex128, b float64, y *[3][]complex128) []float64 {
	out := make([]float64, ps.Bins())
	for ch := 0; ch < 3; ch++ {
		var ych []complex128
		if y != nil {
			ych = y[ch]
		}
		c.scratch = ps.RadialOf(c.scratch, a, x[ch], b, ych)
		for k, v := range c.scratch {
			out[k] += v / 3
		}
	}
	return out
}

// Spectrum computes the frequency view of x_t (the state's mode) at the
// current t. The DFT is linear, so in closed form the spectra of x_t =
// a·x_0 + b·ε and of its noise b·ε come from the coefficients of x_0 and ε,
// transformed once per picture and seed; the Markov chain's noise is
// transformed at every call. A picture with a side under 4 pixels has no
// spectrum: N = 0 and empty lists.
func (e *Engine) Spectrum() SpectrumReport {
	c := &e.spec
	x0 := e.in.x0
	w, h := x0.W, x0.H
	n := spectrumTile(w, h)
	if n == 0 { // too thin a picture: no frequencies, empty lists
		empty := []JSFloat{}
		return SpectrumReport{Step: e.state.Step, Freq: empty, Xt: empty, X0: empty, Noise: empty, SignalShare: empty,
			NoiseLevel: JSFloat(e.in.sched.OneMinusAlphaBar(e.state.Step)), Drowned: JSFloat(math.NaN())}
	}
	ps := c.ps.Get(n, func(*diffusion.PowerSpectrum) *diffusion.PowerSpectrum { return diffusion.NewPowerSpectrum(n, true) })
	base := c.base.Get(spectrumKey{ps, x0, e.in.seed}, func(b spectrumBase) spectrumBase {
		coeffs(ps, &b.x0, x0.Pix, w, h)
		coeffs(ps, &b.eps, e.in.epsilon(), w, h)
		b.specX0 = c.radial(ps, 1, &b.x0, 0, nil)
		return b
	})
	t, s := e.state.Step, e.in.sched
	src := e.state.Mode.Source()
	a, b, _ := e.in.law(src, t)
	var specXt, specNoise []float64
	if src.making() == makeLinear {
		specXt = c.radial(ps, a, &base.x0, b, &base.eps)
		specNoise = c.radial(ps, b, &base.eps, 0, nil)
	} else {
		// The noise in x_t, x_t − √ᾱ_t·x_0, on the tile (three n×n planes,
		// not a whole frame).
		xt := e.Xt()
		c.tile = grow(c.tile, 3*n*n)
		fa := float32(a)
		off := (h-n)/2*w + (w-n)/2
		for ch := 0; ch < 3; ch++ {
			for y := 0; y < n; y++ {
				i0, j0 := ch*w*h+off+y*w, ch*n*n+y*n
				for x := 0; x < n; x++ {
					c.tile[j0+x] = xt[i0+x] - float32(fa*x0.Pix[i0+x])
				}
			}
		}
		coeffs(ps, &c.noise, c.tile, n, n)
		specXt = c.radial(ps, a, &base.x0, 1, &c.noise)
		specNoise = c.radial(ps, 1, &c.noise, 0, nil)
	}
	ab := s.AlphaBar[t]
	level := s.OneMinusAlphaBar(t)
	r := SpectrumReport{Step: t, N: n, NoiseLevel: JSFloat(level)}
	for k := 1; k <= n/2; k++ {
		r.Freq = append(r.Freq, JSFloat(float64(k)/float64(n)))
		r.Xt = append(r.Xt, JSFloat(specXt[k]))
		r.X0 = append(r.X0, JSFloat(base.specX0[k]))
		r.Noise = append(r.Noise, JSFloat(specNoise[k]))
		r.SignalShare = append(r.SignalShare, JSFloat(ab*base.specX0[k]))
	}
	r.Drowned = JSFloat(DrownedFrequency(r.Freq, r.SignalShare, level))
	return r
}

// DrownedFrequency returns the lowest frequency f_k such that the signal's
// power stays below level at f_k and every higher frequency, or NaN if the
// signal is above level at the highest frequency (nothing drowned), or if
// level is 0.
func DrownedFrequency(freq, signal []JSFloat, level float64) float64 {
	if level <= 0 || len(freq) == 0 {
		return math.NaN()
	}
	k := len(signal)
	for k > 0 && float64(signal[k-1]) < level {
		k--
	}
	if k == len(signal) {
		return math.NaN()
	}
	return float64(freq[k])
}
