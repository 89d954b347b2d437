package diffusion

import (
	"math"
	"testing"
)

func TestDetExpLog(t *testing.T) {
	for x := -745.0; x < 709; x += 0.0137 {
		got, want := detExp(x), math.Exp(x)
		if want > 1e-300 && math.Abs(got-want) > 4e-16*want {
			t.Fatalf("detExp(%v) = %v, math.Exp %v", x, got, want)
		}
	}
	for x := 1e-300; x < 1e300; x *= 1.37 {
		got, want := detLog(x), math.Log(x)
		if math.Abs(got-want) > 4e-16*math.Max(1, math.Abs(want)) {
			t.Fatalf("detLog(%v) = %v, math.Log %v", x, got, want)
		}
	}
	for u := 0.001; u < 1; u += 0.001 {
		if got, want := detLog(u), math.Log(u); math.Abs(got-want) > 4e-16*math.Max(1e-3, math.Abs(want)) {
			t.Fatalf("detLog(%v) = %v, math.Log %v", u, got, want)
		}
	}
	if detExp(math.Inf(-1)) != 0 || !math.IsInf(detExp(800), 1) || !math.IsNaN(detExp(math.NaN())) ||
		!math.IsInf(detLog(0), -1) || !math.IsNaN(detLog(-1)) || detLog(1) != 0 {
		t.Error("special values")
	}
}

// The ziggurat tables close: the top layer ends at x ≈ 0 and every layer has
// the area v.
func TestZigguratTables(t *testing.T) {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	v := zigR*f(zigR) + math.Sqrt(math.Pi/2)*math.Erfc(zigR/math.Sqrt2)
	if math.Abs(v-zigV) > 1e-15 {
		t.Errorf("v = %v, tail integral gives %v", zigV, v)
	}
	if a := zigX[1] * (1 - zigF[1]); math.Abs(a-zigV) > 1e-6 {
		t.Errorf("top layer area %v, want %v", a, zigV)
	}
	for i := 2; i < zigN; i++ {
		if a := zigX[i] * (zigF[i-1] - zigF[i]); math.Abs(a-zigV) > 1e-12 {
			t.Fatalf("layer %d area %v, want %v", i, a, zigV)
		}
	}
}
