//go:build browser

package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

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

// notOnThePage are the schema's fields the page has no control for (none:
// every field has one).
var notOnThePage = map[string]bool{}

// TestControlsFromSchema walks every field of ddpm.schema() and checks
// that its control (the element whose id is the field's name; the play
// button for "playing") shows exactly the schema's options, range, step
// and default: a menu of an enum offers its options in order, a number
// field has the schema's min, max (t's is the current T, its maxField)
// and step, a menu of numbers offers the schema's presets inside the
// range and the default, and
// every control starts at the default (but the play button: play=0
// holds t at its default).
func TestControlsFromSchema(t *testing.T) {
	ctx, base := openPage(t, "?play=0")
	var sc app.Description
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
		switch {
		case !ok && notOnThePage[f.Name]:
			t.Logf("%s: no control yet (the reverse process is not on the page)", f.Name)
			continue
		case !ok:
			t.Errorf("%s: no control (no element with id %q)", f.Name, f.Name)
			continue
		case notOnThePage[f.Name]:
			t.Errorf("%s has a control now: take it out of notOnThePage", f.Name)
		}
		def := jsText(f.Default)
		switch {
		case f.Kind == "enum":
			if c.Tag != "SELECT" || !slices.Equal(c.Options, f.Options) || c.Value != def {
				t.Errorf("%s: %s with options %v at %q, want a menu of %v at %q", f.Name, c.Tag, c.Options, c.Value, f.Options, def)
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
			// A menu of numbers: the schema's presets inside the range, and the default.
			var want []float64
			for _, v := range append(slices.Clone(f.Presets), f.Default.(float64)) {
				if v >= *f.Min && v <= *f.Max && !slices.Contains(want, v) {
					want = append(want, v)
				}
			}
			slices.Sort(want)
			wantText := make([]string, len(want))
			for i, v := range want {
				wantText[i] = jsText(v)
			}
			if c.Value != def || !slices.Equal(c.Options, wantText) {
				t.Errorf("%s: menu %v at %q, want %v at the default %q", f.Name, c.Options, c.Value, wantText, def)
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
				step = jsText(*f.Step)
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

// TestRefusedValueInKorean: on a Korean page a value the core refuses
// shows the Korean message of the schema's table for the error's code,
// filled with the error's own field, interval and value exactly as Go's
// FieldError.Message("ko") fills it; window.ddpm keeps throwing Go's
// English message with .field and .code. One closed range (T) and one
// open interval (β₁).
func TestRefusedValueInKorean(t *testing.T) {
	ctx, base := openPage(t, "?play=0&lang=ko")
	for _, c := range []struct{ id, typed string }{{"T", "0"}, {"betaStart", "2"}} {
		var e struct {
			Message string
			Error   app.FieldError
		}
		evalJSON(t, ctx, fmt.Sprintf(`(() => { try { ddpm.setState({%s: %s}); } catch (e) { return {Message: e.message, Error: {...e}}; } })()`, c.id, c.typed), &e)
		if e.Error.Field != c.id || e.Error.Code != "range" {
			t.Fatalf("ddpm.setState({%s: %s}) threw %+v, want .field %q and .code range", c.id, c.typed, e, c.id)
		}
		if want := e.Error.Message("en"); e.Message != want {
			t.Errorf("%s: the API's message %q, want Go's English %q", c.id, e.Message, want)
		}
		want := e.Error.Message("ko")
		evalJSON(t, ctx, `document.getElementById('errors').replaceChildren()`, nil)
		evalJSON(t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event('change', {bubbles: true})); })()`, c.id, c.typed), nil)
		if got := errorsText(t, ctx); got != want || !strings.Contains(got, "범위") {
			t.Errorf("%s = %s typed on the Korean page shows %q, want the Korean table's %q", c.id, c.typed, got, want)
		}
	}
	assertClean(t, ctx, base)
}
