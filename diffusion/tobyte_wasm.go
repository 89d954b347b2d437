//go:build wasm

package diffusion

// toByte is tobyte.go's function for wasm, with the same results: wasm's
// float-to-int conversion saturates (±huge → MinInt64/MaxInt64, NaN → 0),
// so no special case is needed for huge values (faster in the browser).
func toByte(v float32) uint32 {
	q := float32(v*127.5) + 128
	i := int64(q)
	return uint32(min(max(i, 0), 255))
}
