//go:build browser

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"dissolve/web/server"
)

// offlineSite serves the repository root like startServer, with two
// switches: down (every request fails as on a dead network: the
// connection is closed without an answer) and next (web/data/offline.js
// says another version, as a new deployment's would).
type offlineSite struct {
	URL  string
	down atomic.Bool
	next atomic.Bool
	// requests counts the requests that reached the server.
	requests atomic.Int64
}

func startOfflineSite(t *testing.T) *offlineSite {
	t.Helper()
	root := repoRoot(t)
	h, err := server.Dir(root)
	if err != nil {
		t.Fatal(err)
	}
	list, err := os.ReadFile(filepath.Join(root, "web", "data", "offline.js"))
	if err != nil {
		t.Fatalf("web/data/offline.js (make build writes it): %v", err)
	}
	s := &offlineSite{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		s.requests.Add(1)
		if r.URL.Path == "/web/data/offline.js" && s.next.Load() {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write([]byte(strings.Replace(string(list), `"version":"`, `"version":"next-`, 1)))
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// offlineFiles is the list of web/data/offline.js (scripts/offline).
func offlineFiles(t *testing.T) (version string, files []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "data", "offline.js"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, "{"), strings.LastIndex(text, "}")
	var m struct {
		Version string   `json:"version"`
		Files   []string `json:"files"`
	}
	if i < 0 || j < i || json.Unmarshal([]byte(text[i:j+1]), &m) != nil || m.Version == "" || len(m.Files) < 20 {
		t.Fatalf("web/data/offline.js is not a list of the page's files: %.300s", text)
	}
	return m.Version, m.Files
}

// waitOffline waits until the service worker controls the page and its
// cache holds every file of the list; it returns the cache names.
func waitOffline(t *testing.T, ctx context.Context, version string, n int) []string {
	t.Helper()
	var names []string
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		const end = performance.now() + 90000;
		for (;;) {
			const names = await caches.keys();
			const mine = names.includes('dissolve-' + %q);
			const count = mine ? (await (await caches.open('dissolve-' + %q)).keys()).length : 0;
			if (navigator.serviceWorker.controller && mine && count === %d && names.length === 1) return names;
			if (performance.now() > end) throw new Error('no service worker with a full cache: controller ' + !!navigator.serviceWorker.controller + ', caches ' + names + ', ' + count + ' files of %d');
			await new Promise((r) => setTimeout(r, 100));
		}
	})()`, version, version, n, n), &names)
	return names
}

// goOffline cuts the network twice over: the server drops every
// connection, and the tab is told it is offline (Chromium's emulation).
func goOffline(t *testing.T, ctx context.Context, site *offlineSite) {
	t.Helper()
	site.down.Store(true)
	yes := true
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &yes,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
}

// animates checks that t moves while the page plays.
func animates(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var moved struct{ A, B, Frames int }
	evalJSON(t, ctx, `(async () => {
		ddpm.setState({playing: true, speed: 200});
		const a = ddpm.getState().t, f = ddpm.perf().frames;
		const end = performance.now() + 20000;
		while (ddpm.getState().t === a && performance.now() < end) await new Promise((r) => requestAnimationFrame(r));
		return {A: a, B: ddpm.getState().t, Frames: ddpm.perf().frames - f};
	})()`, &moved)
	if moved.A == moved.B {
		t.Errorf("%s: t stayed at %d: not animating", what, moved.A)
	}
}

// TestOfflineAfterFirstVisit: after one visit online, a reload with the
// network gone (the server unreachable and the tab offline) still gives
// the page, ready and animating, forward and in reverse (the compute
// workers load their wasm and the digits from the cache). Without the
// service worker (sw.js) the reload fails.
func TestOfflineAfterFirstVisit(t *testing.T) {
	site := startOfflineSite(t)
	version, files := offlineFiles(t)
	ctx := newBrowser(t)
	navigate(t, ctx, site.URL+"/index.html?t=100&play=0")
	waitReady(t, ctx)
	waitOffline(t, ctx, version, len(files))
	assertClean(t, ctx, site.URL)

	goOffline(t, ctx, site)
	served := site.requests.Load()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload offline: %v%s", err, recorded(ctx))
	}
	st := waitReady(t, ctx)
	if st["t"] != 100.0 {
		t.Errorf("offline: ready with %v, want t = 100 from the URL", st)
	}
	animates(t, ctx, "offline")
	if n := site.requests.Load() - served; n != 0 {
		t.Errorf("%d requests reached the server that was down", n)
	}

	// The reverse direction, whose workers and data the first visit did
	// not use: from the cache too. web/reverse.js says so (console.info)
	// when no worker starts and it computes on the main thread instead.
	var mainThread atomic.Bool
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventConsoleAPICalled); ok && strings.Contains(consoleText(e.Args), "on the main thread") {
			mainThread.Store(true)
		}
	}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, site.URL+"/index.html?direction=reverse&play=0&t=0&seed=1&lang=en")
	waitReady(t, ctx)
	var rs reverseStats
	evalJSON(t, ctx, `(async () => { await ddpm.reverseReady(); return ddpm.stats(); })()`, &rs)
	if rs.Checksum == "" || rs.Nearest.Index < 0 {
		t.Errorf("offline reverse run: %+v", rs)
	}
	if mainThread.Load() {
		t.Errorf("offline, the compute workers did not start (the reverse run was computed on the main thread)")
	}
	t.Logf("offline reverse: %+v", rs)
	animates(t, ctx, "offline, reverse")
}

// TestOfflineNewDeployment: a new deployment (a new version in
// web/data/offline.js) installs a new cache and deletes the old one; the
// cache never holds another origin's files.
func TestOfflineNewDeployment(t *testing.T) {
	site := startOfflineSite(t)
	version, files := offlineFiles(t)
	ctx := newBrowser(t)
	navigate(t, ctx, site.URL+"/index.html?play=0")
	waitReady(t, ctx)
	if names := waitOffline(t, ctx, version, len(files)); len(names) != 1 {
		t.Fatalf("caches %q", names)
	}

	site.next.Store(true)
	navigate(t, ctx, site.URL+"/index.html?play=0")
	waitReady(t, ctx)
	// The navigation checks the worker and its list for an update; ask
	// once more in case that check ran before the page was ready.
	evalJSON(t, ctx, `navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true)`, nil)
	names := waitOffline(t, ctx, "next-"+version, len(files))
	if len(names) != 1 || names[0] != "dissolve-next-"+version {
		t.Errorf("caches after the new deployment: %q, want only dissolve-next-%s", names, version)
	}
	var urls []string
	evalJSON(t, ctx, `(async () => (await (await caches.open('dissolve-next-`+version+`')).keys()).map((r) => r.url))()`, &urls)
	for _, u := range urls {
		if !strings.HasPrefix(u, site.URL+"/") {
			t.Errorf("the cache holds %s, not of %s", u, site.URL)
		}
	}
	assertClean(t, ctx, site.URL)
}
