package diffusion

import (
	"math"
	"unsafe"
)

// pixel packs three channel values into an RGBA word (R in the low byte,
// alpha 255), the layout of image.RGBA on a little-endian machine. It is too
// big for the inliner, so the hot loops spell it out: a call per pixel
// costs more than the pixel in wasm.
func pixel(r, g, b float32) uint32 {
	return toByte(r) | toByte(g)<<8 | toByte(b)<<16 | 0xFF000000
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// words returns rgba[:4n] seen as n uint32 RGBA words, or nil when that view
// is not possible (big-endian machine, misaligned or short slice); callers
// then write bytes one by one. Writing one word per pixel instead of four
// bytes is faster in wasm.
func words(rgba []byte, n int) []uint32 {
	if !littleEndian || len(rgba) < 4*n || n == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(rgba)))%4 != 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(rgba))), n)
}

// putPixel writes word w as 4 bytes at o (the fallback of words).
func putPixel(o []byte, w uint32) {
	_ = o[3]
	o[0], o[1], o[2], o[3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
}

// planes returns the first n values of the three planes of pix.
func planes(pix []float32, n int) (r, g, b []float32) {
	p := len(pix) / 3
	return pix[:n], pix[p:][:n], pix[2*p:][:n]
}

// ToRGBA writes the planar image pix (planes R, G, B of n = len(pix)/3 values
// in [−1, 1]) as n RGBA pixels to dst (len(dst) = 4n): each channel is
// round((v + 1)·127.5) clipped to 0..255, computed as ⌊v·127.5 + 128⌋ in
// float32; alpha is 255. If dst is shorter, only the pixels that fit are
// written.
func ToRGBA(dst []byte, pix []float32) {
	n := min(len(pix)/3, len(dst)/4)
	r, g, b := planes(pix, n)
	if w := words(dst, n); w != nil {
		w = w[:len(r)]
		g, b = g[:len(r)], b[:len(r)]
		for i := range w {
			w[i] = toByte(r[i]) | toByte(g[i])<<8 | toByte(b[i])<<16 | 0xFF000000
		}
		return
	}
	for i := range r {
		putPixel(dst[4*i:], pixel(r[i], g[i], b[i]))
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
	n := min(len(x0)/3, len(eps)/3, len(rgba)/4)
	xr, xg, xb := planes(x0, n)
	er, eg, eb := planes(eps, n)
	if w := words(rgba, n); w != nil {
		// Re-slicing to one length lets the compiler drop bounds checks.
		w = w[:len(xr)]
		xg, xb, er, eg, eb = xg[:len(xr)], xb[:len(xr)], er[:len(xr)], eg[:len(xr)], eb[:len(xr)]
		for i := range w {
			w[i] = toByte(float32(a*xr[i])+float32(b*er[i])) |
				toByte(float32(a*xg[i])+float32(b*eg[i]))<<8 |
				toByte(float32(a*xb[i])+float32(b*eb[i]))<<16 | 0xFF000000
		}
		return
	}
	for i := range xr {
		putPixel(rgba[4*i:], pixel(
			float32(a*xr[i])+float32(b*er[i]),
			float32(a*xg[i])+float32(b*eg[i]),
			float32(a*xb[i])+float32(b*eb[i])))
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
	k := n.key(stream)
	var buf [512]float32
	for off := 0; off < m; off += len(buf) {
		eps := buf[:min(len(buf), m-off)]
		fillFrom(eps, k, uint64(off))
		d, p := dst[off:off+len(eps)], prev[off:off+len(eps)]
		for i := range eps {
			d[i] = float32(sa*p[i]) + float32(sb*eps[i])
		}
	}
}

// MarkovStepRGBA is MarkovStep followed by ToRGBA(rgba, dst), fused into one
// pass over the frame: the same dst and the same bytes.
func MarkovStepRGBA(rgba []byte, dst, prev []float32, alpha float64, n Noise, stream uint64) {
	m := min(len(dst), len(prev))
	P := m / 3 // pixels
	w := words(rgba, P)
	if w == nil || len(dst) != len(prev) || m != 3*P {
		MarkovStep(dst, prev, alpha, n, stream)
		ToRGBA(rgba, dst)
		return
	}
	sa, sb := stepCoef(alpha)
	k := n.key(stream)
	dr, dg, db := planes(dst, P)
	pr, pg, pb := planes(prev, P)
	const block = 256
	var er, eg, eb [block]float32
	for off := 0; off < P; off += block {
		l := min(block, P-off)
		fillFrom(er[:l], k, uint64(off))
		fillFrom(eg[:l], k, uint64(P+off))
		fillFrom(eb[:l], k, uint64(2*P+off))
		ww := w[off : off+l]
		r, g, b := dr[off:off+l], dg[off:off+l], db[off:off+l]
		r0, g0, b0 := pr[off:off+l], pg[off:off+l], pb[off:off+l]
		zr, zg, zb := er[:l], eg[:l], eb[:l]
		for i := range ww {
			vr := float32(sa*r0[i]) + float32(sb*zr[i])
			vg := float32(sa*g0[i]) + float32(sb*zg[i])
			vb := float32(sa*b0[i]) + float32(sb*zb[i])
			r[i], g[i], b[i] = vr, vg, vb
			ww[i] = toByte(vr) | toByte(vg)<<8 | toByte(vb)<<16 | 0xFF000000
		}
	}
}
