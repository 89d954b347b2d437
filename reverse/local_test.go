package reverse

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"dissolve/diffusion"
)

// localData returns n random w×h×c images; a fraction zero of the bytes
// are 0 (MNIST-like paper), the others uniform.
func localData(t testing.TB, w, h, c, n int, zero float64, seed uint64) *Dataset {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	pix := make([]uint8, w*h*c*n)
	for i := range pix {
		if rng.Float64() >= zero {
			pix[i] = uint8(rng.IntN(256))
		}
	}
	d, err := NewDataset(w, h, c, pix, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// localXt returns x_t = √ᾱ_t·X_k + √(1−ᾱ_t)·ε for image k (k < 0: pure
// noise ε), with ε from a fixed seed.
func localXt(s *diffusion.Schedule, d *Dataset, t, k int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := make([]float32, d.Dim())
	a, b := s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t)
	for i := range x {
		e := rng.NormFloat64()
		if k < 0 {
			x[i] = float32(e)
			continue
		}
		x[i] = float32(a*float64(ByteValue[d.Bytes(k)[i]]) + b*e)
	}
	return x
}

func localSchedule(t testing.TB) *diffusion.Schedule {
	t.Helper()
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// localRef is the formula in float64, by brute force: for every output
// pixel i and every candidate patch (image n at place i for LS; image n at
// every place j whose patch is inside the image for ELS, x_t read
// circularly) the squared distance over all planes, a softmax with the
// maximum subtracted, and the weighted mean of the candidates' centres.
// sAlpha is √ᾱ_t as the denoiser rounds it (to float32). It also returns,
// per pixel, the product path's denominator Σ exp(−(dist − M_i)·c) with
// M_i = Σ_{c,p∈Ω_i} min_b (x_t[c,p] − √ᾱ v_b)².
func localRef(d *Dataset, xt []float32, sAlpha, oneMinus float64, P int, els bool) (out, denom []float64) {
	W, H, C := d.W, d.H, d.C
	HW := W * H
	r := P / 2
	cc := 0.5 / oneMinus
	val := func(n, ch, y, x int) float64 { return float64(ByteValue[d.Bytes(n)[ch*HW+y*W+x]]) }
	mins := make([]float64, d.Dim())
	for q, x := range xt {
		mins[q] = math.Inf(1)
		for b := range 256 {
			dv := float64(x) - sAlpha*float64(ByteValue[b])
			mins[q] = math.Min(mins[q], dv*dv)
		}
	}
	out = make([]float64, d.Dim())
	denom = make([]float64, HW)
	type cand struct {
		logit  float64
		centre []float64
	}
	for iy := range H {
		for ix := range W {
			var cands []cand
			// patch calls f for every pixel of x_t's patch around (iy, ix):
			// its plane, offset and index (read circularly for ELS, cut at
			// the edges for LS).
			patch := func(f func(ch, dy, dx, q int)) {
				for ch := range C {
					for dy := -r; dy <= r; dy++ {
						for dx := -r; dx <= r; dx++ {
							y, x := iy+dy, ix+dx
							if els {
								y, x = (y%H+H)%H, (x%W+W)%W
							} else if y < 0 || y >= H || x < 0 || x >= W {
								continue
							}
							f(ch, dy, dx, ch*HW+y*W+x)
						}
					}
				}
			}
			M := 0.0
			patch(func(_, _, _, q int) { M += mins[q] })
			dist := func(n, jy, jx int) float64 {
				s := 0.0
				patch(func(ch, dy, dx, q int) {
					dv := float64(xt[q]) - sAlpha*val(n, ch, jy+dy, jx+dx)
					s += dv * dv
				})
				return s
			}
			for n := range d.Len() {
				add := func(jy, jx int) {
					c := make([]float64, C)
					for ch := range C {
						c[ch] = val(n, ch, jy, jx)
					}
					cands = append(cands, cand{-dist(n, jy, jx) * cc, c})
				}
				if !els {
					add(iy, ix)
					continue
				}
				for jy := r; jy < H-r; jy++ {
					for jx := r; jx < W-r; jx++ {
						add(jy, jx)
					}
				}
			}
			m := math.Inf(-1)
			for _, c := range cands {
				m = math.Max(m, c.logit)
			}
			S := 0.0
			A := make([]float64, C)
			for _, c := range cands {
				e := math.Exp(c.logit - m)
				S += e
				for ch := range C {
					A[ch] += e * c.centre[ch]
				}
			}
			for ch := range C {
				out[ch*HW+iy*W+ix] = A[ch] / S
			}
			denom[iy*W+ix] = S * math.Exp(m+M*cc)
		}
	}
	return out, denom
}

// localIdeal is E[x_0 | x_t] over the whole images, in float64.
func localIdeal(d *Dataset, xt []float32, sAlpha, oneMinus float64) []float64 {
	D := d.Dim()
	logit := make([]float64, d.Len())
	m := math.Inf(-1)
	for n := range d.Len() {
		s := 0.0
		for i, b := range d.Bytes(n) {
			dv := float64(xt[i]) - sAlpha*float64(ByteValue[b])
			s += dv * dv
		}
		logit[n] = -s / (2 * oneMinus)
		m = math.Max(m, logit[n])
	}
	out := make([]float64, D)
	S := 0.0
	for n := range d.Len() {
		e := math.Exp(logit[n] - m)
		S += e
		for i, b := range d.Bytes(n) {
			out[i] += e * float64(ByteValue[b])
		}
	}
	for i := range out {
		out[i] /= S
	}
	return out
}

func localMaxDiff(got []float32, want []float64) (float64, int) {
	worst, at := 0.0, -1
	for i := range got {
		if e := math.Abs(float64(got[i]) - want[i]); !(e <= worst) {
			worst, at = e, i
		}
	}
	return worst, at
}

func localFixed(P int) func(int) int { return func(int) int { return P } }

func TestLocalMatchesReference(t *testing.T) {
	s := localSchedule(t)
	cases := []struct {
		name          string
		w, h, c, n, P int
		zero          float64
		step, k       int // k < 0: x_t is pure noise
		els           bool
		wantFlag      bool // some pixel must take the log path
	}{
		{"LS 8x8 P3 t50", 8, 8, 1, 20, 3, 0.5, 50, 3, false, false},
		{"LS 8x8 P3 t300", 8, 8, 1, 20, 3, 0.5, 300, 3, false, false},
		{"LS 8x8 P5 t700", 8, 8, 1, 20, 5, 0, 700, 7, false, false},
		{"LS 8x8 P5 t1000 noise", 8, 8, 1, 20, 5, 0, 1000, -1, false, false},
		{"LS 8x8 P1 t300", 8, 8, 1, 20, 1, 0, 300, 2, false, false},
		{"LS 8x8 P7 t500", 8, 8, 1, 30, 7, 0.7, 500, 1, false, false},
		{"LS 8x8 P9 t200", 8, 8, 1, 30, 9, 0.7, 200, 1, false, false},
		{"LS 8x8 C3 P5 t200", 8, 8, 3, 10, 5, 0.3, 200, 4, false, false},
		{"LS 8x8 C3 P3 t900", 8, 8, 3, 10, 3, 0, 900, -1, false, false},
		{"LS 8x8 P5 t1 noise", 8, 8, 1, 20, 5, 0, 1, -1, false, true},
		{"LS 28x28 P5 t300", 28, 28, 1, 50, 5, 0.8, 300, 10, false, false},
		{"LS 28x28 P9 t600", 28, 28, 1, 50, 9, 0.8, 600, -1, false, false},
		{"LS 28x28 P13 t800", 28, 28, 1, 20, 13, 0.8, 800, 0, false, false},
		{"LS 28x28 C3 P3 t100", 28, 28, 3, 5, 3, 0.2, 100, 2, false, false},
		{"LS 12x7 P5 t400", 12, 7, 1, 15, 5, 0.5, 400, 5, false, false},
		{"ELS 8x8 P3 t300", 8, 8, 1, 5, 3, 0.5, 300, 1, true, false},
		{"ELS 8x8 P5 t800", 8, 8, 1, 5, 5, 0, 800, -1, true, false},
		{"ELS 8x8 P1 t300", 8, 8, 1, 5, 1, 0, 300, 1, true, false},
		{"ELS 8x8 C3 P3 t100", 8, 8, 3, 5, 3, 0.3, 100, 0, true, false},
		{"ELS 8x8 P3 t1 noise", 8, 8, 1, 5, 3, 0, 1, -1, true, true},
		{"ELS 9x6 P3 t400", 9, 6, 1, 6, 3, 0.4, 400, 2, true, false},
		{"ELS 12x10 P7 t700", 12, 10, 1, 3, 7, 0.4, 700, 0, true, false},
		{"ELS 11x11 C2 P9 t900", 11, 11, 2, 2, 9, 0.4, 900, -1, true, false},
		{"ELS 28x28 P5 t300", 28, 28, 1, 5, 5, 0.8, 300, 3, true, false},
	}
	const tol = 2e-7 // about one float32 ulp of x̂_0 (the result is rounded to float32)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.els && tc.w == 28 {
				t.Skip("slow reference")
			}
			d := localData(t, tc.w, tc.h, tc.c, tc.n, tc.zero, uint64(100+i))
			xt := localXt(s, d, tc.step, tc.k, uint64(200+i))
			sA := float64(float32(s.SqrtAlphaBar(tc.step)))
			want, denom := localRef(d, xt, sA, s.OneMinusAlphaBar(tc.step), tc.P, tc.els)
			// Paths: factors from the table, computed directly (LS), the log
			// domain for every pixel.
			for _, path := range []string{"table", "direct", "log"} {
				if tc.els && path == "direct" {
					continue
				}
				l := NewLocal(s, d, tc.els)
				l.PatchSize = localFixed(tc.P)
				l.forceLog = path == "log"
				l.mode = map[string]int{"table": 1, "direct": 2}[path]
				if got := l.Patch(tc.step); got != tc.P {
					t.Fatalf("Patch = %d, want %d", got, tc.P)
				}
				got := make([]float32, d.Dim())
				l.Denoise(got, xt, tc.step)
				if e, at := localMaxDiff(got, want); !(e <= tol) {
					t.Errorf("%s: max |x̂_0 − reference| = %.3g at %d (got %v, want %v), tolerance %g",
						path, e, at, got[at], want[at], tol)
				}
				if path == "log" {
					continue
				}
				if l.direct != (path == "direct") {
					t.Errorf("%s: direct = %v", path, l.direct)
				}
				flagged := 0
				for i, f := range l.flag {
					if f {
						flagged++
						continue
					}
					// The product path's denominator: the skipped mass is negligible.
					if rel := math.Abs(l.sum[i]-denom[i]) / denom[i]; !(rel < 1e-10) {
						t.Errorf("%s: pixel %d: S = %g, reference %g (relative error %.2g)", path, i, l.sum[i], denom[i], rel)
					}
				}
				if tc.wantFlag != (flagged > 0) {
					t.Errorf("%s: %d pixels took the log path, want some: %v", path, flagged, tc.wantFlag)
				}
			}
		})
	}
}

// A patch covering the whole image makes LS the ideal denoiser.
func TestLocalWholeImageIsIdeal(t *testing.T) {
	s := localSchedule(t)
	for i, tc := range []struct{ w, h, c, n, step, k int }{
		{8, 8, 1, 20, 300, 2},
		{8, 8, 1, 20, 900, -1},
		{8, 8, 3, 10, 100, 1},
		{12, 7, 1, 15, 500, -1},
		{5, 9, 2, 8, 30, 4},
	} {
		d := localData(t, tc.w, tc.h, tc.c, tc.n, 0.5, uint64(300+i))
		xt := localXt(s, d, tc.step, tc.k, uint64(400+i))
		want := localIdeal(d, xt, float64(float32(s.SqrtAlphaBar(tc.step))), s.OneMinusAlphaBar(tc.step))
		l := NewLocal(s, d, false)
		l.PatchSize = localFixed(1000)
		if P := l.Patch(tc.step); P != 2*max(tc.w, tc.h)-1 {
			t.Errorf("Patch = %d, want %d", P, 2*max(tc.w, tc.h)-1)
		}
		got := make([]float32, d.Dim())
		l.Denoise(got, xt, tc.step)
		if e, at := localMaxDiff(got, want); !(e <= 2e-7) {
			t.Errorf("%d×%d×%d t=%d: max |LS − ideal| = %.3g at %d", tc.w, tc.h, tc.c, tc.step, e, at)
		}
	}
}

// ELS reads x_t's patches circularly: shifting x_t circularly shifts x̂_0.
func TestLocalELSEquivariant(t *testing.T) {
	s := localSchedule(t)
	for i, tc := range []struct{ w, h, c, n, P, step, dy, dx int }{
		{8, 8, 1, 6, 3, 300, 1, 0},
		{8, 8, 1, 6, 5, 600, 3, 5},
		{10, 7, 3, 4, 3, 150, 2, 1},
		{8, 8, 1, 6, 3, 4, 1, 1}, // log path
	} {
		d := localData(t, tc.w, tc.h, tc.c, tc.n, 0.5, uint64(500+i))
		xt := localXt(s, d, tc.step, -1, uint64(600+i))
		W, H, HW := tc.w, tc.h, tc.w*tc.h
		shifted := make([]float32, len(xt))
		for ch := range tc.c {
			for y := range H {
				for x := range W {
					shifted[ch*HW+((y+tc.dy)%H)*W+(x+tc.dx)%W] = xt[ch*HW+y*W+x]
				}
			}
		}
		l := NewLocal(s, d, true)
		l.PatchSize = localFixed(tc.P)
		a := make([]float32, len(xt))
		b := make([]float32, len(xt))
		l.Denoise(a, xt, tc.step)
		l.Denoise(b, shifted, tc.step)
		worst := 0.0
		for ch := range tc.c {
			for y := range H {
				for x := range W {
					e := math.Abs(float64(b[ch*HW+((y+tc.dy)%H)*W+(x+tc.dx)%W] - a[ch*HW+y*W+x]))
					worst = math.Max(worst, e)
				}
			}
		}
		if !(worst <= 1e-6) {
			t.Errorf("case %d: shifted output differs from the output shifted by %.3g", i, worst)
		}
	}
}

// At t = 1 (1−ᾱ = 1e−4) and x_t = √ᾱ·X_k exactly, x̂_0 is X_k.
func TestLocalTinyNoise(t *testing.T) {
	s := localSchedule(t)
	for _, els := range []bool{false, true} {
		for i, tc := range []struct{ w, h, c, n, P, k int }{
			{8, 8, 1, 20, 3, 4},
			{28, 28, 1, 30, 5, 17},
			{8, 8, 3, 10, 5, 9},
		} {
			if els && tc.w == 28 {
				tc.n = 3
				tc.k = 1
			}
			d := localData(t, tc.w, tc.h, tc.c, tc.n, 0, uint64(700+i))
			sA := float32(s.SqrtAlphaBar(1))
			xt := make([]float32, d.Dim())
			for j, b := range d.Bytes(tc.k) {
				xt[j] = float32(sA * ByteValue[b])
			}
			l := NewLocal(s, d, els)
			l.PatchSize = localFixed(tc.P)
			got := make([]float32, d.Dim())
			l.Denoise(got, xt, 1)
			r := tc.P / 2
			for j, b := range d.Bytes(tc.k) {
				y, x := j%(tc.w*tc.h)/tc.w, j%tc.w
				if els && (y < r || y >= tc.h-r || x < r || x >= tc.w-r) {
					continue // ELS: x_t's wrapped patches at the edge are in no image
				}
				if e := math.Abs(float64(got[j] - ByteValue[b])); !(e <= 1e-6) {
					t.Errorf("els=%v %d×%d×%d: pixel %d: got %v, want X_k = %v", els, tc.w, tc.h, tc.c, j, got[j], ByteValue[b])
					break
				}
			}
		}
	}
}

// With one image, every LS weight is 1: x̂_0 is the image, exactly.
func TestLocalOneImage(t *testing.T) {
	s := localSchedule(t)
	for i, step := range []int{1, 10, 300, 1000} {
		for _, c := range []int{1, 3} {
			d := localData(t, 9, 8, c, 1, 0.3, uint64(800+i))
			xt := localXt(s, d, step, -1, uint64(900+i))
			l := NewLocal(s, d, false)
			got := make([]float32, d.Dim())
			l.Denoise(got, xt, step)
			for j, b := range d.Bytes(0) {
				if got[j] != ByteValue[b] {
					t.Fatalf("t=%d C=%d: pixel %d: got %v, want %v", step, c, j, got[j], ByteValue[b])
				}
			}
		}
	}
}

// localGolden is the FNV-1a hash of the bits of the outputs (and sums) in
// TestLocalDeterministic; the same natively and in WebAssembly.
const localGolden = 0x8d36a6bc8f1bde86

func TestLocalDeterministic(t *testing.T) {
	s := localSchedule(t)
	h := fnv.New64a()
	for i, tc := range []struct {
		w, h, c, n, step, k int
		els                 bool
	}{
		{28, 28, 1, 300, 300, 5, false}, // calibrated P, table
		{28, 28, 1, 100, 300, 7, false}, // P = 5 below, table
		{28, 28, 1, 50, 1, -1, false},   // log path
		{8, 8, 3, 20, 700, 2, false},    // direct
		{10, 10, 1, 10, 200, 3, true},   // P = 5
		{8, 8, 1, 5, 1, -1, true},       // log path
	} {
		d := localData(t, tc.w, tc.h, tc.c, tc.n, 0.6, uint64(1000+i))
		xt := localXt(s, d, tc.step, tc.k, uint64(1100+i))
		l := NewLocal(s, d, tc.els)
		if i == 1 || i == 4 {
			l.PatchSize = localFixed(5)
		}
		if i == 1 {
			l.mode = 1 // the table, for lsProduct5
		}
		a := make([]float32, d.Dim())
		b := make([]float32, d.Dim())
		l.Denoise(a, xt, tc.step)
		l.Denoise(b, xt, tc.step)
		for j := range a {
			if math.Float32bits(a[j]) != math.Float32bits(b[j]) {
				t.Fatalf("case %d: two calls differ at %d: %v, %v", i, j, a[j], b[j])
			}
			bits := math.Float32bits(a[j])
			h.Write([]byte{byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24)})
		}
		// The float64 sums too: they are the same bits on every platform,
		// and they see a change of order that x̂_0's rounding may hide.
		for _, S := range l.sum {
			bits := math.Float64bits(S)
			for k := range 8 {
				h.Write([]byte{byte(bits >> (8 * k))})
			}
		}
	}
	if got := h.Sum64(); got != localGolden {
		t.Errorf("checksum %#x, want %#x", got, uint64(localGolden))
	}
}

func TestLocalScaleSchedule(t *testing.T) {
	for j, b := range localScaleBounds {
		u := (float64(j) + 1.5) / 20
		want := math.Pow(math.Sin(u/1.008*math.Pi/2), 2)
		if math.Abs(b-want) > 1e-15 {
			t.Errorf("bound %d = %v, want %v", j, b, want)
		}
	}
	for j := range 20 {
		u := float64(j+1) / 20
		v := math.Pow(math.Sin(u/1.008*math.Pi/2), 2)
		if got := LocalScaleLevel(v); got != j {
			t.Errorf("LocalScaleLevel(level %d's 1−ᾱ = %v) = %d", j, v, got)
		}
	}
	s := localSchedule(t)
	ls := LocalCalibratedPatch(s, 28, 28, false)
	els := LocalCalibratedPatch(s, 28, 28, true)
	ls32 := LocalCalibratedPatch(s, 32, 32, false)
	for _, tc := range []struct{ t, ls, els, ls32 int }{
		{1, 3, 3, 3}, {1000, 13, 3, 15},
	} {
		if got := ls(tc.t); got != tc.ls {
			t.Errorf("LS 28×28 t=%d: P = %d, want %d", tc.t, got, tc.ls)
		}
		if got := els(tc.t); got != tc.els {
			t.Errorf("ELS 28×28 t=%d: P = %d, want %d", tc.t, got, tc.els)
		}
		if got := ls32(tc.t); got != tc.ls32 {
			t.Errorf("LS 32×32 t=%d: P = %d, want %d", tc.t, got, tc.ls32)
		}
	}
	prev := 0
	for step := 1; step <= s.T; step++ {
		P := ls(step)
		if P < prev || P%2 != 1 {
			t.Fatalf("LS patch at t=%d is %d after %d: want odd, non-decreasing", step, P, prev)
		}
		prev = P
	}
	d := localData(t, 9, 6, 1, 2, 0, 1)
	l := NewLocal(s, d, true)
	for _, tc := range []struct{ in, ls, els int }{{0, 1, 1}, {4, 5, 5}, {7, 7, 5}, {100, 17, 5}} {
		l.PatchSize = localFixed(tc.in)
		l.Equivariant = false
		if got := l.Patch(1); got != tc.ls {
			t.Errorf("LS Patch(%d) = %d, want %d", tc.in, got, tc.ls)
		}
		l.Equivariant = true
		if got := l.Patch(1); got != tc.els {
			t.Errorf("ELS Patch(%d) = %d, want %d", tc.in, got, tc.els)
		}
	}
}

func TestLocalExp(t *testing.T) {
	worst := 0.0
	for i := 0; i <= 708000; i++ {
		x := -float64(i) / 1000
		if i%7 == 3 {
			x -= 1.0 / 3000
		}
		got := localExp(x)
		want := math.Exp(x)
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 1e-14 {
		t.Errorf("localExp: worst relative error %.3g", worst)
	}
	for _, x := range []float64{-708.01, -800, math.Inf(-1), math.NaN()} {
		if got := localExp(x); got != 0 {
			t.Errorf("localExp(%v) = %v, want 0", x, got)
		}
	}
	if localExp(0) != 1 {
		t.Errorf("localExp(0) = %v", localExp(0))
	}
}

// The sliding window products against the naive product, in float64 (the
// inputs are powers of two, so every product is exact).
func TestLocalWindowProd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, W := range []int{1, 3} {
		for L := 1; L <= 30; L++ {
			for _, P := range []int{1, 3, 5, 7, 9, 13, 31} {
				in := make([]float64, (L+P-1)*W)
				for i := range in {
					in[i] = math.Ldexp(1, -rng.IntN(20))
				}
				out := make([]float64, L*W)
				sc := make([]float64, (L+P)*W)
				localWindowProd(out, in, sc, W, P)
				for x := range L {
					for i := range W {
						want := 1.0
						for k := range P {
							want *= in[(x+k)*W+i]
						}
						if out[x*W+i] != want {
							t.Fatalf("W=%d L=%d P=%d: out[%d][%d] = %v, want %v", W, L, P, x, i, out[x*W+i], want)
						}
					}
				}
				if W == 1 && P <= 5 {
					slide := make([]float64, L)
					localSlide(slide, in, P, false)
					for x := range slide {
						if slide[x] != out[x] {
							t.Fatalf("localSlide L=%d P=%d: [%d] = %v, want %v", L, P, x, slide[x], out[x])
						}
					}
				}
			}
		}
	}
}

// A NaN in x_t spoils only the pixels whose patch holds it (and does not
// panic, natively or in WebAssembly).
func TestLocalNaN(t *testing.T) {
	s := localSchedule(t)
	for _, els := range []bool{false, true} {
		d := localData(t, 9, 9, 1, 300, 0.5, 5)
		xt := localXt(s, d, 200, 1, 6)
		xt[4*9+4] = float32(math.NaN())
		l := NewLocal(s, d, els)
		l.PatchSize = localFixed(3)
		got := make([]float32, d.Dim())
		l.Denoise(got, xt, 200)
		for i, v := range got {
			y, x := i/9, i%9
			near := y >= 3 && y <= 5 && x >= 3 && x <= 5
			if near != math.IsNaN(float64(v)) {
				t.Errorf("els=%v: pixel (%d,%d) = %v", els, y, x, v)
			}
		}
	}
}
