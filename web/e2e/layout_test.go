//go:build browser

package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowing lists the page's elements whose right edge passes the
// viewport (what makes a phone pan sideways), at most ten.
func overflowing(t *testing.T, ctx context.Context, width int) []string {
	t.Helper()
	var out []string
	evalJSON(t, ctx, `((innerWidth) => {
		const out = [];
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > innerWidth + 0.5 && !el.closest('.strip') && !el.closest('.visually-hidden')) {
				out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') + ' right=' + Math.round(r.right));
			}
			if (out.length >= 10) break;
		}
		return out;
	})(`+fmt.Sprint(width)+`)`, &out)
	return out
}

// TestPhoneLayout: on a 390 px phone, in English and in Korean, with the
// comparison of three panes (the longest names in the histogram's table),
// the page never pans sideways.
func TestPhoneLayout(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"?play=0&t=300&lang=en", "?play=0&t=1000&compare=normalise&lang=en", "?play=0&t=1000&compare=normalise&lang=ko"} {
		navigate(t, ctx, base+"/index.html"+q)
		waitReady(t, ctx)
		instrumentsReady(t, ctx)
		evalJSON(t, ctx, `window.dissolveInstruments.refreshAll()`, nil)
		frames(t, ctx, 3)
		var m struct{ ScrollWidth, InnerWidth, Table float64 }
		evalJSON(t, ctx, `({ScrollWidth: document.documentElement.scrollWidth, InnerWidth: innerWidth,
			Table: document.getElementById('hist-table').getBoundingClientRect().width})`, &m)
		// A mobile browser widens the layout viewport (innerWidth) to
		// what the page needs and zooms out: compare with the phone's 390.
		if m.ScrollWidth > 390 || m.InnerWidth > 390 {
			t.Errorf("%s: the page is %v px wide (viewport %v) on a 390 px phone (the histogram's table %v px); past 390: %v", q, m.ScrollWidth, m.InnerWidth, m.Table, overflowing(t, ctx, 390))
		}
		screenshot(t, ctx, "phone-390"+safeName(q))
	}
	assertClean(t, ctx, base)
}

// TestKoreanKeepsWords: Korean text breaks between words (word-break:
// keep-all), English as usual.
func TestKoreanKeepsWords(t *testing.T) {
	ctx, base := openPage(t, "?play=0&lang=ko")
	instrumentsReady(t, ctx)
	var breaks map[string]string
	evalJSON(t, ctx, `(() => { const out = {};
		for (const sel of ['.lede', '.explain p', '#tour-text', '.hint', '#hist-notes', 'label[for=schedule]', 'h1', '#errors', '.plot-box figcaption'])
			out[sel] = getComputedStyle(document.querySelector(sel)).wordBreak;
		return out; })()`, &breaks)
	for sel, wb := range breaks {
		if wb != "keep-all" {
			t.Errorf("Korean %s: word-break %s, want keep-all", sel, wb)
		}
	}
	var en string
	evalJSON(t, ctx, `(() => { const el = document.getElementById('lang'); el.value = 'en'; el.dispatchEvent(new Event('change', {bubbles: true}));
		return getComputedStyle(document.querySelector('.lede')).wordBreak; })()`, &en)
	if en == "keep-all" {
		t.Error("English keeps word-break: keep-all")
	}
	assertClean(t, ctx, base)
}

// TestReadoutsFit: at 1366×768 no readout overflows its box, at any t, for
// each schedule, in English and Korean.
func TestReadoutsFit(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ko"} {
		navigate(t, ctx, base+"/index.html?play=0&lang="+lang)
		waitReady(t, ctx)
		for _, patch := range []string{`{t: 0}`, `{t: 1}`, `{t: 3}`, `{t: 250}`, `{t: 999}`, `{t: 1000}`,
			`{schedule: "cosine", t: 1}`, `{schedule: "cosine", t: 1000}`, `{schedule: "sigmoid", t: 7}`,
			`{schedule: "linear", zeroTerminalSNR: true, t: 1000}`, `{zeroTerminalSNR: false, T: 10000, t: 9999}`} {
			set(t, ctx, patch)
			frames(t, ctx, 2)
			var over []string
			evalJSON(t, ctx, `[...document.querySelectorAll('.readouts dd')].filter((d) => d.scrollWidth > d.clientWidth)
				.map((d) => d.id + ' "' + d.textContent + '" ' + d.scrollWidth + ' > ' + d.clientWidth)`, &over)
			if len(over) > 0 {
				t.Errorf("%s %s: readouts overflow their boxes: %v", lang, patch, over)
			}
		}
		set(t, ctx, `{T: 1000, t: 1}`)
		frames(t, ctx, 2)
		screenshot(t, ctx, "readouts-1366-"+lang, "#readouts")
	}
	assertClean(t, ctx, base)
}
