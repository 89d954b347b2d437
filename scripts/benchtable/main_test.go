package main

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestParseGoBench(t *testing.T) {
	in := `goos: linux
goarch: amd64
pkg: dissolve/diffusion
cpu: Intel(R) Xeon(R) CPU @ 2.20GHz
BenchmarkClosedFormRGBA/256-2         	    2000	    512345 ns/op	 384.12 MB/s
BenchmarkClosedFormRGBA/512-2         	     500	   2048000 ns/op
BenchmarkMarkovStep/1024              	      10	 104857600 ns/op	       0 B/op	       0 allocs/op
BenchmarkStats-2                      	     100	     12.5 ns/op
--- BENCH: not a result line
PASS
ok  	dissolve/diffusion	5.1s
`
	var cpu string
	got := parseGoBench(strings.NewReader(in), &cpu)
	want := map[key]float64{
		{"ClosedFormRGBA", "256"}: 512345,
		{"ClosedFormRGBA", "512"}: 2048000,
		{"MarkovStep", "1024"}:    104857600,
		{"Stats", ""}:             12.5,
	}
	if !maps.Equal(got, want) {
		t.Errorf("parseGoBench = %v, want %v", got, want)
	}
	if cpu != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Errorf("cpu = %q", cpu)
	}
}

func TestParseNumPy(t *testing.T) {
	in := `alpha_bar_T = 4.035829765375676e-05  (the lesson prints 4.035829765375676e-05)
numpy 256x256x3 closed-form frame: 0.41 ms
numpy 256x256x3 markov step (fresh noise) frame: 1.70 ms
numpy 512x512x3 closed-form frame: 2.16 ms
numpy 512x512x3 markov step (fresh noise) frame: 8.20 ms
numpy 512x512x3 something new frame: 1.00 ms
`
	got := parseNumPy(strings.NewReader(in))
	want := map[key]float64{
		{"ClosedFormRGBA", "256"}:      0.41,
		{"MarkovStep", "256"}:          1.70,
		{"ClosedFormRGBA", "512"}:      2.16,
		{"MarkovStep", "512"}:          8.20,
		{"numpy something new", "512"}: 1.00,
	}
	if !maps.Equal(got, want) {
		t.Errorf("parseNumPy = %v, want %v", got, want)
	}
}

func TestParseBrowser(t *testing.T) {
	in := `=== RUN   TestBenchBrowser
BENCH browser browser "HeadlessChrome/156.0.0.0"
BENCH browser ready load=cold ms=812.5
BENCH browser ready load=warm ms=301.0
BENCH browser startup load=cold wasm_fetched=400 instantiated=600 first_frame=790 ready=812
BENCH browser frames size=512 mode=markov fps=59.9 frame_p50_ms=16.70 frame_p95_ms=17.20 kernel_p50_ms=6.30 kernel_p95_ms=9.60 frames=180 playing=true
    bench_browser_test.go:94: screenshot: web/e2e/out/bench-last.png
--- PASS: TestBenchBrowser (33.26s)
`
	b := parseBrowser(strings.NewReader(in))
	if b.agent != "HeadlessChrome/156.0.0.0" {
		t.Errorf("agent = %q", b.agent)
	}
	if b.ready["cold"] != 812.5 || b.ready["warm"] != 301 {
		t.Errorf("ready = %v", b.ready)
	}
	if want := []string{"load=cold wasm_fetched=400 instantiated=600 first_frame=790 ready=812"}; !slices.Equal(b.startup, want) {
		t.Errorf("startup = %q, want %q", b.startup, want)
	}
	want := browserFrames{fps: 59.9, frameP50: 16.7, frameP95: 17.2, kernelP50: 6.3, kernelP95: 9.6, frames: 180}
	if got := b.frames[key{"MarkovStep", "512"}]; got != want {
		t.Errorf("frames = %+v, want %+v", got, want)
	}
}

func TestTable(t *testing.T) {
	r := report{
		native: map[key]float64{{"ClosedFormRGBA", "512"}: 0.5e6, {"Stats", "512"}: 1e6, {"ClosedFormRGBA", "1024"}: 2e6},
		wasm:   map[key]float64{{"ClosedFormRGBA", "512"}: 1.6e6},
		numpy:  map[key]float64{{"ClosedFormRGBA", "512"}: 2.0},
		sizes:  []int64{11550675, 2941851, -1},
	}
	var out bytes.Buffer
	r.write(&out)
	lines := strings.Split(out.String(), "\n")
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "ClosedFormRGBA") || strings.HasPrefix(l, "Stats") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	want := []string{
		// native 0.5 ms, wasm 1.6 ms, numpy 2 ms: wasm/numpy 0.80, numpy/native 4.00
		"ClosedFormRGBA 512 0.500 1.60 2.00 0.80 4.00 — — —",
		"ClosedFormRGBA 1024 2.00 — — — — — — —",
		"Stats 512 1.00 — — — — — — —",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"), out.String())
	}
	if !strings.Contains(out.String(), "raw 11.55 MB (11550675 bytes), gzip 2.94 MB (2941851 bytes)") {
		t.Errorf("sizes line missing or wrong:\n%s", out.String())
	}
}
