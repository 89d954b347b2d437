//go:build browser

package e2e

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// histRow is the reverse histogram's readouts as the page shows them, and
// stats() at the same moment.
type histRow struct {
	Label, Mean, Std, KS, Aria string
	Stats                      struct {
		Visited       int
		Mean, Std, KS float64
	}
}

// reverseHistRow waits until the histogram shows the frame stats() describes
// and returns its row.
func reverseHistRow(t *testing.T, ctx context.Context) histRow {
	t.Helper()
	evalJSON(t, ctx, `window.dissolveInstruments.refreshAll()`, nil)
	waitFor(t, ctx, "the reverse histogram at the frame shown", `(() => {
		const tr = document.querySelector('#hist-table tbody tr');
		return tr && tr.dataset.visited === String(ddpm.stats().visited); })()`)
	var r histRow
	evalJSON(t, ctx, `(() => {
		const q = (s) => document.querySelector('#hist-table tbody ' + s).textContent;
		const st = ddpm.stats();
		return {Label: q('th'), Mean: q('.mean'), Std: q('.std'), KS: q('.ks'),
			Aria: document.getElementById('hist').getAttribute('aria-label'),
			Stats: {Visited: st.visited, Mean: st.mean, Std: st.std, KS: st.ks}};
	})()`, &r)
	return r
}

// checkHistRow: the row says stats()'s numbers, as the page prints them.
func checkHistRow(t *testing.T, what string, r histRow) {
	t.Helper()
	if r.Mean != fmtLike(r.Stats.Mean) || r.Std != fmtLike(r.Stats.Std) || r.KS != fmtLike(r.Stats.KS) {
		t.Errorf("%s: the histogram says mean %s std %s KS %s; stats() %v %v %v", what, r.Mean, r.Std, r.KS, r.Stats.Mean, r.Stats.Std, r.Stats.KS)
	}
	if !strings.Contains(r.Aria, "on the way back") {
		t.Errorf("%s: the histogram is named %q", what, r.Aria)
	}
}

// TestReverseHistogramOnThePage: in reverse the histogram shows the run's
// x_t at the frame shown against N(0, 1): at t = T it is N(0, 1) (small
// KS), at t = 0 a digit's two peaks (large KS); its readouts are stats()'s,
// also while paused after a drag over the picture.
func TestReverseHistogramOnThePage(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=1000&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	atT := reverseHistRow(t, ctx)
	checkHistRow(t, "t = T", atT)
	if atT.Stats.Visited != 1000 || atT.Stats.KS > 0.1 || math.Abs(atT.Stats.Std-1) > 0.1 {
		t.Errorf("x_T: %+v, want N(0, 1) noise", atT.Stats)
	}

	// A drag over the picture: paused, at another frame.
	r := stageRect(t, ctx)
	cx, cy := r.X+r.W/2, r.Y+r.H/2
	mouse := func(typ input.DispatchMouseEventType, x float64) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.MouseEvent(typ, x, cy, chromedp.ButtonLeft)); err != nil {
			t.Fatal(err)
		}
		frames(t, ctx, 2)
	}
	mouse(chromedp.MousePressed, cx)
	for i := 1; i <= 5; i++ {
		mouse(chromedp.MouseMoved, cx-r.W/3*float64(i)/5)
	}
	mouse(chromedp.MouseReleased, cx-r.W/3)
	s := state(t, ctx)
	if s.Playing || s.Step > 800 || s.Step < 400 {
		t.Fatalf("after a drag of a third of the width left from t = 1000: t = %d, playing %v", s.Step, s.Playing)
	}
	frames(t, ctx, 10)
	scrubbed := reverseHistRow(t, ctx)
	checkHistRow(t, "after a drag", scrubbed)
	if scrubbed.Stats.Visited == 1000 || scrubbed.Stats.KS == atT.Stats.KS {
		t.Errorf("after a drag to t = %d the histogram still shows x_T: %+v", s.Step, scrubbed.Stats)
	}
	screenshot(t, ctx, "reverse-hist-scrubbed", "#hist")

	set(t, ctx, `{t: 0}`)
	at0 := reverseHistRow(t, ctx)
	checkHistRow(t, "t = 0", at0)
	if at0.Stats.Visited != 0 || at0.Stats.KS < 0.3 {
		t.Errorf("x_0: %+v, want a digit (KS far from N(0, 1))", at0.Stats)
	}
	if n := countOf(t, ctx, `#hist path.bars`); n != 1 {
		t.Errorf("%d bar paths in the reverse histogram, want 1 (x_t's)", n)
	}
	screenshot(t, ctx, "reverse-hist-x0", "#hist")
	assertClean(t, ctx, base)
}

// countOf counts the elements sel selects.
func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	var n int
	evalJSON(t, ctx, `document.querySelectorAll('`+sel+`').length`, &n)
	return n
}

// stepNumbers are the formula block's numbers by their reverseStep() field,
// and reverseStep() itself.
type stepNumbers struct {
	Shown map[string][]string
	Step  map[string]any
}

func formulaNumbers(t *testing.T, ctx context.Context, sampler string, from int) stepNumbers {
	t.Helper()
	evalJSON(t, ctx, `window.dissolveInstruments.refreshAll()`, nil)
	waitFor(t, ctx, "the formulas of the step", `(() => { const st = ddpm.reverseStep();
		const p = document.getElementById('formula-step');
		return st.sampler === '`+sampler+`' && st.from === `+strconv.Itoa(from)+` && p && p.textContent.includes('t = ' + st.from); })()`)
	var n stepNumbers
	evalJSON(t, ctx, `(() => {
		const shown = {};
		for (const e of document.querySelectorAll('#formulas [data-name]')) (shown[e.getAttribute('data-name')] ||= []).push(e.textContent);
		return {Shown: shown, Step: ddpm.reverseStep()};
	})()`, &n)
	return n
}

// checkFormulaNumbers: every number shown is the bridge's, to the 4
// significant digits the page prints; names lists the fields that must show.
func checkFormulaNumbers(t *testing.T, what string, n stepNumbers, names ...string) {
	t.Helper()
	for _, name := range names {
		if len(n.Shown[name]) == 0 {
			t.Errorf("%s: %s is not shown (%v)", what, name, n.Shown)
		}
	}
	for name, texts := range n.Shown {
		want, ok := n.Step[name].(float64)
		if !ok {
			t.Errorf("%s: %s = %v shown, reverseStep() has %v", what, name, texts, n.Step[name])
			continue
		}
		for _, s := range texts {
			got, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
			if err != nil || math.Abs(got-want) > 5e-4*math.Abs(want)+1e-300 {
				t.Errorf("%s: %s shown as %q, reverseStep() says %v", what, name, s, want)
			}
		}
	}
}

// TestReverseFormulasOnThePage: the formula block shows the sampler's step
// at t with the bridge's numbers: DDIM η = 0 (σ = 0, the next visited step
// of trailing spacing), DDIM η = 1, DDPM with either variance.
func TestReverseFormulasOnThePage(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=990&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)

	n := formulaNumbers(t, ctx, "ddim", 1000)
	if n.Step["to"] != 980.0 || n.Step["sigma"] != 0.0 {
		t.Errorf("DDIM 50 steps η = 0 at t = 990: %v, want 1000 → 980 with σ = 0", n.Step)
	}
	checkFormulaNumbers(t, "DDIM η = 0", n, "coefX0", "coefEps", "sigma", "eta", "sqrtAlphaBar", "sqrtOneMinusAlphaBar")
	for _, s := range n.Shown["sigma"] {
		if s != "0" {
			t.Errorf("DDIM η = 0: σ shown as %q, want 0", s)
		}
	}
	screenshot(t, ctx, "reverse-formulas-ddim", "#formulas")

	set(t, ctx, `{eta: 1, t: 500}`)
	n = formulaNumbers(t, ctx, "ddim", 500)
	if n.Step["to"] != 480.0 || !(n.Step["sigma"].(float64) > 0) {
		t.Errorf("DDIM η = 1 at t = 500: %v", n.Step)
	}
	checkFormulaNumbers(t, "DDIM η = 1", n, "coefX0", "coefEps", "sigma", "eta", "alphaBar", "alphaBarTo")

	set(t, ctx, `{sampler: 'ddpm', t: 500}`)
	n = formulaNumbers(t, ctx, "ddpm", 500)
	checkFormulaNumbers(t, "DDPM small", n, "c0", "ct", "sigma", "sigma2", "alphaBar", "alphaBarTo", "beta")
	if n.Step["to"] != 499.0 {
		t.Errorf("DDPM at t = 500: %v", n.Step)
	}
	screenshot(t, ctx, "reverse-formulas-ddpm", "#formulas")

	set(t, ctx, `{variance: 'large', t: 300}`)
	n = formulaNumbers(t, ctx, "ddpm", 300)
	checkFormulaNumbers(t, "DDPM large", n, "c0", "ct", "sigma", "sigma2")
	if math.Abs(n.Step["sigma2"].(float64)-n.Step["beta"].(float64)) > 1e-15 {
		t.Errorf("DDPM large: σ² %v, β %v", n.Step["sigma2"], n.Step["beta"])
	}
	assertClean(t, ctx, base)
}

// words reads the page's words in language l.
func words(t *testing.T, l string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "words-"+l+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReverseLede: the page's first two lines speak of the direction it
// runs, in English and in Korean, from the first paint of a reverse URL.
func TestReverseLede(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=0&lang=en", false)
	lede := func() [2]string {
		var l [2]string
		evalJSON(t, ctx, `[document.querySelector('.lede:not(.lede-2)').textContent, document.querySelector('.lede-2').textContent]`, &l)
		return l
	}
	for _, c := range []struct{ patch, lang, suffix string }{
		{`{}`, "en", "Reverse"},
		{`{direction: 'forward'}`, "en", ""},
		{`{lang: 'ko'}`, "ko", ""},
		{`{direction: 'reverse'}`, "ko", "Reverse"},
		{`{lang: 'en'}`, "en", "Reverse"},
	} {
		set(t, ctx, c.patch)
		frames(t, ctx, 3)
		w := words(t, c.lang)
		got := lede()
		if got[0] != w["lede"+c.suffix] || got[1] != w["lede2"+c.suffix] {
			t.Errorf("after %s (%s): the lede says %q", c.patch, c.lang, got)
		}
	}
	if w := words(t, "en"); w["ledeReverse"] == w["lede"] || w["lede2Reverse"] == w["lede2"] {
		t.Error("the reverse lede is the forward one")
	}
	assertClean(t, ctx, base)
}

// TestReverseInstrumentsLayout: the reverse view with its histogram and
// formulas at 1366×768 in English and Korean, and presentation mode's stop "locality creates"
// with the histogram of x_t, its text at 28 px or more. Screenshots in
// web/e2e/out/.
func TestReverseInstrumentsLayout(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	for _, l := range []string{"en", "ko"} {
		set(t, ctx, `{lang: '`+l+`', t: 600}`)
		reverseHistRow(t, ctx)
		formulaNumbers(t, ctx, "ddim", 600)
		screenshot(t, ctx, "reverse-page-1366-"+l)
		if n := countOf(t, ctx, `#hist[aria-label]`); n != 1 {
			t.Errorf("%s: the histogram has no name", l)
		}
	}
	set(t, ctx, `{lang: 'en'}`)

	// Presentation mode: stop 12 shows the histogram of the new digit.
	evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
	press(t, ctx, "l", false)
	waitCount(t, ctx, 1, 14)
	for i := 2; i <= 12; i++ {
		press(t, ctx, kb.ArrowRight, false)
		waitCount(t, ctx, i, 14)
	}
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	waitFor(t, ctx, "the reverse histogram in presentation mode", `document.getElementById('hist').getAttribute('aria-label').includes('on the way back') && !!document.querySelector('#hist path.bars')`)
	if v := present(t, ctx); v.Chart != "histogram" || v.InSlot != "hist" {
		t.Errorf("stop 12 (locality creates): %+v, want the histogram", v)
	}
	if small := smallText(t, ctx, 28); len(small) > 0 {
		t.Errorf("stop 12: text under 28 px at 1366×768: %q", small)
	}
	viewShot(t, ctx, "reverse-present-creates")
	press(t, ctx, kb.Escape, false)
	assertClean(t, ctx, base)
}

// TestReversePhoneLayout: the reverse view with its instruments on a
// 390 px phone, in English and Korean, does not scroll sideways.
func TestReversePhoneLayout(t *testing.T) {
	base := startServer(t, repoRoot(t))
	phone := newBrowser(t)
	if err := chromedp.Do(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"en", "ko"} {
		navigate(t, phone, base+"/index.html?direction=reverse&play=0&t=600&seed=1&lang="+l)
		waitReady(t, phone)
		evalJSON(t, phone, `ddpm.reverseReady().then(() => true)`, nil)
		reverseHistRow(t, phone)
		formulaNumbers(t, phone, "ddim", 600)
		var m struct{ ScrollWidth, InnerWidth float64 }
		evalJSON(t, phone, `({ScrollWidth: document.documentElement.scrollWidth, InnerWidth: innerWidth})`, &m)
		if m.ScrollWidth > 390 || m.InnerWidth > 390 {
			t.Errorf("%s: the reverse page is %v px wide (viewport %v) on a 390 px phone; past 390: %v", l, m.ScrollWidth, m.InnerWidth, overflowing(t, phone, 390))
		}
		screenshot(t, phone, "reverse-phone-390-"+l)
	}
}
