package app

import (
	"math"

	"dissolve/diffusion"
)

// ResidualView makes the lesson's "x_T is close to, but not exactly,
// N(0, I)" visible. x_T = √ᾱ_T·x_0 + √(1−ᾱ_T)·ε: the picture's part
// √ᾱ_T·x_0 (0.00635·x_0 for the lesson's schedule) is far too faint to see
// in x_T, so it is shown three ways side by side, each a thumbnail of the
// picture's own pixels (nearest neighbour, as SnapshotStrip):
//
//	frame 0: x_T (closed form, the page's ε: in closed form exactly the
//	         pixels of the full x_T);
//	frame 1: √ᾱ_T·x_0 as it is: almost flat mid grey;
//	frame 2: Gain·√ᾱ_T·x_0, the same part magnified until it shows.
//
// With the zero-terminal-SNR rescaling √ᾱ_T = 0 and frames 1 and 2 are
// flat: then x_T is exactly N(0, I).
type ResidualView struct {
	T             int     `json:"T"`
	SqrtAlphaBarT JSFloat `json:"sqrtAlphaBarT"`
	Gain          float64 `json:"gain"`
	W             int     `json:"w"`
	H             int     `json:"h"`
	RGBA          []byte  `json:"rgba"` // 3 frames of W·H·4 bytes (base64 in JSON)
}

// ResidualThumb is the longer side of a residual thumbnail, in pixels.
const ResidualThumb = 128

// ResidualGain is the magnification that brings a residual of weight a
// (√ᾱ_T) to at least half the picture's: the smallest power of ten g with
// g·a ≥ ½ (100 for the lesson's 0.00635), and 1 when there is nothing to
// magnify (a = 0) or no need (a ≥ ½).
func ResidualGain(a float64) float64 {
	if !(a > 0) || a >= 0.5 {
		return 1
	}
	g := math.Pow(10, math.Ceil(math.Log10(0.5/a)))
	if g*a/10 >= 0.5 { // guard Log10's rounding at exact powers of ten
		g /= 10
	}
	return g
}

// Residual returns the ResidualView of the current picture, seed and
// schedule (at t = T, whatever the state's t).
func (e *Engine) Residual() ResidualView {
	in := e.in.thumbnail(ResidualThumb)
	s := in.sched
	a := s.SqrtAlphaBar(s.T)
	n := in.x0.N()
	v := ResidualView{T: s.T, SqrtAlphaBarT: JSFloat(a), Gain: ResidualGain(a), W: in.x0.W, H: in.x0.H, RGBA: make([]byte, 3*n*4)}
	xT := in.values(ClosedForm.Source(), s.T, nil, 1)
	part := make([]float32, 3*n)
	big := make([]float32, 3*n)
	fa, fg := float32(a), float32(v.Gain*a)
	for k, x := range in.x0.Pix {
		part[k] = fa * x
		big[k] = fg * x
	}
	diffusion.ToRGBA(v.RGBA[:4*n], xT)
	diffusion.ToRGBA(v.RGBA[4*n:8*n], part)
	diffusion.ToRGBA(v.RGBA[8*n:], big)
	return v
}
