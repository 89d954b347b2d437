package diffusion_test

import (
	"hash/fnv"
	"math"
	"testing"

	"dissolve/diffusion"
)

// checksum is FNV-1a over the float32 bits, little-endian.
func checksum(x []float32) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, v := range x {
		u := math.Float32bits(v)
		b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		h.Write(b[:])
	}
	return h.Sum64()
}

// Golden values: the same constants must come out natively and under
// GOOS=js GOARCH=wasm (this test runs in both), which is what makes a seed
// give the same picture in every browser and in native tests.
func TestNoiseGolden(t *testing.T) {
	x := make([]float32, 1<<18)
	diffusion.Noise{Seed: 42}.Fill(x, 7)
	const wantSum uint64 = 0xad7ce8a6a26744a5
	if got := checksum(x); got != wantSum {
		t.Errorf("checksum of Noise{42}.Fill(2^18, stream 7) = %#x, want %#x", got, wantSum)
	}
	want := []float32{-0.8601632, -0.67958695, -0.10100956, 0.19968973, -0.41209096, -0.0865356}
	for i, w := range want {
		if x[i] != w {
			t.Errorf("x[%d] = %v (%#x), want %v", i, x[i], math.Float32bits(x[i]), w)
		}
	}
}

func TestNoiseAtMatchesFill(t *testing.T) {
	n := diffusion.Noise{Seed: 3}
	for _, size := range []int{0, 1, 2, 3, 511, 512, 513, 4097} {
		x := make([]float32, size)
		n.Fill(x, 11)
		for i, v := range x {
			if a := n.At(11, uint64(i)); math.Float32bits(a) != math.Float32bits(v) {
				t.Fatalf("size %d: At(%d) = %v, Fill gave %v", size, i, a, v)
			}
		}
	}
	// A prefix of a longer fill is the shorter fill.
	long, short := make([]float32, 1001), make([]float32, 999)
	n.Fill(long, 5)
	n.Fill(short, 5)
	if checksum(long[:999]) != checksum(short) {
		t.Error("Fill is not prefix-consistent")
	}
}

func TestNoiseDistribution(t *testing.T) {
	size := 1 << 20
	if testing.Short() {
		size = 1 << 18
	}
	x := make([]float32, size)
	diffusion.Noise{Seed: 1}.Fill(x, 0)
	st := diffusion.Summarize(x)
	n := float64(size)
	// Mean ~ N(0, 1/n), variance of the sample variance ≈ 2/n: 5σ bounds.
	if math.Abs(st.Mean) > 5/math.Sqrt(n) || math.Abs(st.Std*st.Std-1) > 5*math.Sqrt(2/n) {
		t.Errorf("mean %v, var %v: not N(0, 1)", st.Mean, st.Std*st.Std)
	}
	// KS: P(√n·D > 1.95) ≈ 0.001.
	if ks := diffusion.KSNormal(x); ks > 1.95/math.Sqrt(n) {
		t.Errorf("KS distance to N(0, 1) = %v > %v", ks, 1.95/math.Sqrt(n))
	}
	// Tails, where the ziggurat's slow paths live: P(|x| > 3) = 0.0026998,
	// P(|x| > 3.6541528853610088) (the tail layer) = 0.000258.
	for _, c := range []struct{ at, p float64 }{{1, 0.31731050786291415}, {3, 0.0026997960632601866}, {3.6541528853610088, 2.58e-4}, {4.5, 6.795346e-6}} {
		var k int
		for _, v := range x {
			if math.Abs(float64(v)) > c.at {
				k++
			}
		}
		want := c.p * n
		if math.Abs(float64(k)-want) > 5*math.Sqrt(want)+2 {
			t.Errorf("#{|x| > %v} = %d, want %.1f ± %.1f", c.at, k, want, 5*math.Sqrt(want))
		}
	}
	// Neighbours (two halves of one hash word, and adjacent words) and
	// squares uncorrelated.
	for lag := 1; lag <= 3; lag++ {
		var s, s2 float64
		for i := lag; i < size; i++ {
			a, b := float64(x[i]), float64(x[i-lag])
			s += a * b
			s2 += (a*a - 1) * (b*b - 1)
		}
		if r := s / n; math.Abs(r) > 5/math.Sqrt(n) {
			t.Errorf("lag-%d correlation %v", lag, r)
		}
		if r := s2 / n / 2; math.Abs(r) > 5/math.Sqrt(n) {
			t.Errorf("lag-%d correlation of squares %v", lag, r)
		}
	}
}

func TestNoiseStreamsIndependent(t *testing.T) {
	size := 1 << 16
	pairs := []struct {
		a, b diffusion.Noise
		sa   uint64
		sb   uint64
	}{
		{diffusion.Noise{Seed: 1}, diffusion.Noise{Seed: 1}, 0, 1},
		{diffusion.Noise{Seed: 1}, diffusion.Noise{Seed: 2}, 0, 0},
		{diffusion.Noise{Seed: 0}, diffusion.Noise{Seed: 1}, 1, 0},
		{diffusion.Noise{Seed: 5}, diffusion.Noise{Seed: 5}, 1 << 32, 1<<32 + 1},
	}
	for _, p := range pairs {
		x, y := make([]float32, size), make([]float32, size)
		p.a.Fill(x, p.sa)
		p.b.Fill(y, p.sb)
		var s float64
		for i := range x {
			s += float64(x[i]) * float64(y[i])
		}
		// Shifted by one index too, in case streams were offsets of each other.
		var s1 float64
		for i := 1; i < size; i++ {
			s1 += float64(x[i]) * float64(y[i-1])
		}
		lim := 5 / math.Sqrt(float64(size))
		if r := s / float64(size); math.Abs(r) > lim {
			t.Errorf("seed %d stream %d vs seed %d stream %d: correlation %v", p.a.Seed, p.sa, p.b.Seed, p.sb, r)
		}
		if r := s1 / float64(size); math.Abs(r) > lim {
			t.Errorf("seed %d stream %d vs seed %d stream %d shifted: correlation %v", p.a.Seed, p.sa, p.b.Seed, p.sb, r)
		}
	}
}
