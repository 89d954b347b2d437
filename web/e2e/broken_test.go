//go:build browser

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"dissolve/web/server"
)

// brokenServer serves the repository with the paths for which gone
// returns true answering 404: a deployment with files missing.
func brokenServer(t *testing.T, gone func(path string) bool) string {
	t.Helper()
	h, err := server.Dir(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gone(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestPictureMissing: a deployment without the default picture's file
// still starts, on a picture that needs no missing file, says which file
// did not load, and leaves that picture out of the menu.
func TestPictureMissing(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		gone       func(string) bool
	}{
		{"astronaut", "cat", func(p string) bool { return p == "/web/images/astronaut.jpg" }},
		{"every file", "gradient", func(p string) bool { return strings.HasPrefix(p, "/web/images/") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := brokenServer(t, tc.gone)
			ctx := newBrowser(t)
			navigate(t, ctx, base+"/index.html?play=0&lang=en")
			s := waitReady(t, ctx)
			if s["image"] != tc.want {
				t.Errorf("started on %v, want %s", s["image"], tc.want)
			}
			var info struct {
				Errors  string
				Options []string
			}
			evalJSON(t, ctx, `({errors: document.getElementById('errors').textContent,
				options: [...document.getElementById('image').options].map(o => o.value)})`, &info)
			if !strings.Contains(info.Errors, "astronaut.jpg did not load") {
				t.Errorf("errors %q do not name the missing file", info.Errors)
			}
			for _, o := range info.Options {
				if o == "astronaut" {
					t.Errorf("the menu offers the missing picture: %v", info.Options)
				}
			}
			screenshot(t, ctx, "picture-missing-"+tc.name)
		})
	}
}
