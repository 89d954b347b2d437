//go:build browser

package e2e

import (
	"context"
	"fmt"
	"testing"

	kb "github.com/chromedp/chromedp/kb"
)

// chartLabel is one text of the SVG chart in presentation mode's slot,
// as drawn: its font in CSS pixels and its box on screen.
type chartLabel struct {
	Text       string
	Class      string
	Px         float64
	X, Y, W, H float64
}

// slotLabels lists the visible texts of the SVG charts in presentation
// mode's slot, with the size they are drawn at (the font size in viewBox
// units times the SVG's scale on screen).
func slotLabels(t *testing.T, ctx context.Context) []chartLabel {
	t.Helper()
	var out []chartLabel
	evalJSON(t, ctx, `(() => {
		const out = [];
		for (const svg of document.querySelectorAll('#present-slot svg.plot')) {
			const m = svg.getScreenCTM();
			if (!m) continue;
			for (const el of svg.querySelectorAll('text')) {
				if (!el.textContent.trim()) continue;
				const r = el.getBoundingClientRect();
				if (r.width === 0) continue;
				out.push({Text: el.textContent.trim(), Class: el.getAttribute('class') || '',
					Px: parseFloat(getComputedStyle(el).fontSize) * m.a, X: r.x, Y: r.y, W: r.width, H: r.height});
			}
		}
		return out;
	})()`, &out)
	return out
}

// overlaps lists the pairs of labels whose boxes overlap by more than a
// pixel each way (a glyph's box is taller than its ink, so labels one
// line apart touch but do not overlap by more).
func overlaps(ls []chartLabel) []string {
	var out []string
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			a, b := ls[i], ls[j]
			dx := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
			dy := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
			if dx > 1 && dy > 4 {
				out = append(out, fmt.Sprintf("%q (%s) and %q (%s)", a.Text, a.Class, b.Text, b.Class))
			}
		}
	}
	return out
}

// TestPresentationChartLabels walks the lesson in presentation mode at
// 1366×768, in English and Korean, and checks every stop's chart: its
// own labels (ticks, axis names, legends, the cursor and the notes) are
// drawn at 28 CSS px or more, none overlaps another, and all stay inside
// the window. Leaving presentation mode gives the page its small labels
// back.
func TestPresentationChartLabels(t *testing.T) {
	ctx, _ := openAt(t, "?play=0&lang=en", false)
	instrumentsReady(t, ctx)
	var small float64
	evalJSON(t, ctx, `parseFloat(getComputedStyle(document.querySelector('#plot-alphabar .tick')).fontSize)`, &small)

	for _, lang := range []string{"en", "ko"} {
		set(t, ctx, fmt.Sprintf(`{lang: %q}`, lang))
		evalJSON(t, ctx, `document.activeElement && document.activeElement.blur()`, nil)
		// English walks the stops forwards from the first; Korean backwards
		// from where English left (presentation mode resumes there).
		first, step, key := 1, 1, kb.ArrowRight
		if lang == "ko" {
			first, step, key = 14, -1, kb.ArrowLeft
		}
		press(t, ctx, "l", false)
		waitCount(t, ctx, first, 14)
		checked := 0
		for stop := first; stop >= 1 && stop <= 14; stop += step {
			if stop != first {
				press(t, ctx, key, false)
				waitCount(t, ctx, stop, 14)
			}
			v := present(t, ctx)
			switch v.Chart {
			case "none", "residual", "strip", "formulas", "loss":
				// No SVG plot (the loss is drawn on demand).
				continue
			}
			waitFor(t, ctx, "the stop's chart drawn", `document.querySelectorAll('#present-slot svg.plot .tick').length > 0`)
			frames(t, ctx, 3)
			ls := slotLabels(t, ctx)
			if len(ls) < 6 {
				t.Errorf("%s, stop %d (%s): %d labels in the chart, want its ticks at least", lang, stop, v.Chart, len(ls))
			}
			for _, l := range ls {
				if l.Px < 28 {
					t.Errorf("%s, stop %d (%s): %q (%s) is drawn at %.1f px, want at least 28", lang, stop, v.Chart, l.Text, l.Class, l.Px)
				}
				if l.X < 0 || l.Y < 0 || l.X+l.W > 1366 || l.Y+l.H > 768 {
					t.Errorf("%s, stop %d (%s): %q (%s) at %.0f,%.0f %.0f×%.0f leaves the window", lang, stop, v.Chart, l.Text, l.Class, l.X, l.Y, l.W, l.H)
				}
			}
			for _, o := range overlaps(ls) {
				t.Errorf("%s, stop %d (%s): labels overlap: %s", lang, stop, v.Chart, o)
			}
			if stop == 3 || stop == 6 {
				viewShot(t, ctx, fmt.Sprintf("present-chart-%s-%d", lang, stop))
			}
			checked++
		}
		if checked < 7 {
			t.Errorf("%s: checked the charts of %d stops, want every stop with a plot (at least 7)", lang, checked)
		}
		press(t, ctx, kb.Escape, false)
		if present(t, ctx).On {
			t.Fatal("Esc did not leave presentation mode")
		}
	}

	// Back on the page the labels are the page's again, and laid out for it.
	set(t, ctx, `{lang: 'en', direction: 'forward'}`)
	waitFor(t, ctx, "the page's plots", `document.querySelector('#plot-alphabar .tick') !== null`)
	frames(t, ctx, 3)
	var after struct {
		Px    float64
		X0    float64
		Words string
	}
	evalJSON(t, ctx, `(() => {
		const tick = document.querySelector('#plot-alphabar .tick');
		return {Px: parseFloat(getComputedStyle(tick).fontSize), X0: parseFloat(document.querySelector('#plot-alphabar .frame').getAttribute('x')),
			Words: document.getElementById('plot-alphabar').textContent};
	})()`, &after)
	if after.Px != small || after.X0 != 62 {
		t.Errorf("after presentation mode the page's plot has %.0f px ticks and its frame at x = %.0f, want %.0f px and 62 (the page's layout)", after.Px, after.X0, small)
	}
}
