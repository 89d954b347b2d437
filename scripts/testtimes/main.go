// Command testtimes reads `go test -json` on stdin and writes what a plain
// `go test` would (each failed test's output, and each package's ok or
// FAIL line), then the slowest top-level tests: where a suite's time goes.
// It exits 1 if any test or package failed. make e2e pipes the browser
// suite through it, so that CI's log says which tests to make faster.
//
//	go test -json ./web/e2e/... | go run ./scripts/testtimes -top 15
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type timing struct {
	name    string
	seconds float64
}

func main() {
	top := flag.Int("top", 15, "how many of the slowest top-level tests to list")
	flag.Parse()
	failed, err := summarise(os.Stdin, os.Stdout, *top)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testtimes:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// summarise writes the plain output and the slowest tests to w, and
// reports whether anything failed.
func summarise(r io.Reader, w io.Writer, top int) (failed bool, err error) {
	output := map[string]*strings.Builder{} // package/test → its output so far
	var times []timing
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintln(w, string(line)) // not an event: the build's own output
			continue
		}
		key := e.Package + "/" + e.Test
		switch e.Action {
		case "build-output": // a package that does not build (Go ≥ 1.24)
			fmt.Fprint(w, e.Output)
		case "build-fail":
			failed = true
		case "output":
			b := output[key]
			if b == nil {
				b = new(strings.Builder)
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Action == "fail" {
				failed = true
				if b := output[key]; b != nil {
					fmt.Fprint(w, b.String())
				}
			}
			if e.Test == "" { // the package's own line
				if e.Action != "fail" {
					fmt.Fprintf(w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
				}
			} else if !strings.Contains(e.Test, "/") {
				times = append(times, timing{e.Test, e.Elapsed})
			}
			delete(output, key)
		}
	}
	if err := sc.Err(); err != nil {
		return failed, err
	}
	sort.SliceStable(times, func(i, j int) bool { return times[i].seconds > times[j].seconds })
	if len(times) > top {
		times = times[:top]
	}
	if len(times) > 0 {
		fmt.Fprintf(w, "the %d slowest tests (s):\n", len(times))
		for _, t := range times {
			fmt.Fprintf(w, "  %7.1f  %s\n", t.seconds, t.name)
		}
	}
	return failed, nil
}
