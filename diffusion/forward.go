package diffusion

import "math"

// toByte maps v in [−1, 1] to a byte: ⌊v·127.5 + 128⌋ = round((v + 1)·127.5)
// (halves up), the multiply and add each rounded to float32, clipped to
// 0..255. NaN maps to 0.
func toByte(v float32) uint32 {
	q := float32(v*127.5) + 128
	if !(q >= 0) {
		return 0
	}
	if q >= 255 {
		return 255
	}
	return uint32(q)
}

// ToRGBA writes the planar image pix (planes R, G, B of n = len(pix)/3 values
// in [−1, 1]) as n RGBA pixels to dst (len(dst) = 4n): each channel is
// round((v + 1)·127.5) clipped to 0..255 (see toByte), alpha is 255. If dst
// is shorter, only the pixels that fit are written.
func ToRGBA(dst []byte, pix []float32) {
	n := len(pix) / 3
	n = min(n, len(dst)/4)
	r, g, b := pix[:n], pix[len(pix)/3:][:n], pix[2*(len(pix)/3):][:n]
	for i := 0; i < n; i++ {
		o := dst[4*i : 4*i+4]
		o[0] = byte(toByte(r[i]))
		o[1] = byte(toByte(g[i]))
		o[2] = byte(toByte(b[i]))
		o[3] = 255
	}
}

// ClosedForm sets dst = a·x0 + b·eps, element by element, the lesson's
// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with a = √ᾱ_t and b = √(1 − ᾱ_t). Each
// product is rounded to float32 before the sum (no fused multiply-add), so
// the result has the same bits on every platform. dst may alias x0 or eps.
func ClosedForm(dst, x0, eps []float32, a, b float32) {
	n := min(len(dst), len(x0), len(eps))
	dst, x0, eps = dst[:n], x0[:n], eps[:n]
	for i := range dst {
		dst[i] = float32(a*x0[i]) + float32(b*eps[i])
	}
}

// ClosedFormRGBA writes ToRGBA(a·x0 + b·eps) to rgba in one pass, without a
// temporary frame: the same bytes as ClosedForm followed by ToRGBA.
func ClosedFormRGBA(rgba []byte, x0, eps []float32, a, b float32) {
	n := min(len(x0), len(eps)) / 3
	n = min(n, len(rgba)/4)
	p0, p1 := len(x0)/3, len(eps)/3
	xr, xg, xb := x0[:n], x0[p0:][:n], x0[2*p0:][:n]
	er, eg, eb := eps[:n], eps[p1:][:n], eps[2*p1:][:n]
	for i := 0; i < n; i++ {
		o := rgba[4*i : 4*i+4]
		o[0] = byte(toByte(float32(a*xr[i]) + float32(b*er[i])))
		o[1] = byte(toByte(float32(a*xg[i]) + float32(b*eg[i])))
		o[2] = byte(toByte(float32(a*xb[i]) + float32(b*eb[i])))
		o[3] = 255
	}
}

// stepCoef returns float32 √α and √(1 − α) for α clamped to [0, 1] (NaN as 0).
func stepCoef(alpha float64) (sa, sb float32) {
	if !(alpha >= 0) {
		alpha = 0
	}
	alpha = math.Min(alpha, 1)
	return float32(math.Sqrt(alpha)), float32(math.Sqrt(1 - alpha))
}

// MarkovStep takes one step of the chain, the lesson's
// q(x_t | x_{t−1}) = N(√α_t·x_{t−1}, (1 − α_t)·I):
//
//	dst = √α·prev + √(1 − α)·ε,  ε = n.Fill(·, stream)
//
// with fresh noise from the given stream (use a different stream for every
// step). alpha is clamped to [0, 1]. dst may alias prev. Arithmetic as in
// ClosedForm, so the bits are the same on every platform.
func MarkovStep(dst, prev []float32, alpha float64, n Noise, stream uint64) {
	sa, sb := stepCoef(alpha)
	m := min(len(dst), len(prev))
	dst, prev = dst[:m], prev[:m]
	var buf [512]float32
	for off := 0; off < m; off += len(buf) {
		eps := buf[:min(len(buf), m-off)]
		fillFrom(eps, n.key(stream), uint64(off))
		d, p := dst[off:off+len(eps)], prev[off:off+len(eps)]
		for i := range eps {
			d[i] = float32(sa*p[i]) + float32(sb*eps[i])
		}
	}
}

// MarkovStepRGBA is MarkovStep followed by ToRGBA(rgba, dst), fused into one
// pass: the same dst and the same bytes.
func MarkovStepRGBA(rgba []byte, dst, prev []float32, alpha float64, n Noise, stream uint64) {
	MarkovStep(dst, prev, alpha, n, stream)
	ToRGBA(rgba, dst)
}
