package diffusion

import "math"

// Noise is a counter-based source of standard Gaussian numbers: the value at
// index i of stream s is a pure function of (Seed, s, i). Nothing is stored
// between calls, so any frame of noise can be recomputed in any order, and
// the same key gives the same bits natively and in WebAssembly.
//
// Construction. For a key k = mix(mix(Seed + γ) + s·γ₂), the j-th 64-bit
// word is h_j = mix(k + j·γ), where mix is the SplitMix64 finaliser and
// γ = 0x9E3779B97F4A7C15 (that is SplitMix64 itself, started at state k − γ,
// so its first output is mix(k)). Each word
// gives two Gaussians (index 2j from its low 32 bits, 2j+1 from its high 32
// bits) by the ziggurat method of Marsaglia & Tsang (2000) with 256 layers:
// of each 32 bits, the low 8 choose the layer, bit 8 the sign and the top 23
// the position; in 98.5% of draws the value is a single float32 multiply
// (the overall acceptance rate, rejection tests included, is 99.3%),
// several times cheaper than Box–Muller with math.Log and math.Sincos
// (docs/performance.md times Noise.Fill). The rare
// rejection and tail cases draw further words from a SplitMix64 sequence
// seeded by (h_j, half), so they stay a pure function of the key. No
// math.Exp/Log is used (see detmath.go), and no fused multiply-add, so the
// bits do not depend on the platform.
type Noise struct{ Seed uint64 }

const (
	golden  = 0x9E3779B97F4A7C15 // 2^64/φ, SplitMix64's increment
	golden2 = 0xD1B54A32D192ED03 // a second odd constant for stream keys
)

// mix is the SplitMix64 finaliser: a bijection of uint64 whose outputs for
// consecutive inputs spaced by golden pass BigCrush.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// key returns the stream key k of (Seed, stream).
func (n Noise) key(stream uint64) uint64 {
	return mix(mix(n.Seed+golden) + stream*golden2)
}

// Fill sets dst[i] to the Gaussian at index i of the stream, for every i. The
// values are N(0, 1) float32s, a pure function of (Seed, stream, i), and
// identical natively and in WebAssembly.
func (n Noise) Fill(dst []float32, stream uint64) {
	fillFrom(dst, n.key(stream), 0)
}

// At returns the value Fill would put at index i of the stream.
func (n Noise) At(stream, i uint64) float32 {
	return gaussHalf(mix(n.key(stream)+(i>>1)*golden), uint32(i&1))
}

// fillFrom fills dst with the Gaussians at indices first, first+1, … of the
// stream with key k.
//
// The loop does the fast ziggurat case for every value and has no call in
// it (a call makes the Go compiler spill the loop's variables on every
// iteration in wasm); the rare values whose fast test failed are listed and
// redone by gaussHalf afterwards.
func fillFrom(dst []float32, k uint64, first uint64) {
	if len(dst) == 0 {
		return
	}
	if first&1 == 1 { // starts on the high half of a word
		dst[0] = gaussHalf(mix(k+(first>>1)*golden), 1)
		dst = dst[1:]
		first++
	}
	c := k + (first>>1)*golden
	kn := &zigK
	ws := &zigWS
	const block = 256 // pairs
	var redo [block]int32
	for len(dst) >= 2 {
		pairs := min(len(dst)/2, block)
		d := dst[:2*pairs]
		c0 := c
		ns := 0
		for j := 0; j < pairs; j++ {
			h := mix(c)
			c += golden
			// As in gaussHalf for the low and high 32 bits, in uint64
			// arithmetic (uint32 costs a mask per operation in wasm).
			ulo, uhi := h>>9&(1<<23-1), h>>41
			ilo, ihi := h&0x1FF, h>>32&0x1FF
			d[2*j] = float32(int64(ulo)) * ws[ilo]
			d[2*j+1] = float32(int64(uhi)) * ws[ihi]
			// 1 if either fast test failed (u >= k), without a branch.
			bad := (^(ulo - uint64(kn[ilo&0xFF])) | ^(uhi - uint64(kn[ihi&0xFF]))) >> 63
			redo[ns&(block-1)] = int32(j)
			ns += int(bad)
		}
		for _, j := range redo[:ns] {
			h := mix(c0 + uint64(j)*golden)
			d[2*j] = gaussHalf(h, 0)
			d[2*j+1] = gaussHalf(h, 1)
		}
		dst = dst[2*pairs:]
	}
	if len(dst) == 1 {
		dst[0] = gaussHalf(mix(c), 0)
	}
}

// gaussHalf turns half (0 = low, 1 = high 32 bits) of the word h into a
// Gaussian: 8 bits choose the layer, the 9th the sign, the top 23 the
// position u; if u < k_layer the value is u·w_layer, else gaussSlow decides.
func gaussHalf(h uint64, half uint32) float32 {
	b := uint32(h >> (32 * half))
	if u := b >> 9; u < zigK[b&0xFF] {
		return float32(u) * zigWS[b&0x1FF]
	}
	return gaussSlow(h, half)
}

// Ziggurat tables for the density f(x) = exp(−x²/2) with N = 256 layers of
// equal area v (Marsaglia & Tsang 2000, "The ziggurat method for generating
// random variables", J. Stat. Softw. 5(8)). Layer i ≥ 1 is the rectangle
// [0, x_i] × [f(x_i), f(x_{i−1})]; layer 0 is the base strip of width
// v/f(r) holding the tail beyond r = x_255. A position u in [0, 2^23) maps to
// u·w_i; if u < k_i the point lies inside the curve for sure.
const (
	zigN    = 256
	zigR    = 3.6541528853610088   // x_255, the start of the tail
	zigV    = 0.004928673233974658 // area of each layer: r·f(r) + ∫_r^∞ f
	zigM    = 1 << 23              // positions per layer
	zigInvM = 1.0 / float64(zigM)
)

var (
	zigK  [zigN]uint32      // fast-accept thresholds
	zigWS [2 * zigN]float32 // position → x scale, float32; entries 256..511 negative (the sign bit)
	zigX  [zigN]float64     // layer edges x_i (zigX[0] = base width v/f(r))
	zigF  [zigN]float64     // f(x_i), zigF[0] = 1
)

func init() {
	f := func(x float64) float64 { return detExp(-0.5 * x * x) }
	var x [zigN]float64
	x[zigN-1] = zigR
	for i := zigN - 1; i >= 2; i-- {
		x[i-1] = math.Sqrt(-2 * detLog(zigV/x[i]+f(x[i])))
	}
	x[0] = 0
	for i := 1; i < zigN; i++ {
		zigK[i] = uint32(x[i-1] / x[i] * zigM)
		zigX[i] = x[i]
		zigF[i] = f(x[i])
	}
	q := zigV / f(zigR)
	zigK[0] = uint32(zigR / q * zigM)
	zigX[0] = q
	zigF[0] = 1
	for i := range zigN {
		zigWS[i] = float32(zigX[i] * zigInvM)
		zigWS[zigN+i] = -zigWS[i]
	}
}

// gaussSlow finishes a ziggurat draw whose fast test failed, for half
// (0 or 1) of the word h: the wedge test, the tail, and on rejection a fresh
// draw. Its random words come from SplitMix64 seeded by (h, half).
func gaussSlow(h uint64, half uint32) float32 {
	s := h + uint64(half+1)*golden2
	next := func() uint64 { s += golden; return mix(s) }
	unit := func() float64 { return float64(next()>>11+1) * (1.0 / (1 << 53)) } // (0, 1]
	b := uint32(h >> (32 * half))
	for {
		l, u, neg := b&0xFF, b>>9, b&0x100 != 0
		if u < zigK[l] {
			return float32(u) * zigWS[b&0x1FF]
		}
		var x float64
		if l == 0 {
			// Tail beyond r (Marsaglia 1964): x = r + e₁/r with e₁, e₂
			// exponential, accepted when 2e₂ ≥ (e₁/r)².
			for {
				d := -detLog(unit()) / zigR
				e := -detLog(unit())
				if e+e >= d*d {
					x = zigR + d
					break
				}
			}
			if neg {
				x = -x
			}
			return float32(x)
		}
		x = float64(u) * zigInvM * zigX[l]
		if zigF[l]+float64(unit()*(zigF[l-1]-zigF[l])) < detExp(-0.5*x*x) {
			if neg {
				x = -x
			}
			return float32(x)
		}
		b = uint32(next())
	}
}

// fillBridge sets d[i] = (A·a[i] + B·b[i]) + S·z_i, the Trajectory's bridge
// step, for the Gaussians z_i at indices first, first+1, … of the stream
// with key k: the same bits as fillFrom into a buffer followed by that sum,
// in one loop (faster in wasm, where the buffer's store and load cost as
// much as the sum).
func fillBridge(d, a, b []float32, A, B, S float32, k uint64, first uint64) {
	if len(d) == 0 {
		return
	}
	if first&1 == 1 { // starts on the high half of a word
		z := gaussHalf(mix(k+(first>>1)*golden), 1)
		d[0] = float32(float32(A*a[0])+float32(B*b[0])) + float32(S*z)
		d, a, b = d[1:], a[1:], b[1:]
		first++
	}
	c := k + (first>>1)*golden
	kn := &zigK
	ws := &zigWS
	const block = 256 // pairs
	var redo [block]int32
	for len(d) >= 2 {
		pairs := min(len(d)/2, block)
		dd := d[:2*pairs]
		aa := a[:2*pairs]
		bb := b[:2*pairs]
		c0 := c
		ns := 0
		for j := 0; j < pairs; j++ {
			h := mix(c)
			c += golden
			ulo, uhi := h>>9&(1<<23-1), h>>41
			ilo, ihi := h&0x1FF, h>>32&0x1FF
			z0 := float32(float32(int64(ulo)) * ws[ilo])
			z1 := float32(float32(int64(uhi)) * ws[ihi])
			dd[2*j] = float32(float32(A*aa[2*j])+float32(B*bb[2*j])) + float32(S*z0)
			dd[2*j+1] = float32(float32(A*aa[2*j+1])+float32(B*bb[2*j+1])) + float32(S*z1)
			bad := (^(ulo - uint64(kn[ilo&0xFF])) | ^(uhi - uint64(kn[ihi&0xFF]))) >> 63
			redo[ns&(block-1)] = int32(j)
			ns += int(bad)
		}
		for _, j := range redo[:ns] {
			h := mix(c0 + uint64(j)*golden)
			z0, z1 := gaussHalf(h, 0), gaussHalf(h, 1)
			dd[2*j] = float32(float32(A*aa[2*j])+float32(B*bb[2*j])) + float32(S*z0)
			dd[2*j+1] = float32(float32(A*aa[2*j+1])+float32(B*bb[2*j+1])) + float32(S*z1)
		}
		d, a, b = d[2*pairs:], a[2*pairs:], b[2*pairs:]
	}
	if len(d) == 1 {
		z := gaussHalf(mix(c), 0)
		d[0] = float32(float32(A*a[0])+float32(B*b[0])) + float32(S*z)
	}
}
