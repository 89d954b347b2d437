//go:build !wasm

package diffusion

// toByte maps v in [−1, 1] to a byte: ⌊v·127.5 + 128⌋ = round((v + 1)·127.5)
// (halves up), the multiply and the add each rounded to float32, clipped to
// 0..255; NaN and −Inf map to 0, +Inf to 255. tobyte_wasm.go has the same
// function for wasm, one select shorter.
//
// It is branch-free on purpose (the min/max builtins on integers compile to
// conditional moves): noisy frames clip at random pixels, and a mispredicted
// branch per channel cost several times more than all the arithmetic.
func toByte(v float32) uint32 {
	q := float32(v*127.5) + 128
	// Exact truncation for |q| < 2^63. Beyond that, and for NaN, amd64
	// gives MinInt64 (clipped to 0 below), so +huge and +Inf are set to 255
	// first; NaN stays 0.
	i := int64(q)
	if q >= 1<<62 {
		i = 255
	}
	return uint32(min(max(i, 0), 255))
}
