package app_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

func TestParsePath(t *testing.T) {
	good := `[
	  {"state": {"t": 0, "compare": "none"}, "text": {"en": "x₀ itself.", "ko": "x₀ 그 자체."}, "chart": "histogram"},
	  {"state": {"T": 200}, "text": {"en": "A shorter schedule."}},
	  {"state": {"t": 200}, "text": {"en": "t = T of the shorter one."}, "chart": "residual"}
	]`
	stops, err := app.ParsePath([]byte(good), app.Default(), lib())
	if err != nil {
		t.Fatal(err)
	}
	if len(stops) != 3 || stops[0].Chart != "histogram" || stops[1].Chart != "none" || stops[2].Chart != "residual" {
		t.Fatalf("stops %+v", stops)
	}
	if stops[0].Text["ko"] != "x₀ 그 자체." || stops[1].Text["en"] != "A shorter schedule." {
		t.Errorf("texts %v %v", stops[0].Text, stops[1].Text)
	}
	if _, has := stops[1].Text["ko"]; has {
		t.Errorf("stop 2 has no Korean, got %q", stops[1].Text["ko"])
	}
	if string(stops[0].State) != `{"t":0,"compare":"none"}` {
		t.Errorf("stop 1's state %s", stops[0].State)
	}
	// The stops come back as JSON the page reads.
	if _, err := json.Marshal(stops); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		stop       int
		field      string
		msg        string // substring of the error
	}{
		{"not a list", `{"state": {}}`, 0, "", "path: must be a JSON list of stops"},
		{"empty list", `[]`, 0, "", "path: must hold 1..50 stops, got 0"},
		{"bad JSON", `[{"state": {"t": 0}`, 0, "", "path: must be a JSON list"},
		{"t beyond T in stop 2", `[{"text": {"en": "a"}}, {"state": {"t": 5000}, "text": {"en": "b"}}]`, 2, "t", "stop 2: t must be an integer in 0..T (1000), got 5000"},
		{"t beyond an earlier stop's T", `[{"state": {"T": 100}, "text": {"en": "a"}}, {"state": {"t": 500}, "text": {"en": "b"}}]`, 2, "t", "stop 2: t must be an integer in 0..T (100), got 500"},
		{"unknown state field", `[{"state": {"tt": 1}, "text": {"en": "a"}}]`, 1, "tt", `stop 1: unknown field "tt"`},
		{"bad schedule", `[{"text": {"en": "a"}}, {"text": {"en": "b"}}, {"state": {"schedule": "cubic"}, "text": {"en": "c"}}]`, 3, "schedule", "stop 3: schedule must be one of"},
		{"bad compare", `[{"state": {"compare": "everything"}, "text": {"en": "a"}}]`, 1, "compare", "stop 1: compare must be"},
		{"no text", `[{"state": {"t": 1}}]`, 1, "text", "stop 1: text must be"},
		{"empty English", `[{"text": {"en": " ", "ko": "가"}}]`, 1, "text", "stop 1: text must be"},
		{"Korean not a string", `[{"text": {"en": "a", "ko": 3}}]`, 1, "text", "stop 1: text must be"},
		{"third language", `[{"text": {"en": "a", "fr": "b"}}]`, 1, "text", "stop 1: text must be"},
		{"unknown chart", `[{"text": {"en": "a"}}, {"text": {"en": "b"}, "chart": "pie"}]`, 2, "chart", `stop 2: chart must be one of none, alphabar`},
		{"unknown stop field", `[{"text": {"en": "a"}, "sentence": "b"}]`, 1, "sentence", `stop 1: unknown field "sentence"; the fields are state, text, chart`},
		{"stop not an object", `[{"text": {"en": "a"}}, 7]`, 2, "", "stop 2: must be an object"},
		{"too large", `[` + strings.Repeat(" ", app.MaxPathBytes) + `]`, 0, "", "path: the file must be at most 64 KiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := app.ParsePath([]byte(tc.path), app.Default(), lib())
			var pe *app.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *PathError", err)
			}
			if pe.Stop != tc.stop || pe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("stop %d field %q %q; want stop %d field %q, message containing %q", pe.Stop, pe.Field, err, tc.stop, tc.field, tc.msg)
			}
		})
	}
}

// Every chart a path may name is one the page draws: its name is a key of
// the page's charts (web/instruments.js chartElement, the figures of
// web/schedule-plots.js and web/reverse-plots.js, web/present.js's
// residual view).
func TestChartsAreKnown(t *testing.T) {
	var src strings.Builder
	for _, f := range []string{"instruments.js", "schedule-plots.js", "reverse-plots.js", "present.js"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", f))
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, c := range app.Charts {
		if c == "none" {
			continue
		}
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(c) + `[:']`).MatchString(src.String()) {
			t.Errorf("chart %q is drawn nowhere in the page", c)
		}
	}
}
