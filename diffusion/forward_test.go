package diffusion_test

import (
	"bytes"
	"math"
	"testing"

	"dissolve/diffusion"
)

func TestToRGBA(t *testing.T) {
	cases := []struct {
		v    float32
		want byte
	}{
		{-1, 0}, {1, 255}, {0, 128}, // 127.5 rounds half up
		{-2, 0}, {2, 255}, {float32(math.Inf(1)), 255}, {float32(math.Inf(-1)), 0}, {float32(math.NaN()), 0},
		{-1 + 0.5/127.5 + 1e-6, 1}, {-1 + 0.5/127.5 - 1e-6, 0},
		{1e30, 255}, {-1e30, 0}, {3e9, 255}, {-3e9, 0}, {1e19, 255}, {-1e19, 0},
		{0.996, 254}, {1e-30, 128}, {-1e-30, 128}, // −1e-30 + 1 rounds to 1 in float32
	}
	for _, c := range cases {
		dst := make([]byte, 4)
		diffusion.ToRGBA(dst, []float32{c.v, c.v, c.v})
		if !bytes.Equal(dst, []byte{c.want, c.want, c.want, 255}) {
			t.Errorf("ToRGBA(%v) = %v, want %d", c.v, dst, c.want)
		}
	}
	// Every byte survives the round trip b → b/127.5 − 1 → b.
	pix := make([]float32, 3*256)
	for b := 0; b < 256; b++ {
		v := float32(float64(b)/127.5 - 1)
		pix[b], pix[256+b], pix[512+b] = v, v, v
	}
	dst := make([]byte, 4*256)
	diffusion.ToRGBA(dst, pix)
	for b := 0; b < 256; b++ {
		if dst[4*b] != byte(b) || dst[4*b+1] != byte(b) || dst[4*b+2] != byte(b) || dst[4*b+3] != 255 {
			t.Fatalf("byte %d came back as %v", b, dst[4*b:4*b+4])
		}
	}
	// A short dst writes only what fits, no panic.
	diffusion.ToRGBA(make([]byte, 5), pix)
}

// randomFrame returns planar noise scaled by k, so that some values clip.
func randomFrame(n int, seed uint64, stream uint64, k float32) []float32 {
	x := make([]float32, 3*n)
	diffusion.Noise{Seed: seed}.Fill(x, stream)
	for i := range x {
		x[i] *= k
	}
	return x
}

func TestClosedForm(t *testing.T) {
	n := 4099 // not a multiple of anything
	x0, eps := randomFrame(n, 1, 0, 0.6), randomFrame(n, 1, 1, 1)
	for _, ab := range [][2]float32{{1, 0}, {0, 1}, {0.7, 0.71414284}, {0.00635, 0.99998}, {2, 3}} {
		a, b := ab[0], ab[1]
		dst := make([]float32, 3*n)
		diffusion.ClosedForm(dst, x0, eps, a, b)
		for i := range dst {
			want := float64(a)*float64(x0[i]) + float64(b)*float64(eps[i])
			if math.Abs(float64(dst[i])-want) > 1.5e-7*(math.Abs(float64(a*x0[i]))+math.Abs(float64(b*eps[i]))) {
				t.Fatalf("a=%v b=%v: dst[%d] = %v, want %v", a, b, i, dst[i], want)
			}
		}
		rgba := make([]byte, 4*n)
		diffusion.ClosedFormRGBA(rgba, x0, eps, a, b)
		want := make([]byte, 4*n)
		diffusion.ToRGBA(want, dst)
		if !bytes.Equal(rgba, want) {
			t.Fatalf("a=%v b=%v: ClosedFormRGBA differs from ToRGBA(ClosedForm)", a, b)
		}
		// In place.
		alias := append([]float32(nil), x0...)
		diffusion.ClosedForm(alias, alias, eps, a, b)
		if checksum(alias) != checksum(dst) {
			t.Fatalf("a=%v b=%v: ClosedForm in place differs", a, b)
		}
	}
}

func TestMarkovStep(t *testing.T) {
	n := 1031
	prev := randomFrame(n, 9, 0, 0.5)
	noise := diffusion.Noise{Seed: 77}
	for _, alpha := range []float64{0.9999, 0.98, 0.5, 0, 1} {
		dst := make([]float32, 3*n)
		diffusion.MarkovStep(dst, prev, alpha, noise, 123)
		eps := make([]float32, 3*n)
		noise.Fill(eps, 123)
		sa, sb := float32(math.Sqrt(alpha)), float32(math.Sqrt(1-alpha))
		want := make([]float32, 3*n)
		diffusion.ClosedForm(want, prev, eps, sa, sb)
		if checksum(dst) != checksum(want) {
			t.Errorf("α=%v: MarkovStep ≠ √α·prev + √(1−α)·Fill(stream)", alpha)
		}
		alias := append([]float32(nil), prev...)
		diffusion.MarkovStep(alias, alias, alpha, noise, 123)
		if checksum(alias) != checksum(want) {
			t.Errorf("α=%v: MarkovStep in place differs", alpha)
		}
		rgba := make([]byte, 4*n)
		diffusion.MarkovStepRGBA(rgba, dst, prev, alpha, noise, 123)
		wantRGBA := make([]byte, 4*n)
		diffusion.ToRGBA(wantRGBA, want)
		if !bytes.Equal(rgba, wantRGBA) || checksum(dst) != checksum(want) {
			t.Errorf("α=%v: MarkovStepRGBA differs from MarkovStep + ToRGBA", alpha)
		}
	}
	// Out-of-range α is clamped, never NaN.
	dst := make([]float32, 3*n)
	for _, alpha := range []float64{-1, 2, math.NaN()} {
		diffusion.MarkovStep(dst, prev, alpha, noise, 1)
		for _, v := range dst {
			if v != v {
				t.Fatalf("α=%v gave NaN", alpha)
			}
		}
	}
}

// Two Markov steps from x_0 have the law of the closed form with
// 1 − α_1α_2, not the wrong (√(α_2(1−α_1)) + √(1−α_2))².
func TestTwoStepsVariance(t *testing.T) {
	size := 1 << 18
	if testing.Short() {
		size = 1 << 16
	}
	a1, a2 := 0.9, 0.8
	x := make([]float32, size) // x_0 = 0
	noise := diffusion.Noise{Seed: 2}
	diffusion.MarkovStep(x, x, a1, noise, 1)
	diffusion.MarkovStep(x, x, a2, noise, 2)
	st := diffusion.Summarize(x)
	right, wrong := diffusion.TwoStepVariance(a1, a2)
	v := st.Std * st.Std
	if tol := 5 * right * math.Sqrt(2/float64(size)); math.Abs(v-right) > tol {
		t.Errorf("variance after two steps %v, want %v ± %v", v, right, tol)
	}
	if math.Abs(v-wrong) < 0.1 {
		t.Errorf("variance %v is near the wrong-algebra value %v", v, wrong)
	}
}

// The jump q(x_t | x_s) composed with x_s from the closed form gives the
// closed form's law at t.
func TestJumpComposes(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	size := 1 << 16
	x0 := make([]float32, size)
	for i := range x0 {
		x0[i] = float32(i%7)/3 - 1
	}
	for _, st := range [][2]int{{0, 1000}, {10, 20}, {300, 700}, {999, 1000}} {
		from, to := st[0], st[1]
		xs := make([]float32, size)
		eps := make([]float32, size)
		diffusion.Noise{Seed: 4}.Fill(eps, 1)
		diffusion.ClosedForm(xs, x0, eps, float32(s.SqrtAlphaBar(from)), float32(s.SqrtOneMinusAlphaBar(from)))
		diffusion.Noise{Seed: 4}.Fill(eps, 2)
		a, b := s.JumpCoef(from, to)
		diffusion.ClosedForm(xs, xs, eps, float32(a), float32(b))
		res := make([]float32, size)
		sa, sb := s.SqrtAlphaBar(to), s.SqrtOneMinusAlphaBar(to)
		for i := range res {
			res[i] = float32((float64(xs[i]) - sa*float64(x0[i])) / sb)
		}
		checkStandardNormal(t, res, "jump")
	}
}

// checkStandardNormal asserts mean ≈ 0, std ≈ 1 and a small KS distance, with
// bounds a correct N(0, 1) sample of that size passes with probability
// ≥ 0.999.
func checkStandardNormal(t *testing.T, x []float32, what string) {
	t.Helper()
	st := diffusion.Summarize(x)
	n := float64(len(x))
	ks := diffusion.KSNormal(x)
	if math.Abs(st.Mean) > 4/math.Sqrt(n) || math.Abs(st.Std*st.Std-1) > 4*math.Sqrt(2/n) || ks > 1.95/math.Sqrt(n) {
		t.Errorf("%s: mean %.4g, var %.4g, KS %.4g over %d values; want N(0, 1) (±%.3g, ±%.3g, < %.3g)",
			what, st.Mean, st.Std*st.Std, ks, len(x), 4/math.Sqrt(n), 4*math.Sqrt(2/n), 1.95/math.Sqrt(n))
	}
}

// Golden bytes of a closed-form frame: the same natively and in wasm.
func TestClosedFormGolden(t *testing.T) {
	n := 128 * 128
	x0 := randomFrame(n, 5, 0, 0.5)
	eps := randomFrame(n, 5, 1, 1)
	s := mustSchedule(t, diffusion.LessonConfig())
	rgba := make([]byte, 4*n)
	var all []float32
	for _, tt := range []int{1, 250, 1000} {
		diffusion.ClosedFormRGBA(rgba, x0, eps, float32(s.SqrtAlphaBar(tt)), float32(s.SqrtOneMinusAlphaBar(tt)))
		for _, b := range rgba {
			all = append(all, float32(b))
		}
		x := make([]float32, 3*n)
		diffusion.MarkovStep(x, x0, s.Alpha[tt], diffusion.Noise{Seed: 5}, uint64(tt))
		all = append(all, x...)
	}
	const want uint64 = 0x1dd5b9e44dcb7d6d
	if got := checksum(all); got != want {
		t.Errorf("checksum %#x, want %#x", got, want)
	}
}

// The word-at-a-time fast path and the byte fallback (misaligned or short
// destination, odd frame length) write the same bytes.
func TestRGBAFallbacks(t *testing.T) {
	n := 1001
	x := randomFrame(n, 3, 0, 1.5)
	eps := randomFrame(n, 3, 1, 1)
	want := make([]byte, 4*n)
	diffusion.ToRGBA(want, x)
	buf := make([]byte, 4*n+1)
	diffusion.ToRGBA(buf[1:], x) // misaligned
	if !bytes.Equal(buf[1:], want) {
		t.Error("misaligned ToRGBA differs")
	}
	diffusion.ClosedFormRGBA(want, x, eps, 0.3, 0.9)
	diffusion.ClosedFormRGBA(buf[1:], x, eps, 0.3, 0.9)
	if !bytes.Equal(buf[1:], want) {
		t.Error("misaligned ClosedFormRGBA differs")
	}
	short := make([]byte, 4*(n-10))
	diffusion.ClosedFormRGBA(short, x, eps, 0.3, 0.9)
	if !bytes.Equal(short, want[:len(short)]) {
		t.Error("short ClosedFormRGBA differs")
	}
	// MarkovStepRGBA on an odd-length frame and a misaligned destination.
	odd := x[:3*n-1]
	d1, d2 := make([]float32, len(odd)), make([]float32, len(odd))
	diffusion.MarkovStep(d1, odd, 0.9, diffusion.Noise{Seed: 1}, 4)
	diffusion.MarkovStepRGBA(buf[1:], d2, odd, 0.9, diffusion.Noise{Seed: 1}, 4)
	diffusion.ToRGBA(want, d1)
	if checksum(d1) != checksum(d2) || !bytes.Equal(buf[1:1+4*(n-1)], want[:4*(n-1)]) {
		t.Error("MarkovStepRGBA fallback differs")
	}
}
