//go:build browser

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dissolve/web/server"
)

// TestEmbedSnippetSizesByClass: the embed code carries no inline style;
// pasted into a post whose Content-Security-Policy forbids inline styles,
// with the README's one rule for its class in the post's stylesheet, the
// frame fills a 700 px column up to 640 px and a phone's width, and keeps
// the demo's 8 : 9 shape through aspect-ratio.
func TestEmbedSnippetSizesByClass(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile("(?m)^\\.dissolve-embed \\{[^}]*\\}$").Find(readme)
	if rule == nil || !strings.Contains(string(rule), "aspect-ratio") {
		t.Fatalf("the README has no .dissolve-embed rule with aspect-ratio: %q", rule)
	}
	h, err := server.Dir(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	var snippet string
	mux := http.NewServeMux()
	mux.HandleFunc("/post.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>a post</title><link rel="icon" href="web/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="post.css"></head>
<body><main class="column"><p>Text before.</p>%s<p>Text after.</p></main></body></html>`, snippet)
	})
	mux.HandleFunc("/post.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		fmt.Fprintf(w, "body { margin: 0 }\n.column { max-width: 700px; margin: 0 auto; padding: 0 16px }\n%s\n", rule)
	})
	mux.Handle("/", h)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	ctx := newBrowser(t)
	navigate(t, ctx, ts.URL+"/index.html?play=0&t=250")
	waitReady(t, ctx)
	evalJSON(t, ctx, `ddpm.embedHTML()`, &snippet)
	if strings.Contains(snippet, "style=") || !strings.Contains(snippet, `class="dissolve-embed"`) {
		t.Fatalf("the embed code %s: want class=\"dissolve-embed\" and no inline style", snippet)
	}
	for _, c := range []struct {
		name          string
		width, height int64
		mobile        bool
		wantW         float64
	}{{"column-700", 1280, 900, false, 640}, {"phone-390", 390, 844, true, 390 - 32}} {
		opts := []chromedp.EmulateViewportOption{}
		if c.mobile {
			opts = append(opts, chromedp.EmulateScale(3), chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(c.width, c.height, opts...)); err != nil {
			t.Fatal(err)
		}
		navigate(t, ctx, ts.URL+"/post.html")
		var r struct{ W, H, Page float64 }
		evalJSON(t, ctx, `(() => { const r = document.querySelector('iframe.dissolve-embed').getBoundingClientRect();
			return {W: r.width, H: r.height, Page: document.documentElement.scrollWidth}; })()`, &r)
		if r.W < c.wantW-1 || r.W > c.wantW+1 || r.H < r.W*9/8-2 || r.H > r.W*9/8+2 || r.Page > float64(c.width) {
			t.Errorf("%s: the frame is %.0f×%.0f (page %.0f px wide), want %.0f wide at 8 : 9", c.name, r.W, r.H, r.Page, c.wantW)
		}
		evalJSON(t, ctx, `new Promise((res) => { const f = document.querySelector('iframe'); f.scrollIntoView({block: 'start'}); setTimeout(res, 1500); })`, nil)
		screenshot(t, ctx, "snippet-"+c.name)
	}
	assertClean(t, ctx, ts.URL)
}
