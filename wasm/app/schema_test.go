package app_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

var update = flag.Bool("update", false, "rewrite the README's URL-parameter table from the schema")

// readmeTable renders the README's table of state parameters from the
// schema: the URL name, the meaning, what is allowed and the default.
func readmeTable() string {
	var b strings.Builder
	b.WriteString("| parameter | meaning | allowed | default |\n|---|---|---|---|\n")
	d := app.Default()
	for _, f := range app.Schema {
		desc := f.Describe(d, lib())
		var allowed string
		switch f.Kind {
		case app.KindEnum:
			allowed = "`" + strings.Join(desc.Options, "`, `") + "`"
		case app.KindBoolean:
			allowed = "`0`, `1`"
		default:
			lo, hi := strconv.FormatFloat(*desc.Min, 'f', -1, 64), strconv.FormatFloat(*desc.Max, 'f', -1, 64)
			if f.MaxField != "" {
				hi = f.MaxField
			}
			word := map[app.Kind]string{app.KindInteger: "integer ", app.KindNumber: "number "}[f.Kind]
			allowed = word + lo + ".." + hi
			if desc.MinOpen || desc.MaxOpen {
				allowed = word + "in (" + lo + ", " + hi + ")"
			}
		}
		def := f.DefaultDoc
		if def == "" {
			switch v := desc.Default.(type) {
			case string:
				def = "`" + v + "`"
			case bool:
				def = map[bool]string{false: "`0`", true: "`1`"}[v]
			default:
				def = fmt.Sprint(v)
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Query, f.Doc, allowed, def)
	}
	return b.String()
}

const (
	tableStart = "<!-- The table is the schema's (wasm/app/schema.go); `go test ./wasm/app -run TestREADME -update` rewrites it. -->\n"
	tableEnd   = "\nThe page itself also reads"
)

func TestREADMEURLTableIsTheSchema(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no URL-parameter table between %q and %q", tableStart, tableEnd)
	}
	got, want := text[i+len(tableStart):j], readmeTable()
	if got == want {
		return
	}
	if *update {
		text = text[:i+len(tableStart)] + want + text[j:]
		if err := os.WriteFile("../../README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's URL-parameter table differs from the schema; run go test ./wasm/app -run TestREADME -update\ngot:\n%s\nwant:\n%s", got, want)
}

// The README's table of the parameters that are not state lists exactly
// app.PassiveParams, in order.
func TestREADMEPassiveTableIsPassiveParams(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, tableEnd)
	if i < 0 {
		t.Fatalf("README.md has no %q", tableEnd)
	}
	var names []string
	for _, line := range strings.Split(text[i:], "\n")[1:] {
		if strings.HasPrefix(line, "Example:") {
			break
		}
		if rest, ok := strings.CutPrefix(line, "| `"); ok {
			name, _, _ := strings.Cut(rest, "`")
			names = append(names, name)
		}
	}
	if !slices.Equal(names, app.PassiveParams) {
		t.Errorf("README.md's table of the other parameters lists %q, app.PassiveParams is %q", names, app.PassiveParams)
	}
}

// Every code has a message in every language, every {kind} word exists
// in every language, and the English messages are Go's errors.
func TestEveryCodeHasAMessageInEveryLanguage(t *testing.T) {
	for _, lang := range app.Languages {
		for _, code := range app.Codes {
			if strings.TrimSpace(app.Messages[lang][code]) == "" {
				t.Errorf("%s: no message for code %q", lang, code)
			}
		}
		if len(app.Messages[lang]) != len(app.Codes) {
			t.Errorf("%s: %d messages for %d codes", lang, len(app.Messages[lang]), len(app.Codes))
		}
		for word := range app.Words["en"] {
			if app.Words[lang][word] == "" {
				t.Errorf("%s: no word for %q", lang, word)
			}
		}
		for p := range app.Prefixes["en"] {
			if app.Prefixes[lang][p] == "" {
				t.Errorf("%s: no prefix %q", lang, p)
			}
		}
	}
}

// Each field's refusals, in English and Korean, from JSON and from the
// URL: the field is named, the code is one the schema lists for it, the
// message has no unfilled placeholder and the state is unchanged.
func TestEveryFieldRefusesWithItsCodes(t *testing.T) {
	bad := map[app.Kind][]string{
		app.KindInteger: {`-5`, `2.5`, `"3"`, `1e300`, `null`, `99999999999`},
		app.KindNumber:  {`-1`, `1e9`, `"x"`, `null`, `true`},
		app.KindBoolean: {`1`, `"true"`, `null`},
		app.KindEnum:    {`"nope"`, `3`, `null`, `"` + strings.Repeat("x", 100) + `"`},
	}
	for _, f := range app.Schema {
		for _, v := range bad[f.Kind] {
			patch := fmt.Sprintf(`{%q: %s}`, f.Name, v)
			before := app.Default()
			p, err := app.ParsePatchJSON([]byte(patch))
			after := before
			if err == nil {
				after, err = before.Apply(p, lib())
			}
			if err == nil {
				t.Errorf("%s: accepted", patch)
				continue
			}
			fe := app.AsFieldError(err)
			if fe == nil || fe.Field != f.Name {
				t.Errorf("%s: %v does not name the field", patch, err)
				continue
			}
			if !slices.Contains(f.Codes(), fe.Code) {
				t.Errorf("%s: code %q, the schema lists %v", patch, fe.Code, f.Codes())
			}
			if after != before {
				t.Errorf("%s: the state changed", patch)
			}
			for _, lang := range app.Languages {
				if m := fe.Message(lang); strings.ContainsAny(m, "{}") && !strings.Contains(v, "{") {
					t.Errorf("%s: %s message has a placeholder left: %s", patch, lang, m)
				}
			}
		}
	}
}

// The betas are checked whatever the schedule: NaN, out-of-range and
// inverted betas cannot enter the state under the cosine schedule (they
// used to, and travelled on in links).
func TestBetasAreCheckedUnderCosine(t *testing.T) {
	for _, q := range []string{"schedule=cosine&betaStart=NaN", "schedule=cosine&betaEnd=Infinity",
		"schedule=cosine&betaStart=0.5&betaEnd=0.1", "schedule=cosine&betaStart=2"} {
		p, errs := app.ParseQuery(q)
		s, applyErrs := app.Default().ApplyEach(p, lib())
		errs = append(errs, applyErrs...)
		if len(errs) != 1 || s.Schedule != "cosine" || s.BetaStart != app.Default().BetaStart || s.BetaEnd != app.Default().BetaEnd {
			t.Errorf("%s: errors %v, state %+v", q, errs, s)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Errorf("%s: the state does not encode: %v", q, err)
		}
	}
}

func TestDescribeResolvesTheLimits(t *testing.T) {
	s := app.Default()
	s.T = 500
	d := app.Describe(s, lib())
	if len(d.Fields) != len(app.Schema) {
		t.Fatalf("%d fields described, schema has %d", len(d.Fields), len(app.Schema))
	}
	tf := d.Fields[0]
	if tf.Name != "t" || *tf.Max != 500 || tf.MaxField != "T" || *tf.Min != 0 || *tf.Step != 1 {
		t.Errorf("t described as %+v", tf)
	}
	if d.Panes["none"] != 1 || d.Panes["modes"] != 2 || d.Panes["normalise"] != 3 {
		t.Errorf("panes %v", d.Panes)
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"betaStart"`, `"minOpen":true`, `"when":{"field":"schedule","not":["cosine"]}`, `"presets":[10,30,60,120,200,500,1000]`, `"ko":{`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("schema JSON lacks %s", want)
		}
	}
}

func TestStructuredErrorsInKorean(t *testing.T) {
	for _, c := range []struct{ patch, en, ko string }{
		{`{"t": 2000}`, "t must be an integer in 0..T (1000), got 2000", "t: 0..T (1000) 범위의 정수이어야 합니다 (받은 값: 2000)"},
		{`{"speed": 0}`, "speed must be a number of steps per second in 1..5000, got 0", "speed: 1..5000 범위의 초당 단계 수이어야 합니다 (받은 값: 0)"},
		{`{"betaEnd": 0.00001}`, "betaEnd must be >= betaStart (0.0001), got 1e-05", "betaEnd: betaStart(0.0001) 이상이어야 합니다 (받은 값: 1e-05)"},
		{`{"mode": "x"}`, `mode must be one of closed, markov, got "x"`, `mode: 다음 중 하나여야 합니다: closed, markov (받은 값: "x")`},
		{`{"tt": 1}`, `unknown field "tt"; the fields are t, T, schedule`, `알 수 없는 필드 "tt"; 쓸 수 있는 것: t, T, schedule`},
	} {
		p, err := app.ParsePatchJSON([]byte(c.patch))
		if err == nil {
			_, err = app.Default().Apply(p, lib())
		}
		fe := app.AsFieldError(err)
		if fe == nil {
			t.Fatalf("%s: %v", c.patch, err)
		}
		if en, ko := fe.Message("en"), fe.Message("ko"); !strings.HasPrefix(en, c.en) || !strings.HasPrefix(ko, c.ko) || en != err.Error() {
			t.Errorf("%s:\n en %q\n ko %q\nwant\n en %q\n ko %q", c.patch, en, ko, c.en, c.ko)
		}
	}
}

func ExampleFieldError_Message() {
	_, err := app.Default().Apply(app.Patch{"size": 2000}, &app.Library{})
	fe := app.AsFieldError(err)
	fmt.Println(fe.Code)
	fmt.Println(fe.Message("en"))
	fmt.Println(fe.Message("ko"))
	// Output:
	// range
	// size must be an integer in 32..1024, got 2000
	// size: 32..1024 범위의 정수이어야 합니다 (받은 값: 2000)
}

func TestStateJSONRoundTrip(t *testing.T) {
	s := app.Default()
	s.Step, s.T, s.Seed, s.Compare, s.Playing = 250, 500, 4294967295, app.CompareModes, false
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"t":250,"T":500,"schedule":"linear",`) {
		t.Errorf("getState order: %s", data)
	}
	var back app.State
	if err := json.Unmarshal(data, &back); err != nil || back != s {
		t.Errorf("round trip: %+v %v, want %+v", back, err, s)
	}
}
