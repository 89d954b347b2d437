//go:build browser

package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chainStats is window.ddpm.chainStats() (web/markov.js).
type chainStats struct {
	Workers  int `json:"workers"`
	Requests int `json:"requests"`
	Nodes    int `json:"nodes"`
	Frames   int `json:"frames"`
	Pictures int `json:"pictures"`
	Recycled int `json:"recycled"`
	Reused   int `json:"reused"`
	Core     struct {
		On          bool `json:"on"`
		Installed   int  `json:"installed"`
		Frames      int  `json:"frames"`
		FramesShown int  `json:"framesShown"`
		Held        int  `json:"held"`
		MainNodes   int  `json:"mainNodes"`
		InstallMs   struct {
			P50 float64 `json:"p50"`
			P95 float64 `json:"p95"`
		} `json:"installMs"`
		Step        int    `json:"t"`
		Digest      string `json:"digest"`
		FrameDigest string `json:"frameDigest"`
	} `json:"core"`
	WorkerMsPerNode  float64   `json:"workerMsPerNode"`
	InstallMsPerNode float64   `json:"installMsPerNode"`
	InstallMsMax     float64   `json:"installMsMax"`
	WorkerWasmBytes  []float64 `json:"workerWasmBytes"`
}

// withWorkers makes the page's pool n workers (window.dissolveWorkers, read
// by web/pool.js) from the next navigation on.
func withWorkers(t testing.TB, ctx context.Context, n int) {
	t.Helper()
	src := fmt.Sprintf("window.dissolveWorkers = %d;", n)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		t.Fatal(err)
	}
}

// waitNodes waits until the workers have installed at least n nodes.
func waitNodes(t *testing.T, ctx context.Context, n int) chainStats {
	t.Helper()
	var s chainStats
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		for (;;) {
			const s = ddpm.chainStats();
			if (s.core.installed >= %d) return s;
			await new Promise(r => setTimeout(r, 100));
		}
	})()`, n), &s)
	return s
}

// TestMarkovFromWorkers: at 512² the playing Markov chain's nodes come from
// the compute workers (two of them, taking turns) with x_t's RGBA frames
// (the workers hold x_0), the main thread computes (almost) no node and
// draws the workers' frames, and x_t (its numbers and the RGBA drawn) has
// the same bits as the page computing the chain itself with no worker
// (the worker's script missing). The answers' buffers are given back to
// the workers and filled again.
func TestMarkovFromWorkers(t *testing.T) {
	const query = "?mode=markov&size=512&seed=5&lang=en"
	base := startServer(t, repoRoot(t))
	ctx := newBrowser(t)
	withWorkers(t, ctx, 2)
	navigate(t, ctx, base+"/index.html"+query+"&play=1")
	waitReady(t, ctx)
	before := waitNodes(t, ctx, 1)
	s := waitNodes(t, ctx, before.Core.Installed+40)
	evalJSON(t, ctx, `ddpm.setState({playing: false}) && true`, nil)
	if s.Workers != 2 || !s.Core.On || s.Nodes < 40 {
		t.Fatalf("chain stats %+v: want 2 workers feeding ≥ 40 nodes", s)
	}
	// The frames come converted: x_0 went to the workers once, and the
	// page drew the workers' pictures.
	if s.Pictures != 1 || s.Core.Frames < 20 || s.Core.FramesShown-before.Core.FramesShown < 10 {
		t.Errorf("chain stats %+v: want one picture sent, ≥ 20 frames installed, ≥ 10 drawn from them", s)
	}
	// The answers' buffers go back to the workers once installed, and the
	// workers fill them again (the bits compared below come through them).
	if s.Recycled < 40 || s.Reused < 20 {
		t.Errorf("chain stats %+v: want ≥ 40 buffers given back, ≥ 20 of them filled again", s)
	}
	// Nodes computed on the main thread while fed: only when a worker's node
	// was very late (chainWait), never most of them.
	if main, fed := s.Core.MainNodes-before.Core.MainNodes, s.Core.Installed-before.Core.Installed; 4*main > fed {
		t.Errorf("the main thread computed %d nodes while %d came from the workers", main, fed)
	}
	// Paused, the workers compute the neighbours: t+10 is then shown
	// without computing on the main thread.
	var fed chainStats
	evalJSON(t, ctx, `ddpm.chainStats()`, &fed)
	t1 := fed.Core.Step
	t2 := min(t1+10, 1000)
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		for (;;) {
			if (ddpm.chainReady(%d)) return true;
			await new Promise(r => setTimeout(r, 100));
		}
	})()`, t2), nil)
	main := fed.Core.MainNodes
	evalJSON(t, ctx, fmt.Sprintf(`ddpm.setState({t: %d}) && true`, t2), nil)
	var fed2 chainStats
	evalJSON(t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(ddpm.chainStats()))))`, &fed2)
	if fed2.Core.Step != t2 || fed2.Core.MainNodes != main {
		t.Errorf("t=%d after pausing: %+v; the main thread computed %d nodes for it", t2, fed2.Core, fed2.Core.MainNodes-main)
	}
	if fed2.Core.FramesShown <= fed.Core.FramesShown {
		t.Errorf("t=%d after pausing was not drawn from a worker's frame: %+v", t2, fed2.Core)
	}

	// The same steps with no worker: the page computes the chain itself.
	broken := brokenServer(t, func(p string) bool { return p == "/web/worker.js" })
	ref := newBrowser(t)
	for _, c := range []struct {
		t      int
		digest string
		frame  string
	}{{t1, fed.Core.Digest, fed.Core.FrameDigest}, {t2, fed2.Core.Digest, fed2.Core.FrameDigest}} {
		navigate(t, ref, fmt.Sprintf("%s/index.html%s&play=0&t=%d", broken, query, c.t))
		waitReady(t, ref)
		var r chainStats
		evalJSON(t, ref, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(ddpm.chainStats()))))`, &r)
		if r.Workers != 0 || r.Core.On || r.Core.Step != c.t {
			t.Errorf("without workers: %+v, want no feed at t=%d", r, c.t)
		}
		if r.Core.Digest != c.digest || c.digest == "" {
			t.Errorf("t=%d: x_t from the workers' nodes %s, computed on the main thread %s", c.t, c.digest, r.Core.Digest)
		}
		if r.Core.FrameDigest != c.frame || c.frame == "" {
			t.Errorf("t=%d: the RGBA from the workers' frames %s, converted on the main thread %s", c.t, c.frame, r.Core.FrameDigest)
		}
	}
}
