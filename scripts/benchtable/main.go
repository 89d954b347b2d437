// Command benchtable folds the outputs that scripts/bench.sh collects into
// one table: the diffusion kernels natively and under js/wasm in Node, the
// NumPy reference (shared/bench/numpy_forward.py), their ratios, the frame
// figures the page reports in headless Chromium, and the wasm sizes; then
// the reverse process's kernels (reverse/) against
// shared/bench/numpy_reverse.py, with issue #10's targets.
//
//	go run ./scripts/benchtable -native bench-out/native.txt -wasm bench-out/wasm.txt \
//	    -numpy bench-out/numpy.txt -browser bench-out/browser.txt -wasmfile web/dissolve.wasm \
//	    -rnative bench-out/reverse-native.txt -rwasm bench-out/reverse-wasm.txt -rnumpy bench-out/numpy-reverse.txt
//
// A missing input leaves its columns as "—" and is named under the table.
// With -md FILE the same text is also written to FILE as a Markdown page
// (make bench: docs/performance.md, the one place for performance figures).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	native := flag.String("native", "", "go test -bench output, native")
	wasm := flag.String("wasm", "", "go test -bench output, GOOS=js GOARCH=wasm in Node")
	numpy := flag.String("numpy", "", "output of numpy_forward.py")
	browser := flag.String("browser", "", "output of TestBenchBrowser (BENCH browser lines)")
	wasmFile := flag.String("wasmfile", "web/dissolve.wasm", "the built wasm; .gz and .br beside it")
	rnative := flag.String("rnative", "", "go test -bench output of reverse/, native")
	rwasm := flag.String("rwasm", "", "go test -bench output of reverse/, js/wasm in Node")
	rnumpy := flag.String("rnumpy", "", "output of numpy_reverse.py")
	md := flag.String("md", "", "also write the figures as a Markdown page to this file")
	flag.Parse()

	var r report
	var missing []string
	read := func(name, path string, parse func(io.Reader)) {
		if path == "" {
			missing = append(missing, name+" (not given)")
			return
		}
		f, err := os.Open(path)
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (%v)", name, err))
			return
		}
		defer f.Close()
		parse(f)
	}
	read("native benchmarks", *native, func(f io.Reader) { r.native = parseGoBench(f, &r.cpu) })
	read("wasm benchmarks", *wasm, func(f io.Reader) { r.wasm = parseGoBench(f, nil) })
	read("NumPy reference", *numpy, func(f io.Reader) { r.numpy = parseNumPy(f) })
	read("browser figures", *browser, func(f io.Reader) { r.browser = parseBrowser(f) })
	for _, ext := range []string{"", ".gz", ".br"} {
		if st, err := os.Stat(*wasmFile + ext); err == nil {
			r.sizes = append(r.sizes, st.Size())
		} else {
			r.sizes = append(r.sizes, -1)
		}
	}
	if r.cpu == "" {
		r.cpu = cpuModel()
	}
	var rr reverseReport
	read("reverse benchmarks, native", *rnative, func(f io.Reader) { rr.native = parseGoBench(f, nil) })
	read("reverse benchmarks, wasm", *rwasm, func(f io.Reader) { rr.wasm = parseGoBench(f, nil) })
	read("NumPy reverse reference", *rnumpy, func(f io.Reader) { rr.numpy = parseNumPyReverse(f, &rr.blas) })
	var text bytes.Buffer
	r.write(&text)
	rr.write(&text)
	for _, m := range missing {
		fmt.Fprintf(&text, "missing: %s\n", m)
	}
	os.Stdout.Write(text.Bytes())
	if *md != "" {
		var page bytes.Buffer
		writeMarkdown(&page, text.String(), time.Now())
		if err := os.WriteFile(*md, page.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
	}
}

// writeMarkdown writes the table text as docs/performance.md: a title, what
// wrote it and when, and the text as it is, in a fenced block.
func writeMarkdown(w io.Writer, text string, when time.Time) {
	fmt.Fprintln(w, "# Performance")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Measured %s by `make bench` (`scripts/bench.sh`, which keeps the raw\n", when.Format("2006-01-02"))
	fmt.Fprintln(w, "outputs in `bench-out/`; `scripts/benchtable` folds them into this page).")
	fmt.Fprintln(w, "This file is the one place for the project's performance figures: it is")
	fmt.Fprintln(w, "written by `make bench`, not by hand, and code comments point here")
	fmt.Fprintln(w, "rather than quote timings.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```text")
	fmt.Fprint(w, strings.TrimRight(text, "\n")+"\n")
	fmt.Fprintln(w, "```")
}

// cpuModel reads the CPU's name from /proc/cpuinfo, for when no Go
// benchmark ran to print its "cpu:" line.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// key names one row: a diffusion benchmark and its sub-benchmark (the size).
type key struct{ kernel, size string }

// browserFrames is one "BENCH browser frames" line.
type browserFrames struct {
	fps, frameP50, frameP95, kernelP50, kernelP95 float64
	frames                                        int
}

type browserFigures struct {
	agent   string
	ready   map[string]float64 // load ("cold", "warm", "embed") → ms
	startup []string           // "load=… name=ms …": where each load's start-up went
	frames  map[key]browserFrames
	exports []string // one sentence per "BENCH browser export" line
	inst    []string // one sentence per "BENCH browser instruments" line
	worker  []string // the fields of each "BENCH browser worker" line
	reverse []string // the fields of each "BENCH browser reverse" line
	markov  []string // the fields of each "BENCH browser markov" line
}

type report struct {
	cpu          string
	native, wasm map[key]float64 // ns/op
	numpy        map[key]float64 // ms per frame
	browser      browserFigures
	sizes        []int64 // raw, gzip, brotli; -1 if absent
}

// kernelOrder is the order of the known kernels in the table; others follow
// alphabetically.
var kernelOrder = []string{"ClosedFormRGBA", "MarkovStep", "TrajectorySequential", "Stats"}

// numpyKernel maps the NumPy reference's lines to the diffusion kernels
// that compute the same frame.
var numpyKernel = map[string]string{
	"closed-form":               "ClosedFormRGBA",
	"markov step (fresh noise)": "MarkovStep",
}

// browserKernel maps the page's modes to the kernel each frame runs.
var browserKernel = map[string]string{
	"closed": "ClosedFormRGBA",
	"markov": "MarkovStep",
}

var goBenchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)

// parseGoBench reads `go test -bench` output: name → ns/op. The name
// "ClosedFormRGBA/512-2" gives the key {ClosedFormRGBA, 512}. If cpu is not
// nil it receives the "cpu:" header.
func parseGoBench(r io.Reader, cpu *string) map[key]float64 {
	out := map[key]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if cpu != nil && strings.HasPrefix(line, "cpu: ") {
			*cpu = strings.TrimPrefix(line, "cpu: ")
		}
		m := goBenchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ns, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		kernel, size, _ := strings.Cut(m[1], "/")
		out[key{kernel, size}] = ns
	}
	return out
}

var numpyLine = regexp.MustCompile(`^numpy (\d+)x\d+x\d+ (.+) frame: ([\d.]+) ms`)

// parseNumPy reads numpy_forward.py's lines such as
// "numpy 512x512x3 closed-form frame: 2.16 ms".
func parseNumPy(r io.Reader) map[key]float64 {
	out := map[key]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := numpyLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		kernel, ok := numpyKernel[m[2]]
		if !ok {
			kernel = "numpy " + m[2]
		}
		if ms, err := strconv.ParseFloat(m[3], 64); err == nil {
			out[key{kernel, m[1]}] = ms
		}
	}
	return out
}

// parseBrowser reads the "BENCH browser" lines of TestBenchBrowser.
func parseBrowser(r io.Reader) browserFigures {
	b := browserFigures{ready: map[string]float64{}, frames: map[key]browserFrames{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "BENCH browser ")
		if !ok {
			continue
		}
		kind, fields, _ := strings.Cut(rest, " ")
		switch kind {
		case "browser":
			if s, err := strconv.Unquote(fields); err == nil {
				b.agent = s
			}
		case "ready":
			kv := keyValues(fields)
			if ms, err := strconv.ParseFloat(kv["ms"], 64); err == nil {
				b.ready[kv["load"]] = ms
			}
		case "frames":
			kv := keyValues(fields)
			kernel, ok := browserKernel[kv["mode"]]
			if !ok {
				kernel = "page mode " + kv["mode"]
			}
			f := browserFrames{
				fps:       num(kv["fps"]),
				frameP50:  num(kv["frame_p50_ms"]),
				frameP95:  num(kv["frame_p95_ms"]),
				kernelP50: num(kv["kernel_p50_ms"]),
				kernelP95: num(kv["kernel_p95_ms"]),
			}
			f.frames, _ = strconv.Atoi(kv["frames"])
			b.frames[key{kernel, kv["size"]}] = f
		case "instruments":
			kv := keyValues(fields)
			b.inst = append(b.inst, fmt.Sprintf("%s² %s: %s / %s / %s ms", kv["size"], kv["mode"], kv["js_p50_ms"], kv["js_p95_ms"], kv["js_max_ms"]))
		case "startup":
			b.startup = append(b.startup, fields)
		case "worker":
			b.worker = append(b.worker, fields)
		case "reverse":
			b.reverse = append(b.reverse, fields)
		case "markov":
			b.markov = append(b.markov, fields)
		case "export":
			kv := keyValues(fields)
			b.exports = append(b.exports, fmt.Sprintf("%s export, %s², %s frames: %s ms (budget 5 s); longest wait between progress updates %s ms (budget 200 ms); longest gap between the page's animation frames meanwhile %s ms",
				strings.ToUpper(kv["kind"]), kv["size"], kv["frames"], kv["ms"], kv["max_progress_gap_ms"], kv["max_raf_gap_ms"]))
		}
	}
	return b
}

func keyValues(s string) map[string]string {
	kv := map[string]string{}
	for _, f := range strings.Fields(s) {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	return kv
}

func num(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return f
}

// rows returns every key seen in any input, known kernels first, sizes in
// numeric order.
func (r *report) rows() []key {
	set := map[key]bool{}
	for _, m := range []map[key]float64{r.native, r.wasm, r.numpy} {
		for k := range m {
			set[k] = true
		}
	}
	for k := range r.browser.frames {
		set[k] = true
	}
	keys := make([]key, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	rank := func(kernel string) int {
		if i := slices.Index(kernelOrder, kernel); i >= 0 {
			return i
		}
		return len(kernelOrder)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if d := rank(a.kernel) - rank(b.kernel); d != 0 {
			return d
		}
		if a.kernel != b.kernel {
			return strings.Compare(a.kernel, b.kernel)
		}
		na, ea := strconv.Atoi(a.size)
		nb, eb := strconv.Atoi(b.size)
		if ea == nil && eb == nil {
			return na - nb
		}
		return strings.Compare(a.size, b.size)
	})
	return keys
}

const dash = "—"

func (r *report) write(w io.Writer) {
	header := []string{"kernel", "size", "native ms", "wasm ms", "numpy ms", "wasm/numpy", "numpy/native",
		"browser kernel p50/p95 ms", "frame p50/p95 ms", "fps"}
	table := [][]string{header}
	for _, k := range r.rows() {
		native, hasNative := msOf(r.native, k)
		wasm, hasWasm := msOf(r.wasm, k)
		numpy, hasNumPy := r.numpy[k]
		row := []string{k.kernel, k.size, fmtMs(native, hasNative), fmtMs(wasm, hasWasm), fmtMs(numpy, hasNumPy),
			ratio(wasm, numpy, hasWasm && hasNumPy), ratio(numpy, native, hasNumPy && hasNative)}
		if f, ok := r.browser.frames[k]; ok {
			row = append(row, fmtMs(f.kernelP50, true)+" / "+fmtMs(f.kernelP95, true),
				fmtMs(f.frameP50, true)+" / "+fmtMs(f.frameP95, true),
				strconv.FormatFloat(f.fps, 'f', 1, 64))
		} else {
			row = append(row, dash, dash, dash)
		}
		table = append(table, row)
	}

	fmt.Fprintf(w, "dissolve bench — %s, %d CPUs, %s %s/%s\n\n", orDash(r.cpu), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	writeAligned(w, table)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "ms per frame. wasm = GOOS=js GOARCH=wasm in Node; numpy = shared/bench/numpy_forward.py (median of 40).")
	fmt.Fprintln(w, "wasm/numpy ≤ 1: the WebAssembly kernel is no slower than NumPy (the budget); numpy/native > 1: native Go is ahead.")
	if r.browser.agent != "" || len(r.browser.frames) > 0 {
		fmt.Fprintf(w, "browser: %s, headless, WebGL by SwiftShader; requestAnimationFrame may not be vsync-locked, so fps is what it measured.\n", orDash(r.browser.agent))
		fmt.Fprintln(w, "browser kernel = Go's time computing a frame in the page (window.ddpm.perf().kernelMs); frame = interval between drawn frames.")
	}
	var ready []string
	for _, load := range []string{"cold", "warm", "embed"} {
		if ms, ok := r.browser.ready[load]; ok {
			ready = append(ready, fmt.Sprintf("%s %.0f ms", load, ms))
		}
	}
	if len(ready) > 0 {
		fmt.Fprintf(w, "first frame (navigation → window.ddpm.ready): %s (budget 1 s on localhost)\n", strings.Join(ready, ", "))
	}
	if len(r.browser.startup) > 0 {
		fmt.Fprintln(w, "where start-up goes, ms since navigation (the wasm fetched; web/stage.js and wasm/main.go's marks; ready):")
		for _, line := range r.browser.startup {
			fmt.Fprintln(w, "  "+line)
		}
	}
	for _, e := range r.browser.exports {
		fmt.Fprintln(w, e)
	}
	if len(r.browser.inst) > 0 {
		fmt.Fprintln(w, "instruments' main-thread time per frame, p50 / p95 / max (web/instruments.js and the Go calls it makes; budget: a frame, 16 ms):")
		for _, line := range r.browser.inst {
			fmt.Fprintln(w, "  "+line)
		}
	}
	if len(r.browser.worker) > 0 {
		fmt.Fprintln(w, "compute workers (web/workers.js, TestBenchWorker; wall times on the page's main thread, worker times inside the worker):")
		for _, line := range r.browser.worker {
			fmt.Fprintln(w, "  "+line)
		}
	}
	if len(r.browser.reverse) > 0 {
		fmt.Fprintln(w, "the reverse direction on the page (TestBenchReverse; targets: >= 60 steps/s, a 4x4 DDIM-50 grid <= 2 s, 0 long tasks, slider input-to-frame p95 <= 50 ms):")
		for _, line := range r.browser.reverse {
			fmt.Fprintln(w, "  "+line)
		}
	}
	if len(r.browser.markov) > 0 {
		fmt.Fprintln(w, "512² Markov playback, the chain's nodes from 0 (main thread), 1 and 2 compute workers (TestBenchMarkovWorkers; targets with workers: main-thread kernel p95 <= 2 ms, 0 long tasks):")
		for _, line := range r.browser.markov {
			fmt.Fprintln(w, "  "+line)
		}
	}
	names := []string{"raw", "gzip", "brotli"}
	var sizes []string
	for i, s := range r.sizes {
		if s >= 0 {
			sizes = append(sizes, fmt.Sprintf("%s %.2f MB (%d bytes)", names[i], float64(s)/1e6, s))
		}
	}
	if len(sizes) > 0 {
		fmt.Fprintf(w, "web/dissolve.wasm: %s\n", strings.Join(sizes, ", "))
	}
}

// msOf converts a ns/op entry to ms.
func msOf(m map[key]float64, k key) (float64, bool) {
	ns, ok := m[k]
	return ns / 1e6, ok
}

// fmtMs prints three significant digits, enough to compare and short.
func fmtMs(ms float64, ok bool) string {
	if !ok || ms < 0 {
		return dash
	}
	switch {
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 3, 64)
	}
}

func ratio(a, b float64, ok bool) string {
	if !ok || b <= 0 {
		return dash
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

func orDash(s string) string {
	if s == "" {
		return dash
	}
	return s
}

// writeAligned prints rows with the first column left-aligned and the
// others right-aligned, two spaces apart.
func writeAligned(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			n := len([]rune(cell))
			if i >= len(widths) {
				widths = append(widths, n)
			} else if n > widths[i] {
				widths[i] = n
			}
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(cell)))
			if i == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
