package reverse

import (
	"fmt"
	"testing"
)

// BenchmarkLocalLS: one 28×28 x̂_0 of the LS machine with P = 5 at t = 300
// of the lesson's schedule, against N random-byte images (the cost does not
// depend on the bytes' values; the NumPy reference, bench/numpy_reverse.py
// local, uses random data too).
func BenchmarkLocalLS(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) { benchLocal(b, n, 5, 0, false) })
	}
}

// BenchmarkLocalELS: the same for the ELS machine (numpy_reverse.py equiv).
func BenchmarkLocalELS(b *testing.B) {
	b.Run("N=100", func(b *testing.B) { benchLocal(b, 100, 5, 0, true) })
}

// benchLocal times one x̂_0 at t = 300 with patch P against n images whose
// bytes are 0 with probability zeros.
func benchLocal(b *testing.B, n, P int, zeros float64, els bool) {
	s := localSchedule(b)
	d := localData(b, 28, 28, 1, n, zeros, 42)
	xt := localXt(s, d, 300, 0, 43)
	l := NewLocal(s, d, els)
	l.PatchSize = localFixed(P)
	dst := make([]float32, d.Dim())
	l.Denoise(dst, xt, 300)
	b.ResetTimer()
	for b.Loop() {
		l.Denoise(dst, xt, 300)
	}
}

// BenchmarkLocalLSPatch: LS against N = 10000 at larger patches (the
// calibrated schedule's sides for 28×28 run 3..13).
func BenchmarkLocalLSPatch(b *testing.B) {
	for _, P := range []int{3, 9, 13} {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) { benchLocal(b, 10000, P, 0, false) })
	}
}

// BenchmarkLocalLSInk: as BenchmarkLocalLS/N=10000 but with 81% of the
// bytes 0, as MNIST's paper (the table look-ups then mostly hit one entry
// per pixel).
func BenchmarkLocalLSInk(b *testing.B) { benchLocal(b, 10000, 5, 0.81, false) }
