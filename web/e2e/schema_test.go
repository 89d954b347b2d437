//go:build browser

package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// schemaDoc is the part of ddpm.schema() the page's controls and error
// messages are built from (notes/schema-contract.md).
type schemaDoc struct {
	Fields []struct {
		Name     string   `json:"name"`
		Kind     string   `json:"kind"`
		Min      *float64 `json:"min"`
		Max      *float64 `json:"max"`
		MaxField string   `json:"maxField"`
		MinOpen  bool     `json:"minOpen"`
		MaxOpen  bool     `json:"maxOpen"`
		Step     any      `json:"step"`
		Options  []any    `json:"options"`
		Default  any      `json:"default"`
	} `json:"fields"`
	Messages map[string]map[string]string `json:"messages"`
	Words    map[string]map[string]string `json:"words"`
}

// jsText is how a value reads in an HTML control: numbers as JavaScript's
// String() writes them.
func jsText(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// TestControlsFromSchema walks every field of ddpm.schema() and checks
// that its control (the element whose id is the field's name; the play
// button for "playing") shows exactly the schema's options, range, step
// and default: a menu of an enum offers its options in order, a number
// field has the schema's min, max (t's is the current T, its maxField)
// and step, a menu of numbers offers values inside the range only, and
// every control starts at the default (but the play button: play=0
// holds t at its default).
func TestControlsFromSchema(t *testing.T) {
	ctx, base := openPage(t, "?play=0")
	var sc schemaDoc
	evalJSON(t, ctx, `window.ddpm.schema()`, &sc)
	if len(sc.Fields) == 0 {
		t.Fatal("ddpm.schema() has no fields")
	}
	type control struct {
		Tag, Type, Min, Max, Step, Value, Pressed string
		Options                                   []string
		Checked                                   bool
	}
	read := func() map[string]control {
		var cs map[string]control
		evalJSON(t, ctx, `(() => {
			const out = {};
			for (const f of window.ddpm.schema().fields) {
				const c = document.getElementById(f.name === 'playing' ? 'play' : f.name);
				if (!c) continue;
				out[f.name] = {Tag: c.tagName, Type: c.type || '', Min: c.getAttribute('min') || '', Max: c.getAttribute('max') || '',
					Step: c.getAttribute('step') || '', Value: c.value || '', Pressed: c.getAttribute('aria-pressed') || '',
					Options: c.tagName === 'SELECT' ? [...c.options].map((o) => o.value) : [], Checked: Boolean(c.checked)};
			}
			return out;
		})()`, &cs)
		return cs
	}
	cs := read()
	defaults := map[string]any{}
	for _, f := range sc.Fields {
		defaults[f.Name] = f.Default
	}
	for _, f := range sc.Fields {
		c, ok := cs[f.Name]
		if !ok {
			t.Errorf("%s: no control (no element with id %q)", f.Name, f.Name)
			continue
		}
		def := jsText(f.Default)
		switch {
		case f.Kind == "enum":
			want := make([]string, len(f.Options))
			for i, o := range f.Options {
				want[i] = jsText(o)
			}
			if c.Tag != "SELECT" || !slices.Equal(c.Options, want) || c.Value != def {
				t.Errorf("%s: %s with options %v at %q, want a menu of %v at %q", f.Name, c.Tag, c.Options, c.Value, want, def)
			}
		case f.Kind == "boolean" && f.Name == "playing":
			if c.Pressed != "false" {
				t.Errorf("playing: the play button's aria-pressed is %q at play=0, want false", c.Pressed)
			}
		case f.Kind == "boolean":
			if c.Type != "checkbox" || jsText(c.Checked) != def {
				t.Errorf("%s: %s %s checked %v, want a checkbox at %s", f.Name, c.Tag, c.Type, c.Checked, def)
			}
		case f.Min == nil || f.Max == nil:
			t.Errorf("%s: a %s field without min and max in the schema", f.Name, f.Kind)
		case c.Tag == "SELECT":
			if c.Value != def || !slices.Contains(c.Options, def) {
				t.Errorf("%s: menu %v at %q, want the default %q among them", f.Name, c.Options, c.Value, def)
			}
			for _, o := range c.Options {
				v, err := strconv.ParseFloat(o, 64)
				if err != nil || v < *f.Min || v > *f.Max || (f.MinOpen && v == *f.Min) || (f.MaxOpen && v == *f.Max) {
					t.Errorf("%s: menu option %q outside the schema's range %v..%v", f.Name, o, *f.Min, *f.Max)
				}
			}
		default:
			max := jsText(*f.Max)
			if f.MaxField != "" {
				max = jsText(defaults[f.MaxField])
			}
			step := "any"
			if f.Step != nil {
				step = jsText(f.Step)
			}
			if c.Tag != "INPUT" || c.Min != jsText(*f.Min) || c.Max != max || c.Step != step || c.Value != def {
				t.Errorf("%s: %s min %q max %q step %q value %q, want min %q max %q step %q value %q",
					f.Name, c.Tag, c.Min, c.Max, c.Step, c.Value, jsText(*f.Min), max, step, def)
			}
		}
	}
	// A field's maximum that is another field (t's is T) follows it.
	set(t, ctx, `{T: 500, t: 10}`)
	frames(t, ctx, 2)
	if c := read()["t"]; c.Max != "500" {
		t.Errorf("t's control after T = 500: max %q, want 500", c.Max)
	}
	assertClean(t, ctx, base)
}

// fillTemplate fills a message template of the schema the way the
// contract says: {field}, {kind}, {interval}, {min}, {max}, {options},
// {got}.
func fillTemplate(tpl string, p map[string]string) string {
	return regexp.MustCompile(`\{(\w+)\}`).ReplaceAllStringFunc(tpl, func(m string) string {
		if v, ok := p[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// TestRefusedValueInKorean: on a Korean page a value the core refuses
// shows the Korean message of the schema's table for the error's code,
// filled with the error's own field, range and value; window.ddpm keeps
// throwing Go's English message (the English table's text) with .field
// and .code. One closed range (T) and one open interval (β₁).
func TestRefusedValueInKorean(t *testing.T) {
	ctx, base := openPage(t, "?play=0&lang=ko")
	var sc schemaDoc
	evalJSON(t, ctx, `window.ddpm.schema()`, &sc)
	kinds := map[string]string{}
	open := map[string][2]bool{}
	for _, f := range sc.Fields {
		kinds[f.Name] = f.Kind
		open[f.Name] = [2]bool{f.MinOpen, f.MaxOpen}
	}
	for _, c := range []struct{ id, typed string }{{"T", "0"}, {"betaStart", "2"}} {
		var e struct {
			Message, Field, Code string
			Min, Max             *float64
			Got                  any
		}
		evalJSON(t, ctx, fmt.Sprintf(`(() => { try { ddpm.setState({%s: %s}); } catch (e) {
			return {Message: e.message, Field: e.field, Code: e.code, Min: e.min, Max: e.max, Got: e.got}; } })()`, c.id, c.typed), &e)
		if e.Field != c.id || e.Code == "" || e.Min == nil || e.Max == nil {
			t.Fatalf("ddpm.setState({%s: %s}) threw %+v, want .field %q, a .code, .min and .max", c.id, c.typed, e, c.id)
		}
		interval := jsText(*e.Min) + ".." + jsText(*e.Max)
		if o := open[c.id]; o[0] || o[1] {
			interval = map[bool]string{true: "(", false: "["}[o[0]] + jsText(*e.Min) + ", " + jsText(*e.Max) + map[bool]string{true: ")", false: "]"}[o[1]]
		}
		params := func(lang string) map[string]string {
			return map[string]string{"field": e.Field, "kind": sc.Words[lang][kinds[c.id]], "interval": interval,
				"min": jsText(*e.Min), "max": jsText(*e.Max), "got": jsText(e.Got)}
		}
		if want := fillTemplate(sc.Messages["en"][e.Code], params("en")); e.Message != want {
			t.Errorf("%s: the API's message %q, want the English table's %q", c.id, e.Message, want)
		}
		want := fillTemplate(sc.Messages["ko"][e.Code], params("ko"))
		if want == "" || strings.Contains(want, "{") {
			t.Fatalf("%s: the Korean table has no complete message for code %q: %q", c.id, e.Code, want)
		}
		evalJSON(t, ctx, `document.getElementById('errors').replaceChildren()`, nil)
		evalJSON(t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event('change', {bubbles: true})); })()`, c.id, c.typed), nil)
		if got := errorsText(t, ctx); got != want {
			t.Errorf("%s = %s typed on the Korean page shows %q, want %q", c.id, c.typed, got, want)
		}
	}
	assertClean(t, ctx, base)
}
