//go:build browser

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"dissolve/wasm/app"
)

// choose sets a select (or input) of the page to value as a visitor would:
// focused, then a change event.
func choose(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	evalJSON(t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.focus(); el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); })()`, id, value), nil)
}

func valueOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	var v string
	evalJSON(t, ctx, fmt.Sprintf(`document.getElementById(%q).value`, id), &v)
	return v
}

// TestControlsFollowTheState: the tiny picture's size of 32 does not stick
// to the next picture; a refused value does not stay in its field; the
// histogram's note says "every 2nd"; the embed code carries the page's
// language.
func TestControlsFollowTheState(t *testing.T) {
	ctx, base := openPage(t, "?play=0&size=512")
	choose(t, ctx, "image", "tiny")
	if s := state(t, ctx); s.Image != "tiny" || s.Size != 32 {
		t.Fatalf("the tiny picture: image %q size %d, want tiny at 32", s.Image, s.Size)
	}
	choose(t, ctx, "image", "cat")
	if s := state(t, ctx); s.Image != "cat" || s.Size != 512 || valueOf(t, ctx, "size") != "512" {
		t.Errorf("after the tiny picture, the cat: size %d (control %s), want the 512 chosen before", s.Size, valueOf(t, ctx, "size"))
	}
	// A size chosen for the tiny picture is the visitor's: it stays.
	choose(t, ctx, "image", "tiny")
	choose(t, ctx, "size", "64")
	choose(t, ctx, "image", "coffee")
	if s := state(t, ctx); s.Size != 64 {
		t.Errorf("a size chosen while on the tiny picture was replaced: %d, want 64", s.Size)
	}

	// A refused T: the message names it, the field shows the state's T.
	set(t, ctx, `{T: 500, t: 100}`)
	choose(t, ctx, "T", "0")
	if e := errorsText(t, ctx); !strings.Contains(e, "T must be an integer in 1..10000, got 0") {
		t.Errorf("refused T: errors %q", e)
	}
	if v, s := valueOf(t, ctx, "T"), state(t, ctx); s.T != 500 || v != "500" {
		t.Errorf("after a refused T the field shows %q and the state has T = %d; want both 500", v, s.T)
	}
	choose(t, ctx, "seed", "-3")
	if v := valueOf(t, ctx, "seed"); v != "1" {
		t.Errorf("after a refused seed the field shows %q, want the state's 1", v)
	}

	// Ordinals in the histogram's note: the square astronaut's 3·size²
	// numbers are sampled every SampleStride-th one.
	set(t, ctx, `{T: 1000, image: "astronaut"}`)
	evalJSON(t, ctx, `document.getElementById('hist').scrollIntoView({block: 'center'})`, nil)
	for _, c := range []struct {
		size int
		nth  string
	}{{256, "2nd"}, {320, "3rd"}, {512, "6th"}} {
		if got := app.SampleStride(3 * c.size * c.size); fmt.Sprint(got) != c.nth[:1] {
			t.Fatalf("size %d is sampled every %d, not %s", c.size, got, c.nth)
		}
		set(t, ctx, fmt.Sprintf(`{size: %d}`, c.size))
		waitFor(t, ctx, "the note at "+fmt.Sprint(c.size), `/every `+c.nth+`\)/.test(document.getElementById('hist-notes').textContent)`)
	}
	if n := textOf(t, ctx, "#hist-notes"); strings.Contains(n, "2th") || strings.Contains(n, "3th") || strings.Contains(n, "1th") {
		t.Errorf("histogram notes: %q", n)
	}

	// The embed code of a Korean page is Korean, of an English page English.
	evalJSON(t, ctx, `window.scrollTo(0, 0)`, nil)
	for _, lang := range []string{"ko", "en"} {
		choose(t, ctx, "lang", lang)
		if err := chromedp.Do(ctx, chromedp.Click("#share-embed")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the embed code", `document.getElementById('share-text').value.includes('embed=1')`)
		if code := valueOf(t, ctx, "share-text"); !strings.Contains(code, "lang="+lang) {
			t.Errorf("the embed code of the %s page: %s", lang, code)
		}
		evalJSON(t, ctx, `document.getElementById('share-text').value = ''`, nil)
	}
	assertClean(t, ctx, base)
}

// TestEmbedCodeOfAKoreanBrowser: a visitor whose browser asks for Korean
// gets the Korean page, and its embed code carries lang=ko.
func TestEmbedCodeOfAKoreanBrowser(t *testing.T) {
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36", AcceptLanguage: "ko-KR,ko",
	}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html?play=0")
	waitReady(t, ctx)
	var page struct{ Lang, Nav string }
	evalJSON(t, ctx, `({Lang: document.documentElement.lang, Nav: navigator.language})`, &page)
	var code string
	evalJSON(t, ctx, `ddpm.embedHTML()`, &code)
	if page.Lang != "ko" || !strings.Contains(code, "lang=ko") {
		t.Errorf("navigator.language %q: page lang %q, embed code %s", page.Nav, page.Lang, code)
	}
	assertClean(t, ctx, base)
}
