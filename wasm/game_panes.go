//go:build js && wasm

package main

import (
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"dissolve/wasm/app"
)

// compareView holds the pictures of a side-by-side comparison (the state's
// compare field): one Ebiten image per pane, drawn in one canvas. The panes'
// labels are HTML over the canvas (web/instruments.js asks the core where
// the panes are).
type compareView struct {
	imgs    []*ebiten.Image
	screenH int // height of the screen, for the layout the page asks about
}

// paneGap is the gap between panes in screen pixels.
func paneGap(sw int) int { return max(4, sw/100) }

// drawCompare draws the panes of the state's comparison and reports true,
// or reports false and draws nothing when there is no comparison (Draw then
// draws the single picture as before).
func (g *Game) drawCompare(screen *ebiten.Image) bool {
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	g.mu.Lock()
	g.cmp.screenH = sh
	if c := g.eng.State().Compare; c == app.CompareNone || c == "" {
		g.mu.Unlock()
		return false
	}
	start := time.Now()
	panes, changed := g.eng.Panes()
	x0 := g.eng.X0()
	kernel := time.Since(start)
	v := &g.cmp
	if len(v.imgs) != len(panes) || v.imgs[0].Bounds().Dx() != x0.W || v.imgs[0].Bounds().Dy() != x0.H {
		for _, img := range v.imgs {
			img.Deallocate()
		}
		v.imgs = v.imgs[:0]
		for range panes {
			v.imgs = append(v.imgs, ebiten.NewImage(x0.W, x0.H))
		}
		changed = true
	}
	if changed {
		for i, p := range panes {
			v.imgs[i].WritePixels(p.RGBA)
		}
	}
	g.screenW = sw
	rects, scale := app.PaneLayout(len(panes), x0.W, x0.H, sw, sh, paneGap(sw))
	imgs := v.imgs
	g.mu.Unlock()

	ops := make([]drawOp, len(imgs))
	for i, img := range imgs {
		ops[i] = drawOp{img: img, scale: scale}
		ops[i].geo.Scale(scale, scale)
		ops[i].geo.Translate(math.Round(rects[i].X*float64(sw)), math.Round(rects[i].Y*float64(sh)))
	}
	g.present(screen, changed, "panes", ops)
	g.perf.record(start, kernel, changed)
	g.firstFrame()
	return true
}
