package main

import (
	"strings"
	"testing"
)

func TestReverseTable(t *testing.T) {
	var r reverseReport
	r.numpy = parseNumPyReverse(strings.NewReader(`BLAS loaded: /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
numpy ideal denoiser N=10000 batch=1 28x28: 1.740 ms
numpy ideal denoiser N=1000 batch=16 28x28: 0.814 ms
numpy local (LS) denoiser N=10000 P=5 28x28: 213.997 ms
numpy equivariant (ELS) denoiser N=100 P=5 28x28: 610.023 ms
numpy full DDPM sampling, 1000 steps, ideal denoiser N=10000, one 28x28 digit: 2798.1 ms
`), &r.blas)
	r.native = parseGoBench(strings.NewReader(`BenchmarkIdeal/N=10000/batch=1-2   	 700	   1740000 ns/op
BenchmarkIdeal/N=1000/batch=16-2   	 700	   1628000 ns/op
BenchmarkSample/DDPM1000/N=10000-2 	 1	1400000000 ns/op
`), nil)
	r.wasm = parseGoBench(strings.NewReader(`BenchmarkLocalLS/N=10000 	 10	  107000000 ns/op
`), nil)
	var b strings.Builder
	r.write(&b)
	out := b.String()
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 {
			rows[f[0]+" "+f[1]] = strings.Join(f[2:], " ")
		}
	}
	for row, want := range map[string]string{
		"Ideal N=1000/batch=16":   "1.63 — 0.814 2.00 —",
		"Ideal N=10000/batch=1":   "1.74 — 1.74 1.00 — native ≤ 1.5, wasm ≤ 3",
		"LocalLS N=10000":         "— 107 214 — 0.50 wasm ≤ 0.5",
		"LocalELS N=100":          "— — 610 — —",
		"Sample DDPM1000/N=10000": "1400 — 2798 0.50 — wasm ≤ 1.0",
	} {
		if rows[row] != want {
			t.Errorf("row %s: %q, want %q\n%s", row, rows[row], want, out)
		}
	}
	if !strings.Contains(out, "NumPy with /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3") {
		t.Errorf("no BLAS named:\n%s", out)
	}
	if strings.Index(out, "N=1000/batch") > strings.Index(out, "N=10000/batch") {
		t.Errorf("rows not in numeric order:\n%s", out)
	}
}
