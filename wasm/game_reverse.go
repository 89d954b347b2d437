//go:build js && wasm

package main

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"dissolve/wasm/app"
)

// reverseView holds the reverse direction's pictures: the run the page
// last handed over (bridge_reverse.go) and one Ebiten image per pane (x_t,
// x̂_0, the nearest training image).
type reverseView struct {
	run *app.ReverseRun
	// runKept says an export that runs on (movieSource, keep) reads run:
	// the next run must not take over its buffers.
	runKept    bool
	imgs       []*ebiten.Image
	rgba       []byte
	shownRun   *app.ReverseRun // the run and frame on the images now
	shownFrame int
}

// stateRun returns the run on hand if it is the one state s needs (its
// key: sampler, denoiser, data set, seed, upload), or nil while that run
// is still being computed. The caller holds g.mu.
func (g *Game) stateRun(s app.State) *app.ReverseRun {
	if r := g.rev.run; r != nil && r.Key == g.lib.RunKey(s) {
		return r
	}
	return nil
}

// drawReverse draws the reverse direction and reports true, or reports
// false and draws nothing in the forward direction. Until the run for the
// state has arrived the canvas stays empty (the page says it is
// computing).
func (g *Game) drawReverse(screen *ebiten.Image) bool {
	g.mu.Lock()
	s := g.eng.State()
	if s.Direction != app.Reverse {
		g.mu.Unlock()
		return false
	}
	start := time.Now()
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	g.screenW, g.screenH = sw, sh
	v := &g.rev
	r := g.stateRun(s)
	if r == nil {
		g.mu.Unlock()
		g.present(screen, false, nil)
		g.firstFrame()
		return true
	}
	panes := r.ReversePanes()
	changed := false
	if imgs, fresh := paneImages(v.imgs, len(panes), r.W, r.H); fresh {
		v.imgs = imgs
		v.rgba = make([]byte, 4*r.W*r.H)
		v.shownRun = nil
	}
	if k := r.FrameAt(s.Step); r != v.shownRun || k != v.shownFrame {
		for i, kind := range panes {
			r.PaneRGBA(v.rgba, kind, s.Step)
			v.imgs[i].WritePixels(v.rgba)
		}
		v.shownRun, v.shownFrame, changed = r, k, true
	}
	kernel := time.Since(start)
	imgs := v.imgs
	g.mu.Unlock()

	g.present(screen, changed, placePanes(imgs, r.W, r.H, sw, sh))
	g.perf.record(start, kernel, changed)
	g.firstFrame()
	return true
}
