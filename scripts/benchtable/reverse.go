package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The reverse process's section: the reverse/ benchmarks natively and in
// Node against ../shared/bench/numpy_reverse.py.

var (
	numpyIdeal  = regexp.MustCompile(`^numpy ideal denoiser N=(\d+) batch=(\d+) .*: ([\d.]+) ms`)
	numpyLocal  = regexp.MustCompile(`^numpy local \(LS\) denoiser N=(\d+) .*: ([\d.]+) ms`)
	numpyEquiv  = regexp.MustCompile(`^numpy equivariant \(ELS\) denoiser N=(\d+) .*: ([\d.]+) ms`)
	numpySample = regexp.MustCompile(`^numpy full DDPM sampling, 1000 steps, ideal denoiser N=(\d+),.*: ([\d.]+) ms`)
	blasLine    = regexp.MustCompile(`^BLAS loaded: (.*)`)
)

// parseNumPyReverse reads numpy_reverse.py's lines into the keys of the Go
// benchmarks that do the same work, in ms; blas receives the BLAS line.
func parseNumPyReverse(r io.Reader, blas *string) map[key]float64 {
	out := map[key]float64{}
	sc := bufio.NewScanner(r)
	ms := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	for sc.Scan() {
		line := sc.Text()
		if m := blasLine.FindStringSubmatch(line); m != nil {
			*blas = m[1]
		} else if m := numpyIdeal.FindStringSubmatch(line); m != nil {
			out[key{"Ideal", "N=" + m[1] + "/batch=" + m[2]}] = ms(m[3])
		} else if m := numpyLocal.FindStringSubmatch(line); m != nil {
			out[key{"LocalLS", "N=" + m[1]}] = ms(m[2])
		} else if m := numpyEquiv.FindStringSubmatch(line); m != nil {
			out[key{"LocalELS", "N=" + m[1]}] = ms(m[2])
		} else if m := numpySample.FindStringSubmatch(line); m != nil {
			out[key{"Sample", "DDPM1000/N=" + m[1]}] = ms(m[2])
		}
	}
	return out
}

// reverseTargets are issue #10's speed targets, as ratios to NumPy.
var reverseTargets = map[key]string{
	{"Ideal", "N=10000/batch=1"}:   "native ≤ 1.5, wasm ≤ 3",
	{"Ideal", "N=10000/batch=16"}:  "native ≤ 1.5, wasm ≤ 3",
	{"Ideal", "N=60000/batch=1"}:   "native ≤ 1.5, wasm ≤ 3",
	{"Ideal", "N=60000/batch=16"}:  "native ≤ 1.5, wasm ≤ 3",
	{"LocalLS", "N=10000"}:         "wasm ≤ 0.5",
	{"Sample", "DDPM1000/N=10000"}: "wasm ≤ 1.0",
}

var reverseOrder = []string{"Ideal", "LocalLS", "LocalELS", "Sample"}

// reverseReport is the reverse process's figures.
type reverseReport struct {
	native, wasm map[key]float64 // ns/op
	numpy        map[key]float64 // ms
	blas         string
}

func (r *reverseReport) write(w io.Writer) {
	set := map[key]bool{}
	for _, m := range []map[key]float64{r.native, r.wasm, r.numpy} {
		for k := range m {
			if slices.Contains(reverseOrder, k.kernel) {
				set[k] = true
			}
		}
	}
	if len(set) == 0 {
		return
	}
	keys := make([]key, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if d := slices.Index(reverseOrder, a.kernel) - slices.Index(reverseOrder, b.kernel); d != 0 {
			return d
		}
		return naturalCompare(a.size, b.size)
	})
	fmt.Fprintf(w, "\nreverse process (28×28 MNIST digits; NumPy with %s)\n", r.blas)
	fmt.Fprintf(w, "%-10s %-22s %10s %10s %10s %12s %10s  %s\n", "kernel", "case", "native ms", "wasm ms", "numpy ms", "native/numpy", "wasm/numpy", "target")
	for _, k := range keys {
		nat, was := r.native[k]/1e6, r.wasm[k]/1e6
		np := r.numpy[k]
		fmt.Fprintf(w, "%-10s %-22s %10s %10s %10s %12s %10s  %s\n", k.kernel, k.size,
			msCell(nat, r.native[k] > 0), msCell(was, r.wasm[k] > 0), msCell(np, np > 0),
			ratioCell(nat, np), ratioCell(was, np), reverseTargets[k])
	}
}

func msCell(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func ratioCell(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

// naturalCompare orders "N=1000/batch=16" before "N=10000/batch=1": numbers
// inside the strings compare as numbers.
func naturalCompare(a, b string) int {
	split := func(s string) []string { return regexp.MustCompile(`\d+|\D+`).FindAllString(s, -1) }
	pa, pb := split(a), split(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			if na != nb {
				return na - nb
			}
			continue
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}
