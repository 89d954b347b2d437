package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestParseBrowserExportAndEmbed(t *testing.T) {
	in := `BENCH browser ready load=embed ms=640.2
BENCH browser export kind=gif size=256 frames=60 ms=1834 max_progress_gap_ms=45 max_raf_gap_ms=60 bytes=4000000
`
	b := parseBrowser(strings.NewReader(in))
	if b.ready["embed"] != 640.2 {
		t.Errorf("ready = %v", b.ready)
	}
	if len(b.exports) != 1 || !strings.Contains(b.exports[0], "GIF export, 256², 60 frames: 1834 ms") || !strings.Contains(b.exports[0], "progress updates 45 ms") {
		t.Errorf("exports = %q", b.exports)
	}
	var out bytes.Buffer
	r := report{browser: b, sizes: []int64{-1, -1, -1}}
	r.write(&out)
	if !strings.Contains(out.String(), "embed 640 ms") || !strings.Contains(out.String(), "GIF export") {
		t.Errorf("table lacks the embed and export figures:\n%s", out.String())
	}
}

func TestWriteMarkdown(t *testing.T) {
	var out bytes.Buffer
	when := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	writeMarkdown(&out, "dissolve bench — a CPU\n\nkernel  size\n", when)
	got := out.String()
	for _, want := range []string{"# Performance\n", "Measured 2026-12-01 by `make bench`", "```text\ndissolve bench — a CPU\n\nkernel  size\n```\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %q:\n%s", want, got)
		}
	}
}
