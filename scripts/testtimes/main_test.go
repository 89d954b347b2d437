package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarise(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: quiet\n"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":3.5}
{"Action":"output","Package":"p","Test":"TestB/sub","Output":"    b_test.go:4: broken\n"}
{"Action":"fail","Package":"p","Test":"TestB/sub","Elapsed":1}
{"Action":"fail","Package":"p","Test":"TestB","Elapsed":9.25}
{"Action":"pass","Package":"p","Test":"TestC","Elapsed":0.5}
{"Action":"fail","Package":"p","Elapsed":13.3}
{"ImportPath":"q","Action":"build-output","Output":"q/x.go:3:1: syntax error\n"}
{"ImportPath":"q","Action":"build-fail"}
`
	var out bytes.Buffer
	failed, err := summarise(strings.NewReader(in), &out, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !failed {
		t.Error("a failed test was not reported as a failure")
	}
	got := out.String()
	for _, want := range []string{"b_test.go:4: broken", "q/x.go:3:1: syntax error", "the 2 slowest tests (s):\n      9.2  TestB\n      3.5  TestA\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "quiet") {
		t.Errorf("a passing test's log was written:\n%s", got)
	}
}
