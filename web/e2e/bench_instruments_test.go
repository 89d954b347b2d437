//go:build browser && browserbench

package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestBenchInstruments measures the page with the instruments off and on
// (histogram, spectrum, plots, formulas, strip; web/instruments.js) for
// make bench, in the "BENCH browser frames" lines of TestBenchBrowser: the
// mode field names the setting, so scripts/benchtable lists each as a row
// "page mode <setting>". It needs both tags, like TestBenchBrowser:
//
//	go test -tags browser,browserbench -run '^TestBenchInstruments$' -v ./web/e2e/
func TestBenchInstruments(t *testing.T) {
	ctx, base := openPage(t, "?play=1")
	instrumentsReady(t, ctx)

	const settle, window = 1 * time.Second, 3 * time.Second
	type setting struct {
		name, patch string
		on          bool
		scroll      string // what to scroll into view: the canvas, or the instruments
	}
	var settings []setting
	for _, size := range []int{256, 512} {
		for _, s := range []setting{
			{"instruments-off", `{mode: "closed", compare: "none"}`, false, "#stage"},
			{"instruments-on", `{mode: "closed", compare: "none"}`, true, "#stage"},
			{"instruments-on-in-view", `{mode: "closed", compare: "none"}`, true, "#hist"},
			{"markov-instruments-on", `{mode: "markov", compare: "none"}`, true, "#stage"},
			{"compare-modes-instruments-on", `{mode: "closed", compare: "modes"}`, true, "#stage"},
			{"compare-normalise-instruments-on", `{mode: "closed", compare: "normalise"}`, true, "#stage"},
		} {
			s.patch = fmt.Sprintf(`Object.assign(%s, {size: %d, t: 0, playing: true})`, s.patch, size)
			s.name = fmt.Sprintf("%d %s", size, s.name)
			settings = append(settings, s)
		}
	}
	for _, s := range settings {
		evalJSON(t, ctx, fmt.Sprintf(`(() => {
			const box = document.getElementById('instruments-on');
			if (box.checked !== %v) box.click();
			document.querySelector(%q).scrollIntoView({block: 'center'});
			window.ddpm.setState(%s);
			window.dissolveInstruments.reset();
		})()`, s.on, s.scroll, s.patch), nil)
		perf := perfAfter(t, ctx, settle+window)
		var st struct {
			Size    int  `json:"size"`
			Playing bool `json:"playing"`
		}
		evalJSON(t, ctx, `window.ddpm.getState()`, &st)
		if perf.Frames == 0 {
			t.Errorf("%s: perf() counted no frames", s.name)
		}
		var size int
		var name string
		fmt.Sscanf(s.name, "%d %s", &size, &name)
		if st.Size != size {
			t.Errorf("%s: size %d", s.name, st.Size)
		}
		emit(t, "frames size=%d mode=%s fps=%.1f frame_p50_ms=%.2f frame_p95_ms=%.2f kernel_p50_ms=%.2f kernel_p95_ms=%.2f frames=%d playing=%v",
			size, name, perf.FPS, perf.FrameMs.P50, perf.FrameMs.P95, perf.KernelMs.P50, perf.KernelMs.P95, perf.Frames, st.Playing)
		// The instruments' own main-thread time per frame (JavaScript and
		// the Go calls it makes): the heavy refreshes must fit in a frame.
		var js struct {
			Frames int     `json:"frames"`
			P50    float64 `json:"p50"`
			P95    float64 `json:"p95"`
			Max    float64 `json:"max"`
		}
		evalJSON(t, ctx, `window.dissolveInstruments.timing()`, &js)
		emit(t, "instruments size=%d mode=%s js_p50_ms=%.2f js_p95_ms=%.2f js_max_ms=%.2f frames=%d", size, name, js.P50, js.P95, js.Max, js.Frames)
		if s.on && js.Max > 16 {
			t.Logf("%s: an instruments refresh took %.1f ms (> 16 ms)", s.name, js.Max)
		}
	}
	// The longest main-thread task while everything runs at 512²: the
	// instruments' refreshes must not make a frame longer than 16 ms.
	evalJSON(t, ctx, `(() => {
		const box = document.getElementById('instruments-on');
		if (!box.checked) box.click();
		window.ddpm.setState({size: 512, mode: 'closed', compare: 'none', t: 0, playing: true});
	})()`, nil)
	var long struct {
		Max   float64 `json:"max"`
		Count int     `json:"count"`
	}
	evalJSON(t, ctx, `new Promise((resolve) => {
		let max = 0, count = 0;
		const obs = new PerformanceObserver((list) => {
			for (const e of list.getEntries()) { max = Math.max(max, e.duration); count++; }
		});
		obs.observe({type: 'longtask', buffered: false});
		setTimeout(() => { obs.disconnect(); resolve({max, count}); }, 4000);
	})`, &long)
	emit(t, "longtasks size=512 mode=instruments-on max_ms=%.1f count=%d", long.Max, long.Count)
	screenshot(t, ctx, "bench-instruments-last")
	assertClean(t, ctx, base)
}
