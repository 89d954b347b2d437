package diffusion

import "math"

// Deterministic elementary functions.
//
// Go's math.Exp and math.Log run assembly on amd64 and pure Go on wasm, so
// their last bit may differ between a native build and the browser. Anything
// that decides a pixel (the ziggurat tables and its rejection tests, the
// sigmoid schedule) uses these two instead: they are built from +, −, ×, ÷
// and math.Sqrt/Frexp/Ldexp only, which are exact or correctly rounded on
// every platform, with explicit float64(...) conversions so the compiler
// never fuses a multiply-add (the Go spec allows fusion otherwise, and
// arm64/ppc64/s390x do it). They are accurate to a few ulp, not correctly
// rounded; that is enough for their use.

const (
	ln2Hi = 6.93147180369123816490e-01 // high bits of ln 2 (exact product with small ints)
	ln2Lo = 1.90821492927058770002e-10 // ln 2 − ln2Hi
)

// detExp returns e^x, identically on every platform.
func detExp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.78:
		return math.Inf(1)
	case x < -745.2:
		return 0
	}
	// x = k·ln2 + r, |r| ≤ ln2/2.
	k := math.Floor(float64(x*math.Log2E) + 0.5)
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	// Taylor series to degree 13: error < 1e-17 relative for |r| ≤ 0.35.
	p := 1.0 / 6227020800 // 1/13!
	for _, c := range [...]float64{
		1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880,
		1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
		1.0 / 6, 1.0 / 2, 1, 1,
	} {
		p = float64(p*r) + c
	}
	return math.Ldexp(p, int(k))
}

// detLog returns ln x for x > 0, identically on every platform. It returns
// −Inf for 0, NaN for negative or NaN x, +Inf for +Inf.
func detLog(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	// ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.1716: odd series to s^25.
	s := (m - 1) / (m + 1)
	s2 := float64(s * s)
	p := 1.0 / 25
	for k := 23; k >= 1; k -= 2 {
		p = float64(p*s2) + 1/float64(k)
	}
	lnm := float64(2 * float64(s*p))
	fe := float64(e)
	return float64(float64(fe*ln2Hi)+lnm) + float64(fe*ln2Lo)
}

// Exp returns e^x computed the same way, to the bit, natively and in
// WebAssembly (a few ulp from math.Exp). Use it for anything that decides a
// sample's bits, such as a softmax inside a reverse-process sampler.
func Exp(x float64) float64 { return detExp(x) }

// Log returns ln x computed the same way, to the bit, on every platform
// (see Exp).
func Log(x float64) float64 { return detLog(x) }
