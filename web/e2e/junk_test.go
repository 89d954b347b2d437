//go:build browser

package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"
)

// TestSetStateJunk: setState refuses what is not a patch with an Error
// and changes nothing: a Map, a Set, a class instance and an object whose
// fields sit on its prototype once reached Go as {} and returned without
// a word, as did a field whose value JSON leaves out (undefined, a
// function, a symbol), which the error names in err.field. An object
// literal made in another realm (a same-origin page driving an embed) is
// still a patch. The monkey test found these (issue 13, defect 5).
func TestSetStateJunk(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=5")
	tests := []struct{ patch, field, want string }{
		{`new Map([['t', 9]])`, "", "setState takes an object"},
		{`new Set(['t'])`, "", "setState takes an object"},
		{`new (class Patch { constructor() { this.t = 9; } })()`, "", "setState takes an object"},
		{`Object.create({t: 9})`, "", "setState takes an object"},
		{`{t: undefined}`, "t", "t is undefined"},
		{`{t: 9, seed: () => 1}`, "seed", "seed is function"},
		{`{t: Symbol('t')}`, "t", "t is symbol"},
	}
	for _, tc := range tests {
		var got struct {
			Message string `json:"message"`
			Field   string `json:"field"`
			T       int    `json:"t"`
		}
		evalJSON(t, ctx, `(() => {
			let message = 'returned without a word';
			let field = '';
			try { ddpm.setState(`+tc.patch+`); }
			catch (e) { message = (e instanceof Error ? '' : 'not an Error: ') + e.message; field = e.field || ''; }
			return {message, field, t: ddpm.getState().t};
		})()`, &got)
		if !strings.Contains(got.Message, tc.want) || got.Field != tc.field {
			t.Errorf("setState(%s): %q (field %q), want %q (field %q)", tc.patch, got.Message, got.Field, tc.want, tc.field)
		}
		if got.T != 5 {
			t.Errorf("setState(%s) moved t to %d", tc.patch, got.T)
		}
	}

	// A patch from another realm: the stage iframe's Object.
	var tt int
	evalJSON(t, ctx, `(() => {
		const other = document.getElementById('stage').contentWindow;
		const patch = new other.Object();
		patch.t = 7;
		return ddpm.setState(patch).t;
	})()`, &tt)
	if tt != 7 {
		t.Errorf("an object literal of another realm: t = %d, want 7", tt)
	}
	assertClean(t, ctx, base)
}

// TestThinPictureSpectrum: a picture with a side under 4 pixels at the
// processing size (a 257×5 upload at size 32 is 32×1) has no spectrum;
// the frequency view says so, where the core used to panic ("internal
// error in spectrum … slice bounds out of range") or plot a single
// frequency on a log axis (<path d="MNaN …">). The monkey test found it
// (MONKEY_SEED=13, 5 minutes).
func TestThinPictureSpectrum(t *testing.T) {
	ctx, base := openPage(t, "?play=0&t=300")
	img := image.NewNRGBA(image.Rect(0, 0, 257, 5))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	var size string
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		const bytes = Uint8Array.from(atob(%q), c => c.charCodeAt(0));
		return JSON.stringify(await ddpm.loadImage(bytes));
	})()`, base64.StdEncoding.EncodeToString(b.Bytes())), &size)
	evalJSON(t, ctx, `(() => { document.getElementById('spectrum').scrollIntoView({block: 'center'}); return true; })()`, nil)
	for _, patch := range []string{`{size: 32}`, `{size: 32, mode: 'markov', t: 500}`, `{size: 512}`} {
		set(t, ctx, patch)
		frames(t, ctx, 20)
		note := textOf(t, ctx, "#spec-notes")
		thin := strings.Contains(note, "too thin")
		if want := patch != `{size: 512}`; thin != want {
			t.Errorf("%s (upload %s): the frequency view's notes %q; want the too-thin note %v", patch, size, note, want)
		}
		if errs := consoleErrors(ctx); len(errs) > 0 {
			t.Fatalf("%s: %q", patch, errs)
		}
	}
	assertClean(t, ctx, base)
}

// TestDegeneratePlots: a schedule whose curves leave a plot no range (T = 1
// with zero terminal SNR: ᾱ is 1 then 0, β_1 = 1, the log-SNR +∞ then −∞)
// draws its plots without a NaN, on a linear and a log axis, alone and
// beside every schedule. The monkey's seed 13 met it in its 5-minute run:
// "<path> attribute d: Expected number, "M62.0 NaNL466.0 NaN"".
func TestDegeneratePlots(t *testing.T) {
	ctx, base := openPage(t, "?play=0&T=1&t=1&zeroTerminalSNR=1")
	for _, boxes := range [][]string{{}, {"log-axis"}, {"log-axis", "all-schedules"}} {
		var bad []string
		want, _ := json.Marshal(boxes)
		evalJSON(t, ctx, `(async () => {
			for (const id of ['log-axis', 'all-schedules']) {
				const box = document.getElementById(id);
				if (box && box.checked !== `+string(want)+`.includes(id)) box.click();
			}
			await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
			const bad = [];
			for (const node of document.querySelectorAll('.plots svg *')) {
				for (const a of node.attributes) if (/NaN|Infinity/.test(a.value)) bad.push(node.id + ' ' + node.tagName + ' ' + a.name + '=' + a.value);
			}
			return bad;
		})()`, &bad)
		if len(bad) > 0 {
			t.Errorf("%v: the plots have attributes that are not numbers: %q", boxes, bad)
		}
		if errs := consoleErrors(ctx); len(errs) > 0 {
			t.Fatalf("%v: %q", boxes, errs)
		}
	}
	assertClean(t, ctx, base)
}

// TestPerfCollect: perf({collect: true}) runs Go's collector first, and
// perf refuses anything but nothing or {collect: boolean}, naming the
// field.
func TestPerfCollect(t *testing.T) {
	ctx, _ := openPage(t, "?play=0")
	var got struct {
		Live    float64 `json:"live"`
		Wasm    float64 `json:"wasm"`
		Errors  []struct{ Message, Field, Code string }
		Default bool `json:"default"`
	}
	evalJSON(t, ctx, `(() => {
		const p = window.ddpm.perf({collect: true});
		const errors = [];
		for (const bad of [5, 'x', new Map(), {collect: 1}, {collect: true, gc: true}]) {
			try { window.ddpm.perf(bad); errors.push({Message: 'returned without a word'}); }
			catch (e) { errors.push({Message: e.message, Field: e.field || '', Code: e.code || ''}); }
		}
		return {live: p.heapLiveBytes, wasm: p.wasmBytes, errors, default: window.ddpm.perf({collect: false}).frames >= 0 && window.ddpm.perf().frames >= 0};
	})()`, &got)
	if got.Live <= 0 || got.Wasm < got.Live || !got.Default {
		t.Errorf("perf({collect: true}): heapLiveBytes %v, wasmBytes %v; perf() and perf({collect: false}) answered: %v", got.Live, got.Wasm, got.Default)
	}
	want := []struct{ field, code, text string }{
		{"", "object", "perf takes nothing or an object"},
		{"", "object", "perf takes nothing or an object"},
		{"", "object", "perf takes nothing or an object"},
		{"collect", "type", "collect is number"},
		{"gc", "unknown", "gc"},
	}
	for i, w := range want {
		e := got.Errors[i]
		if e.Field != w.field || e.Code != w.code || !strings.Contains(e.Message, w.text) {
			t.Errorf("perf junk %d: %+v, want field %q, code %q, a message with %q", i, e, w.field, w.code, w.text)
		}
	}
}
