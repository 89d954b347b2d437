package reverse

import (
	"fmt"
	"math"

	"dissolve/diffusion"
)

// Local is the patch-based denoiser of Kamb & Ganguli, "An analytic theory
// of creativity in convolutional diffusion models" (arXiv 2412.20292, ICML
// 2025): the ideal denoiser E[x_0 | x_t] restricted, pixel by pixel, to the
// P×P patch Ω_i around pixel i. Their local score (LS) machine compares
// x_t's patch with the training images' patches at the same place:
//
//	w_n(i)     = softmax_n( −‖x_t[Ω_i] − √ᾱ_t·X_n[Ω_i]‖² / (2(1−ᾱ_t)) )
//	x̂_0[c, i] = Σ_n w_n(i)·X_n[c, i]
//
// and their equivariant local score (ELS) machine compares it with the
// patches at every place j of every image, and takes the patch's centre:
//
//	w_{n,j}(i) = softmax_{n,j}( −‖x_t[Ω_i] − √ᾱ_t·X_n[Ω_j]‖² / (2(1−ᾱ_t)) )
//	x̂_0[c, i] = Σ_{n,j} w_{n,j}(i)·X_n[c, j]
//
// (their machines return the score −(x_t − √ᾱ_t·x̂_0)/(1−ᾱ_t); this is
// the same written through x̂_0). A patch spans all C planes: the squared distance sums over the
// P×P pixels of every plane, and the plane-c output takes plane c of the
// centre. The boundary follows their code (utils/idealscore.py,
// LocalScoreModule and LocalEquivScoreModule):
//
//   - LS: a patch is truncated at the image's edge. Only the pixels of Ω_i
//     inside the image count; this is the same as padding both x_t and X_n
//     with zeros (their F.unfold of the squared differences with
//     padding=P/2). With P ≥ 2·max(W, H) − 1 every patch is the whole image
//     and LS is the ideal denoiser.
//   - ELS: x_t's patch is read circularly (wrapping around the edges, their
//     padding mode 'circular'), and the training patches Ω_j are the
//     (H−P+1)(W−P+1) patches lying wholly inside each image (F.unfold
//     without padding). ELS is then exactly equivariant under circular
//     shifts of x_t. P is at most min(W, H).
//
// The patch size comes from PatchSize(t) (see Patch); NewLocal sets it to
// their calibrated MNIST schedule (LocalCalibratedPatch). Their
// boundary-broken ELS (bbELS) is not implemented.
//
// # Computation
//
// The squared distance is a sum over the patch, so its exponential is a
// product of per-pixel Gaussian factors:
//
//	exp(−‖x_t[Ω_i] − √ᾱ X_n[Ω_i]‖²/(2(1−ᾱ))) = Π_{c, p∈Ω_i} F_{c,p}[X_n[c, p]],
//	F_{c,p}[b] = exp(−((x_t[c,p] − √ᾱ·v_b)² − m_{c,p}) / (2(1−ᾱ)))
//
// where v_b = ByteValue[b] and m_{c,p} = min_b (x_t[c,p] − √ᾱ v_b)² (a shift
// per pixel that cancels in the softmax; the nearest byte gives it). The
// 256 factors of every pixel are tabulated once per call (C·H·W·256
// exponentials, independent of N; LS with fewer than 256 images or more
// than 2^15 numbers an image computes each image's factors instead, see
// localTableMinN), and then every (image, pixel) costs a table look-up and
// box products by sliding windows (3 multiplications a pixel across and 3
// down, whatever P: pair products in registers for P ≤ 5, van
// Herk/Gil-Werman beyond), with no exponential: O(N·H·W) for LS, as the
// box filter of the distances would be, and O(N·(H·W)²) for ELS (a box
// product per image and circular shift: meant for small images and data
// sets, and its table takes D·2 KiB). Factors are ≤ 1, so products never overflow; they are float64,
// and a factor below e^−708 is 0 (localExp).
//
// Skipped mass: the main path keeps, per pixel, S(i) = Σ_n Π F (the
// softmax's denominator times e^{Σ m/(2(1−ᾱ))}, the same shift for every
// n). A term is lost only if a factor or the product falls below e^−708
// (< 2^−1021), so when S(i) ≥ 2^−900 the lost mass is below N·2^−121 of
// S(i): nothing at float32 resolution (tested: S(i) matches a float64
// reference to 1e−10). A pixel with S(i) < 2^−900 (every training patch's
// squared distance exceeds Σ_{c,p∈Ω_i} m_{c,p} by more than about
// 620·2(1−ᾱ_t), e.g. pure noise at t = 1) is recomputed in the log
// domain: distances by box sums, a running maximum m of the logits ℓ, and
// the rescaled sums Σ e^{ℓ−m}, Σ e^{ℓ−m}·X (a stable log-sum-exp),
// skipping terms with ℓ < m − 87 (each below e^−87 of the final maximum).
//
// Every operation is a float64 +, −, ×, ÷ with an explicit conversion
// after each product (no fused multiply-add) and a table look-up, in a
// fixed order, rounded to float32 once at the end: the same input gives the
// same bits natively and in WebAssembly.
//
// A Local is not safe for concurrent use (it keeps scratch buffers).
type Local struct {
	Schedule    *diffusion.Schedule
	Data        *Dataset
	Equivariant bool // ELS instead of LS
	// PatchSize gives the patch side P for step t (see Patch for how it is
	// clamped). NewLocal sets it to LocalCalibratedPatch.
	PatchSize func(t int) int

	forceLog bool // tests: use the log-domain path for every pixel
	mode     int  // tests: 0 chooses, 1 forces the table, 2 direct factors

	direct bool      // this call computes LS factors directly (no table)
	m      []float64 // m[c·HW + p] = m_{c,p}
	xt     []float32 // x_t of this call (direct factors)
	c      float64   // 1/(2(1−ᾱ_t)) of this call

	tab  [][256]float64 // tab[c·HW + p][b] = F_{c,p}[b]
	sv   [256]float64   // √ᾱ_t·v_b
	f, w []float64      // factor map, box products (log path: squared differences, distances)
	hbuf []float64      // one padded row
	sc   []float64      // sliding-window scratch
	vbuf []float64      // rows padded for the vertical pass
	sum  []float64      // S(i)
	num  []float64      // Σ w·X[c, ·], C planes
	mx   []float64      // log path: running maximum logit
	lsum []float64      // log path: S(i)
	lnum []float64      // log path: A
	flag []bool
}

// Kamb & Ganguli's calibrated patch sizes for MNIST, read from their
// repository's files/scales_MNIST_ResNet_zeros.pt and
// files/scales_MNIST_ResNet_circular.pt: for each of the 20 noise levels of
// their calibration (scales_calibration.py, 20 steps), the patch side whose
// LS/ELS output best matched (cosine similarity, median over 10 samples) a
// ResNet trained with zero, respectively circular, padding. Entry j was
// measured at their time u = (j+1)/20, where their cosine schedule has
// noise variance 1−ᾱ = sin²(u/1.008 · π/2). Their MNIST is resized to
// 32×32, so sides are in 32-pixel units (see LocalCalibratedPatch).
var (
	LocalMNISTScalesZeros    = [20]int{3, 3, 5, 5, 5, 7, 7, 7, 9, 9, 11, 11, 11, 11, 13, 15, 15, 15, 15, 15}
	LocalMNISTScalesCircular = [20]int{3, 3, 5, 5, 5, 7, 7, 9, 9, 9, 11, 11, 11, 11, 9, 9, 7, 7, 3, 3}
)

// localScaleBounds[j] is the noise variance 1−ᾱ halfway, in their time u,
// between calibration levels j and j+1: sin²((j+1.5)/20/1.008 · π/2). They
// are literals so that the choice of level is the same on every platform
// (a test recomputes them).
var localScaleBounds = [19]float64{
	0.013597619089450346, 0.03746613129486261, 0.07254406466352667,
	0.11798131208919627, 0.17267671044122523, 0.2353047270455716,
	0.30434758371941256, 0.37813203983944466, 0.4548699430131387,
	0.5327015646150716, 0.6097406699597755, 0.6841202308439622,
	0.7540376726232648, 0.8177985592691274, 0.8738576577067121,
	0.9208563862473349, 0.9576557395597236, 0.9833638922496236,
	0.9973578120802025,
}

// LocalScaleLevel returns the calibration level j (0..19) whose noise
// variance is nearest (in their time u) to oneMinusAlphaBar = 1−ᾱ_t.
func LocalScaleLevel(oneMinusAlphaBar float64) int {
	j := 0
	for j < len(localScaleBounds) && oneMinusAlphaBar > localScaleBounds[j] {
		j++
	}
	return j
}

// LocalCalibratedPatch returns Kamb & Ganguli's calibrated MNIST patch
// schedule for a schedule s and images of w×h pixels: at step t it takes
// the scale k of the calibration level nearest to 1−ᾱ_t (LocalScaleLevel)
// from LocalMNISTScalesZeros (LS) or LocalMNISTScalesCircular (ELS, which
// here pads x_t circularly as their circular ELS does) and rescales it from
// their 32-pixel images to L = min(w, h) pixels, to the nearest odd side:
// P = 2·⌊k·L/64⌋ + 1 (P = k when L = 32; for 28×28 MNIST the sides
// 3, 5, 7, 9, 11, 13, 15 become 3, 5, 7, 7, 9, 11, 13). P grows with t:
// small patches (sharp detail) at low noise, large ones at high noise.
func LocalCalibratedPatch(s *diffusion.Schedule, w, h int, equivariant bool) func(t int) int {
	table := &LocalMNISTScalesZeros
	if equivariant {
		table = &LocalMNISTScalesCircular
	}
	L := min(w, h)
	return func(t int) int {
		k := table[LocalScaleLevel(s.OneMinusAlphaBar(t))]
		return 2*(k*L/64) + 1
	}
}

// NewLocal returns the LS (equivariant false) or ELS denoiser of data set d
// under schedule s, with the calibrated patch schedule.
func NewLocal(s *diffusion.Schedule, d *Dataset, equivariant bool) *Local {
	return &Local{
		Schedule:    s,
		Data:        d,
		Equivariant: equivariant,
		PatchSize:   LocalCalibratedPatch(s, d.W, d.H, equivariant),
	}
}

// Patch returns the patch side P used at step t: PatchSize(t) made odd
// (an even side is rounded up), at least 1, at most 2·max(W, H) − 1 for LS
// (larger patches are the whole image anyway) and at most the largest odd
// number ≤ min(W, H) for ELS (a training patch must fit in an image).
func (l *Local) Patch(t int) int {
	P := 1
	if l.PatchSize != nil {
		P = l.PatchSize(t)
	}
	P = max(P, 1) | 1
	W, H := l.Data.W, l.Data.H
	if l.Equivariant {
		P = min(P, (min(W, H)-1)|1)
	} else {
		P = min(P, 2*max(W, H)-1)
	}
	return P
}

// String describes the denoiser, e.g. "LS (Kamb & Ganguli), N=10000".
func (l *Local) String() string {
	k := "LS"
	if l.Equivariant {
		k = "ELS"
	}
	return fmt.Sprintf("%s (Kamb & Ganguli), N=%d", k, l.Data.Len())
}

// Denoise writes x̂_0 for x_t at step t (clamped to 1..T) into dst.
func (l *Local) Denoise(dst, xt []float32, t int) {
	d := l.Data
	D := d.Dim()
	if len(dst) != D || len(xt) != D {
		panic(fmt.Sprintf("reverse: Local.Denoise needs slices of %d numbers, got %d and %d", D, len(dst), len(xt)))
	}
	t = min(max(t, 1), l.Schedule.T)
	P := l.Patch(t)
	s := float64(float32(l.Schedule.SqrtAlphaBar(t)))
	c := 0.5 / l.Schedule.OneMinusAlphaBar(t)
	l.alloc()
	for b := range l.sv {
		l.sv[b] = float64(s * float64(ByteValue[b])) // exact
	}
	HW := d.W * d.H
	N := d.Len()
	l.direct = !l.Equivariant && (N < localTableMinN || D > localTableMaxDim)
	if l.mode != 0 {
		l.direct = !l.Equivariant && l.mode == 2
	}
	redo := true
	if !l.forceLog {
		l.table(xt, c)
		if l.Equivariant {
			l.elsProduct(P)
		} else {
			l.lsProduct(P)
		}
		redo = false
		for i := range HW {
			S := l.sum[i]
			l.flag[i] = !(S >= 0x1p-900)
			if l.flag[i] {
				redo = true
				continue
			}
			for ch := range d.C {
				dst[ch*HW+i] = float32(l.num[ch*HW+i] / S)
			}
		}
	} else {
		for i := range l.flag {
			l.flag[i] = true
		}
	}
	if redo {
		l.logPath(dst, xt, c, P)
	}
	l.xt = nil
}

func (l *Local) alloc() {
	d := l.Data
	HW, D := d.W*d.H, d.Dim()
	if len(l.f) == HW && len(l.num) == D {
		return
	}
	pad := 2 * max(d.W, d.H) // r < max(W, H) always
	l.m = make([]float64, D)
	l.f = make([]float64, HW)
	l.w = make([]float64, HW)
	l.vbuf = make([]float64, (d.H+pad)*d.W)
	l.hbuf = make([]float64, d.W+pad)
	l.sc = make([]float64, (d.H+pad)*d.W+d.W+pad)
	l.sum = make([]float64, HW)
	l.num = make([]float64, D)
	l.mx = make([]float64, HW)
	l.lsum = make([]float64, HW)
	l.lnum = make([]float64, D)
	l.flag = make([]bool, HW)
}

// localTableMinN and localTableMaxDim: LS tabulates the factors (256 per
// pixel and plane) when there are at least as many images as bytes and the
// table takes at most 64 MiB (D ≤ 32768); otherwise each image's factors
// are computed directly, N·D exponentials and no table (a few photographs
// of 256×256 would otherwise need D·2 KiB of table). ELS always tabulates:
// its N·(H·W)² factor uses dwarf the D·256 exponentials.
const (
	localTableMinN   = 256
	localTableMaxDim = 1 << 15
)

// table sets m_{c,p} for x_t (minSq) and, unless l.direct, tabulates
// the factors F_{c,p}[b] (c = 1/(2(1−ᾱ))). The squared differences and
// their shift are float64 (√ᾱ·v_b is exact there: a product of two
// float32s), so a factor's relative error is a few ulp of float64.
func (l *Local) table(xt []float32, c float64) {
	l.xt, l.c = xt, c
	D := len(xt)
	for q, x := range xt {
		l.m[q] = l.minSq(float64(x))
	}
	if l.direct {
		return
	}
	if len(l.tab) != D {
		l.tab = make([][256]float64, D)
	}
	for q, x := range xt {
		x64, m := float64(x), l.m[q]
		row := &l.tab[q]
		for b, v := range l.sv {
			dv := x64 - v
			row[b] = localExp(-float64((float64(dv*dv) - m) * c))
		}
	}
}

// minSq returns min_b (x − √ᾱ·v_b)²: v_b increases with b, so the
// minimum is at the byte nearest to x/√ᾱ in v, found by rounding and
// checked against its neighbours (which absorbs any rounding).
func (l *Local) minSq(x float64) float64 {
	s := l.sv[255] // √ᾱ·v_255 = √ᾱ
	b0 := 127
	if s > 0 {
		u := float64(float64(x/s)+1) * 127.5
		if !(u > 0) { // also NaN: no float-to-int conversion of NaN
			u = 0
		}
		b0 = int(math.Round(min(u, 255)))
	}
	m := math.Inf(1)
	for b := max(b0-1, 0); b <= min(b0+1, 255); b++ {
		dv := x - l.sv[b]
		m = min(m, float64(dv*dv))
	}
	return m
}

// factor returns F_{c,p}[b] for q = c·HW + p, computed directly.
func (l *Local) factor(q int, b uint8) float64 {
	dv := float64(l.xt[q]) - l.sv[b]
	return localExp(-float64((float64(dv*dv) - l.m[q]) * l.c))
}

// lsProduct accumulates sum and num over the images for LS: for every
// image, the factors' row products into a map padded with rows of ones,
// the products of P rows, and the weighted sums.
func (l *Local) lsProduct(P int) {
	d := l.Data
	W, H, C := d.W, d.H, d.C
	HW, D := W*H, d.Dim()
	clear(l.sum)
	clear(l.num)
	if C == 1 && P == 5 && W >= 2 && !l.direct {
		l.lsProduct5()
		return
	}
	r := P / 2
	tab, w, sum := l.tab, l.w[:HW], l.sum[:HW]
	hb := l.hbuf[:W+2*r]
	for k := range r {
		hb[k], hb[r+W+k] = 1, 1
	}
	mid := hb[r : r+W]
	hp := l.vbuf[:(H+2*r)*W]
	for x := range r * W {
		hp[x], hp[(H+r)*W+x] = 1, 1
	}
	for n := range d.Len() {
		img := d.Pix[n*D : n*D+D]
		for y := range H {
			base := y * W
			switch {
			case l.direct:
				for x, b := range img[base : base+W] {
					mid[x] = l.factor(base+x, b)
				}
				for ch := 1; ch < C; ch++ {
					off := ch*HW + base
					for x, b := range img[off : off+W] {
						mid[x] = float64(mid[x] * l.factor(off+x, b))
					}
				}
			default:
				t0 := tab[base : base+W]
				for x, b := range img[base : base+W] {
					mid[x] = t0[x][b]
				}
				for ch := 1; ch < C; ch++ {
					off := ch*HW + base
					tc := tab[off : off+W]
					for x, b := range img[off : off+W] {
						mid[x] = float64(mid[x] * tc[x][b])
					}
				}
			}
			out := hp[(y+r)*W : (y+r+1)*W]
			if P > 5 {
				localWindowProd1(out, hb, l.sc, P)
			} else {
				localSlide(out, hb, P, false)
			}
		}
		if P > 5 {
			localWindowProd(w, hp, l.sc, W, P)
		} else {
			copy(w, hp[:HW])
			for k := 1; k < P; k++ {
				src := hp[k*W : k*W+HW]
				src = src[:len(w)]
				for i := range w {
					w[i] = float64(w[i] * src[i])
				}
			}
		}
		if C == 1 {
			num := l.num[:HW]
			img := img[:len(w)]
			for i, wi := range w {
				sum[i] += wi
				num[i] += float64(wi * localByteValue64[img[i]])
			}
			continue
		}
		for y := range H {
			l.lsAdd(w[y*W:y*W+W], img, y*W)
		}
	}
}

// lsProduct5 is lsProduct for one plane and P = 5. The row products go to
// hp, padded with two rows of ones above and below; each column is then
// walked down with the last five row products in registers, the window
// product taken as ((a0·a1)·(a2·a3))·a4 from pair products (3 products a
// pixel, as in the rows), and added straight into the sums.
func (l *Local) lsProduct5() {
	d := l.Data
	W, H := d.W, d.H
	HW := W * H
	hp := l.vbuf[:(H+4)*W]
	for x := range W {
		hp[x], hp[W+x], hp[(H+2)*W+x], hp[(H+3)*W+x] = 1, 1, 1, 1
	}
	sum, num, tab := l.sum[:HW], l.num[:HW], l.tab[:HW]
	for n := range d.Len() {
		img := d.Pix[n*HW : n*HW+HW]
		for y := range H {
			// localSlide(…, 5, …) on the row of factors padded with ones,
			// with the factors looked up on the way (no call: calls are
			// dear in WebAssembly). q(k) = f[k]·f[k+1], out[x] =
			// (q(x−2)·q(x))·f[x+2]; 1·v = v, so the bits are localSlide's.
			base := y * W
			row := img[base : base+W]
			t0 := tab[base : base+W]
			t0 = t0[:len(row)]
			out := hp[(y+2)*W : (y+3)*W]
			out = out[:len(row)]
			f0, f1 := t0[0][row[0]], t0[1][row[1]]
			q0, q1, q2, a3 := 1.0, f0, float64(f0*f1), f1
			rest, tr := row[2:], t0[2:]
			tr = tr[:len(rest)]
			for x, b := range rest {
				a4 := tr[x][b]
				q3 := float64(a3 * a4)
				out[x] = float64(float64(q0*q2) * a4)
				q0, q1, q2, a3 = q1, q2, q3, a4
			}
			for x := len(rest); x < len(out); x++ {
				out[x] = float64(q0 * q2)
				q0, q1, q2, a3 = q1, q2, a3, 1
			}
		}
		for x := range W {
			a0, a1, a2, a3 := hp[x], hp[W+x], hp[2*W+x], hp[3*W+x]
			q0, q1, q2 := float64(a0*a1), float64(a1*a2), float64(a2*a3)
			k := 4*W + x
			for i := x; i < HW; i += W {
				a4 := hp[k]
				k += W
				q3 := float64(a3 * a4)
				w := float64(float64(q0*q2) * a4)
				sum[i] += w
				num[i] += float64(w * localByteValue64[img[i]])
				q0, q1, q2, a3 = q1, q2, q3, a4
			}
		}
	}
}

// localByteValue64[b] = float64(ByteValue[b]).
var localByteValue64 = func() (v [256]float64) {
	for b, x := range ByteValue {
		v[b] = float64(x)
	}
	return v
}()

// lsAdd adds the weights w of output row base/W and their weighted pixels.
func (l *Local) lsAdd(w []float64, img []uint8, base int) {
	d := l.Data
	HW := d.W * d.H
	s := l.sum[base : base+len(w)]
	for x, wi := range w {
		w64 := float64(wi)
		s[x] += w64
		for ch := range d.C {
			k := ch*HW + base + x
			l.num[k] += float64(w64 * localByteValue64[img[k]])
		}
	}
}

// elsProduct accumulates sum and num for ELS: for every image and every
// circular shift (sy, sx), x_t's pixel p is compared with the image's pixel
// p+s (mod the size): the factors' row products (rows padded circularly)
// go to a map padded with wrapped rows, and the product of P rows around
// output pixel i is the weight of the training patch centred at j = i+s,
// kept when that patch lies inside the image.
func (l *Local) elsProduct(P int) {
	d := l.Data
	W, H, C := d.W, d.H, d.C
	HW, D := W*H, d.Dim()
	r := P / 2
	clear(l.sum)
	clear(l.num)
	tab, w, sum, num := l.tab, l.w[:HW], l.sum[:HW], l.num[:D]
	hb := l.hbuf[:W+2*r]
	mid := hb[r : r+W]
	hp := l.vbuf[:(H+2*r)*W]
	for n := range d.Len() {
		img := d.Pix[n*D : n*D+D]
		for sy := range H {
			for sx := range W {
				for y := range H {
					rho := y + sy
					if rho >= H {
						rho -= H
					}
					base := y * W
					k := W - sx
					for ch := range C {
						t0 := tab[ch*HW+base : ch*HW+base+W]
						drow := img[ch*HW+rho*W : ch*HW+rho*W+W]
						if ch == 0 {
							for x, b := range drow[sx:] {
								mid[x] = t0[x][b]
							}
							t1 := t0[k:]
							for x, b := range drow[:sx] {
								mid[k+x] = t1[x][b]
							}
							continue
						}
						for x, b := range drow[sx:] {
							mid[x] = float64(mid[x] * t0[x][b])
						}
						t1 := t0[k:]
						for x, b := range drow[:sx] {
							mid[k+x] = float64(mid[k+x] * t1[x][b])
						}
					}
					for k := range r {
						hb[k], hb[r+W+k] = mid[W-r+k], mid[k]
					}
					out := hp[(y+r)*W : (y+r+1)*W]
					switch {
					case P == 5:
						// localSlide(out, hb, 5, false) without the call.
						q0, q1, q2, a3 := float64(hb[0]*hb[1]), float64(hb[1]*hb[2]), float64(hb[2]*hb[3]), hb[3]
						rest := hb[4 : W+4]
						out = out[:len(rest)]
						for x, a4 := range rest {
							q3 := float64(a3 * a4)
							out[x] = float64(float64(q0*q2) * a4)
							q0, q1, q2, a3 = q1, q2, q3, a4
						}
					case P > 5:
						localWindowProd1(out, hb, l.sc, P)
					default:
						localSlide(out, hb, P, false)
					}
				}
				copy(hp[:r*W], hp[H*W:(H+r)*W])
				copy(hp[(H+r)*W:(H+2*r)*W], hp[r*W:2*r*W])
				if C == 1 && P == 5 {
					l.elsColumns5(hp, img, sy, sx)
					continue
				}
				if P > 5 {
					localWindowProd(w, hp, l.sc, W, P)
				} else {
					for y := range H {
						if jy := (y + sy) % H; jy < r || jy >= H-r {
							continue // no training patch is centred on row jy
						}
						o := w[y*W : y*W+W]
						copy(o, hp[y*W:y*W+W])
						for k := 1; k < P; k++ {
							src := hp[(y+k)*W : (y+k+1)*W]
							src = src[:len(o)]
							for x := range o {
								o[x] = float64(o[x] * src[x])
							}
						}
					}
				}
				// Outputs i whose centre j = i+s is at least r from every edge.
				for jy := r; jy < H-r; jy++ {
					iy := jy - sy
					if iy < 0 {
						iy += H
					}
					wr := w[iy*W : iy*W+W]
					for jx := r; jx < W-r; jx++ {
						ix := jx - sx
						if ix < 0 {
							ix += W
						}
						wi := wr[ix]
						i := iy*W + ix
						sum[i] += wi
						for ch := range C {
							num[ch*HW+i] += float64(wi * localByteValue64[img[ch*HW+jy*W+jx]])
						}
					}
				}
			}
		}
	}
}

// elsColumns5 is the end of elsProduct for one plane and P = 5: it walks
// down the columns whose training centre column is inside, with the last
// five row products in registers as lsProduct5 does, and adds the weights
// of the rows whose training centre row is inside.
func (l *Local) elsColumns5(hp []float64, img []uint8, sy, sx int) {
	d := l.Data
	W, H := d.W, d.H
	HW := W * H
	sum, num := l.sum[:HW], l.num[:HW]
	hp = hp[:(H+4)*W]
	for ix := range W {
		jx := ix + sx
		if jx >= W {
			jx -= W
		}
		if jx < 2 || jx >= W-2 {
			continue
		}
		a0, a1, a2, a3 := hp[ix], hp[W+ix], hp[2*W+ix], hp[3*W+ix]
		q0, q1, q2 := float64(a0*a1), float64(a1*a2), float64(a2*a3)
		k := 4*W + ix
		jy := sy
		for i := ix; i < HW; i += W {
			a4 := hp[k]
			k += W
			q3 := float64(a3 * a4)
			if jy >= 2 && jy < H-2 {
				w := float64(float64(q0*q2) * a4)
				sum[i] += w
				num[i] += float64(w * localByteValue64[img[jy*W+jx]])
			}
			q0, q1, q2, a3 = q1, q2, q3, a4
			if jy++; jy == H {
				jy = 0
			}
		}
	}
}

// localBoxSum writes into out, for every pixel of a W×H map in, the sum of
// in over the P×P window around it: by rows, then by columns, on buffers
// padded with zeros (which leave a sum's bits unchanged: truncated windows)
// or, if circular, with the wrapped values. hb and vb hold at least W+P−1
// and (H+P−1)·W numbers. (A box filter by separable sliding windows; the
// log-domain path's. It is O(P) a pixel, which that rare path can afford.)
func localBoxSum(out, in, hb, vb []float64, W, H, P int, circular bool) {
	r := P / 2
	hb = hb[:W+2*r]
	vb = vb[:(H+2*r)*W]
	for y := range H {
		row := in[y*W : y*W+W]
		copy(hb[r:r+W], row)
		for k := range r {
			if circular {
				hb[k] = row[((k-r)%W+W)%W]
				hb[r+W+k] = row[k%W]
			} else {
				hb[k] = 0
				hb[r+W+k] = 0
			}
		}
		localSlide(vb[(y+r)*W:(y+r)*W+W], hb, P, true)
	}
	for k := range r {
		top := vb[k*W : k*W+W]
		bot := vb[(r+H+k)*W : (r+H+k)*W+W]
		if circular {
			copy(top, vb[(r+((k-r)%H+H)%H)*W:][:W])
			copy(bot, vb[(r+k%H)*W:][:W])
		} else {
			clear(top)
			clear(bot)
		}
	}
	for y := range H {
		o := out[y*W : y*W+W]
		copy(o, vb[y*W:y*W+W])
		for k := 1; k < P; k++ {
			src := vb[(y+k)*W : (y+k)*W+W]
			src = src[:len(o)]
			for x := range o {
				o[x] += src[x]
			}
		}
	}
}

// localWindowProd sets out[x] = Π_{k<P} in[x+k] for a sequence of
// L = len(out)/W elements that are vectors of W numbers (W = 1: numbers;
// W = image width: rows, multiplied number by number), in holding L+P−1
// elements. It is van Herk's and Gil & Werman's sliding window: with blocks
// of P elements, pre[k] is the product from k's block start to k, suf[x]
// the product from x to its block's end, and the window at x is pre[x+P−1]
// when x starts a block, suf[x]·pre[x+P−1] otherwise: 3 products an
// element whatever P. sc holds (L+P)·W numbers.
func localWindowProd(out, in, sc []float64, W, P int) {
	if W == 1 {
		localWindowProd1(out, in, sc, P)
		return
	}
	L := len(out) / W
	n := L + P - 1
	in = in[:n*W]
	pre := sc[:n*W]
	suf := sc[n*W : n*W+W]
	for b := 0; b < n; b += P {
		copy(pre[b*W:b*W+W], in[b*W:b*W+W])
		for k := b + 1; k < min(b+P, n); k++ {
			p, q, v := pre[k*W:k*W+W], pre[(k-1)*W:k*W], in[k*W:k*W+W]
			q, v = q[:len(p)], v[:len(p)]
			for x := range p {
				p[x] = float64(q[x] * v[x])
			}
		}
	}
	for b := 0; b < L; b += P {
		e := b + P - 1 // < n
		copy(suf, in[e*W:e*W+W])
		for x := e; x > b; x-- {
			if x < e {
				v := in[x*W : x*W+W]
				v = v[:len(suf)]
				for i := range suf {
					suf[i] = float64(v[i] * suf[i])
				}
			}
			if x < L {
				o, p := out[x*W:x*W+W], pre[(x+P-1)*W:(x+P)*W]
				o, p = o[:len(suf)], p[:len(suf)]
				for i := range o {
					o[i] = float64(suf[i] * p[i])
				}
			}
		}
		copy(out[b*W:b*W+W], pre[e*W:e*W+W])
	}
}

// localWindowProd1 is localWindowProd for W = 1.
func localWindowProd1(out, in, pre []float64, P int) {
	L := len(out)
	n := L + P - 1
	in = in[:n]
	pre = pre[:n]
	for b := 0; b < n; b += P {
		a := in[b]
		pre[b] = a
		for k := b + 1; k < min(b+P, n); k++ {
			a = float64(a * in[k])
			pre[k] = a
		}
	}
	for b := 0; b < L; b += P {
		e := b + P - 1
		s := in[e]
		if e < L {
			out[e] = float64(s * pre[e+P-1])
		}
		for x := e - 1; x > b; x-- {
			s = float64(in[x] * s)
			if x < L {
				out[x] = float64(s * pre[x+P-1])
			}
		}
		out[b] = pre[e]
	}
}

// localSlide sets out[x] to the product (or sum) of in[x : x+P], in order.
func localSlide(out, in []float64, P int, sum bool) {
	in = in[:len(out)+P-1]
	switch {
	case sum:
		for x := range out {
			a := in[x]
			for _, v := range in[x+1 : x+P] {
				a += v
			}
			out[x] = a
		}
	case P == 1:
		copy(out, in)
	case P == 3:
		for x := range out {
			s := in[x : x+3 : x+3]
			out[x] = float64(float64(s[0]*s[1]) * s[2])
		}
	case P == 5:
		// out[x] = ((in[x]·in[x+1])·(in[x+2]·in[x+3]))·in[x+4], the pair
		// products q_x = in[x]·in[x+1] kept in registers: 3 products each.
		in = in[:len(out)+4]
		q0 := float64(in[0] * in[1])
		q1 := float64(in[1] * in[2])
		q2 := float64(in[2] * in[3])
		a3 := in[3]
		for x := range out {
			a4 := in[x+4]
			q3 := float64(a3 * a4)
			out[x] = float64(float64(q0*q2) * a4)
			q0, q1, q2, a3 = q1, q2, q3, a4
		}
	default:
		for x := range out {
			a := in[x]
			for _, v := range in[x+1 : x+P] {
				a = float64(a * v)
			}
			out[x] = a
		}
	}
}

// logPath computes the flagged pixels in the log domain, in float64: the
// distances by box sums of the squared differences, then per pixel a
// running maximum m of the logits ℓ = −dist·c and the sums S = Σ e^{ℓ−m},
// A = Σ e^{ℓ−m}·X, rescaled by e^{m_old−m_new} when the maximum grows; a
// term with ℓ < m − 87 is skipped (it is below e^−87 of the final maximum).
func (l *Local) logPath(dst, xt []float32, c float64, P int) {
	d := l.Data
	W, H, C := d.W, d.H, d.C
	HW, D := W*H, d.Dim()
	r := P / 2
	f, w, sum, num, mx, flag := l.f[:HW], l.w[:HW], l.lsum[:HW], l.lnum[:D], l.mx[:HW], l.flag[:HW]
	clear(sum)
	clear(num)
	for i := range mx {
		mx[i] = math.Inf(-1)
	}
	sv := &l.sv
	update := func(i int, img []uint8, j int) {
		lg := -float64(w[i] * c)
		m := mx[i]
		if lg > m {
			sc := localExp(m - lg)
			sum[i] = float64(sum[i]*sc) + 1
			for ch := range C {
				k := ch*HW + i
				num[k] = float64(num[k]*sc) + float64(ByteValue[img[ch*HW+j]])
			}
			mx[i] = lg
			return
		}
		if !(lg-m > -87) {
			return
		}
		e := localExp(lg - m)
		sum[i] += e
		for ch := range C {
			k := ch*HW + i
			num[k] += float64(e * float64(ByteValue[img[ch*HW+j]]))
		}
	}
	sqdiff := func(q int, x float32, b uint8, first bool) {
		dv := float64(x) - sv[b]
		e := float64(dv * dv)
		if first {
			f[q] = e
		} else {
			f[q] += e
		}
	}
	for n := range d.Len() {
		img := d.Pix[n*D : n*D+D]
		if !l.Equivariant {
			for ch := range C {
				for p := range HW {
					sqdiff(p, xt[ch*HW+p], img[ch*HW+p], ch == 0)
				}
			}
			localBoxSum(w, f, l.hbuf, l.vbuf, W, H, P, false)
			for i := range HW {
				if flag[i] {
					update(i, img, i)
				}
			}
			continue
		}
		for sy := range H {
			for sx := range W {
				for ch := range C {
					for py := range H {
						for px := range W {
							q := (py+sy)%H*W + (px+sx)%W
							sqdiff(py*W+px, xt[ch*HW+py*W+px], img[ch*HW+q], ch == 0)
						}
					}
				}
				localBoxSum(w, f, l.hbuf, l.vbuf, W, H, P, true)
				for jy := r; jy < H-r; jy++ {
					iy := (jy - sy + H) % H
					for jx := r; jx < W-r; jx++ {
						i := iy*W + (jx-sx+W)%W
						if flag[i] {
							update(i, img, jy*W+jx)
						}
					}
				}
			}
		}
	}
	for i := range HW {
		if !flag[i] {
			continue
		}
		for ch := range C {
			dst[ch*HW+i] = float32(num[ch*HW+i] / sum[i])
		}
	}
}

// localExp returns e^x for x ≤ 0, the same bits on every platform: 0 for
// x < −708 (and NaN), else 2^k·p(r) with x = k·ln2 + r, |r| ≤ ln2/2, k·ln2
// split in two parts so that k·ln2Hi is exact, and p the Taylor polynomial
// of degree 11 (truncation error below 7e−15 relative; a few ulp of
// rounding). Each product is rounded explicitly (no fused multiply-add).
// The result is a normal float64 (≥ 2^−1021) or 0.
func localExp(x float64) float64 {
	if !(x >= -708) {
		return 0
	}
	const (
		log2e = 1.44269504088896341
		ln2Hi = 6.93147180369123816490e-01 // k·ln2Hi is exact for |k| < 2^11
		ln2Lo = 1.90821492927058770002e-10
	)
	k := math.Floor(float64(x*log2e) + 0.5)
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	p := 1.0 / 39916800 // 1/11!
	for _, c := range [...]float64{
		1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720,
		1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1, 1,
	} {
		p = float64(p*r) + c
	}
	return float64(p * math.Float64frombits(uint64(int64(k)+1023)<<52))
}
