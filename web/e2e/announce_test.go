//go:build browser

package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
)

// watchText starts recording every text a selector's element takes (in
// window.seen[name]).
func watchText(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	evalJSON(t, ctx, `(() => {
		window.seen = window.seen || {};
		const el = document.querySelector(`+jsString(sel)+`);
		const list = window.seen[`+jsString(name)+`] = [];
		new MutationObserver(() => list.push(el.textContent)).observe(el, {childList: true, characterData: true, subtree: true});
	})()`, nil)
}

func seenTexts(t *testing.T, ctx context.Context, name string) []string {
	t.Helper()
	var out []string
	evalJSON(t, ctx, `window.seen[`+jsString(name)+`]`, &out)
	return out
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestAnnouncements: the live regions speak when something is decided —
// a pause, a step, a stop of the teacher's path (its sentence too) — and
// not on a timer while the picture plays; an export's progress is told in
// quarters; every chart has an accessible name.
func TestAnnouncements(t *testing.T) {
	ctx, base := openPage(t, "?play=1")
	watchText(t, ctx, "live", "#live")
	evalJSON(t, ctx, `new Promise((r) => setTimeout(r, 4500))`, nil)
	if !state(t, ctx).Playing {
		t.Fatal("the page is not playing")
	}
	if got := seenTexts(t, ctx, "live"); len(got) > 0 {
		t.Errorf("while playing for 4.5 s the live region spoke %d times: %q", len(got), got)
	}
	// A pause is told, with t.
	if err := chromedp.Do(ctx, chromedp.Click("#play")); err != nil {
		t.Fatal(err)
	}
	frames(t, ctx, 2)
	s := state(t, ctx)
	if live := textOf(t, ctx, "#live"); s.Playing || !strings.Contains(live, "t "+strconv.Itoa(s.Step)+" of 1000") {
		t.Errorf("after pausing at t = %d (playing %v) the live region says %q", s.Step, s.Playing, live)
	}
	// So is a step.
	if err := chromedp.Do(ctx, chromedp.Click("#back")); err != nil {
		t.Fatal(err)
	}
	frames(t, ctx, 2)
	if live, want := textOf(t, ctx, "#live"), max(s.Step-1, 0); !strings.Contains(live, "t "+strconv.Itoa(want)+" of 1000") {
		t.Errorf("after a step back to t = %d the live region says %q", want, live)
	}
	// A stop: its name and its sentence are in a live region.
	if err := chromedp.Do(ctx, chromedp.Click("#tour-next")); err != nil {
		t.Fatal(err)
	}
	var live struct{ Name, Text bool }
	evalJSON(t, ctx, `(() => { const live = (id) => Boolean(document.getElementById(id).closest('[aria-live]:not([aria-live="off"])'));
		return {Name: live('tour-name'), Text: live('tour-text')}; })()`, &live)
	if !live.Name || !live.Text {
		t.Errorf("the stop's name (live %v) and sentence (live %v) must both be announced", live.Name, live.Text)
	}

	// The GIF's progress: told in quarters, not at every frame.
	evalJSON(t, ctx, `(() => { document.getElementById('gif-frames').value = '20'; document.getElementById('gif-size').value = '64'; })()`, nil)
	watchText(t, ctx, "export", "#export-status")
	if err := chromedp.Do(ctx, chromedp.Click("#export-gif")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the GIF", `/Saved|저장/.test(document.getElementById('export-status').textContent)`)
	told := seenTexts(t, ctx, "export")
	pct := regexp.MustCompile(`(\d+)%`)
	for _, s := range told {
		if m := pct.FindStringSubmatch(s); m != nil && m[1] != "0" && m[1] != "25" && m[1] != "50" && m[1] != "75" && m[1] != "100" {
			t.Errorf("export progress told as %q, want quarters", s)
		}
	}
	if len(told) > 6 {
		t.Errorf("the export status changed %d times: %q", len(told), told)
	}

	// Every figure and image in the accessibility tree has a name.
	res, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, n := range res.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		var role, name string
		_ = json.Unmarshal(n.Role.Value, &role)
		if n.Name != nil {
			_ = json.Unmarshal(n.Name.Value, &name)
		}
		if role != "figure" && role != "image" {
			continue
		}
		charts++
		if strings.TrimSpace(name) == "" {
			t.Errorf("a %s without an accessible name (backend node %d)", role, n.BackendDOMNodeID)
		}
	}
	if charts < 6 {
		t.Errorf("only %d figures and images in the accessibility tree", charts)
	}
	assertClean(t, ctx, base)
	_ = time.Second
}
