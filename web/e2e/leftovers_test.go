//go:build browser

package e2e

import (
	"strings"
	"testing"
)

// TestRefusalsNameTheirField: the smaller defects of issue #13 (defect 5).
// A link with eleven bad parameters shows all eleven in the error box (it
// kept four); embed=abc is refused naming embed, and embed mode stays off
// (it turned on); t=5;T=10 names both parameters it leaves out (it said
// "invalid semicolon separator"); setState throws on a Map, a Set, a class
// instance and {t: undefined} (they changed nothing without a word); an
// unknown field's error carries .field.
func TestRefusalsNameTheirField(t *testing.T) {
	ctx, _ := openAt(t, "?embed=abc&t=5;T=10&schedule=nope&betaStart=-1&compare=bogus&mode=x&play=maybe&speed=0&seed=-1&size=7&zeroTerminalSNR=2&lang=en", false)
	var box struct {
		Lines []string
		Embed bool
	}
	evalJSON(t, ctx, `({Lines: [...document.querySelectorAll('#errors p')].map((p) => p.textContent), Embed: document.documentElement.classList.contains('embed')})`, &box)
	if len(box.Lines) != 11 {
		t.Errorf("the error box shows %d messages, want all 11:\n  %s", len(box.Lines), strings.Join(box.Lines, "\n  "))
	}
	all := strings.Join(box.Lines, "\n")
	for _, want := range []string{
		`embed must be 0 or 1, got "abc"`,
		`the URL parameters "t", "T" were left out: "t=5;T=10"`,
		"schedule must be one of", "betaStart must be", "compare must be one of", "mode must be one of", `play must be 0 or 1`,
		"speed must be", "seed must be", "size must be", "zeroTerminalSNR must be 0 or 1",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no message says %q:\n%s", want, all)
		}
	}
	if box.Embed {
		t.Errorf("embed=abc turned embed mode on")
	}

	var got []struct {
		Threw bool   `json:"threw"`
		Field string `json:"field"`
		Same  bool   `json:"same"`
		Msg   string `json:"msg"`
	}
	evalJSON(t, ctx, `(() => {
		class Patch { constructor() { this.t = 5; } }
		const before = JSON.stringify(ddpm.getState());
		return [new Map([['t', 5]]), new Set(['t']), new Patch(), {t: undefined}, {t: () => 5}, {tt: 5}, [5]].map((p) => {
			try { ddpm.setState(p); return {threw: false, same: JSON.stringify(ddpm.getState()) === before}; }
			catch (e) { return {threw: true, field: e.field || '', msg: e.message, same: JSON.stringify(ddpm.getState()) === before}; }
		});
	})()`, &got)
	wantField := []string{"", "", "", "t", "t", "tt", ""}
	for i, g := range got {
		if !g.Threw || g.Field != wantField[i] || !g.Same {
			t.Errorf("junk patch %d: %+v, want it to throw naming %q and change nothing", i, g, wantField[i])
		}
	}
}
