//go:build js && wasm

package main

import (
	"fmt"
	"image/color"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"dissolve/wasm/app"
)

// Game is the Ebiten game: it advances t while playing, lets a finger or
// the mouse scrub t by dragging over the picture, and draws the state's
// panes (x_t alone, or a comparison's 2 or 3 panes, app.State.Sources).
//
// JavaScript calls (the bridge) and Ebiten's Update/Draw run on different
// goroutines; every access to the engine and the clock holds mu.
type Game struct {
	mu  sync.Mutex
	eng *app.Engine
	lib *app.Library // the pictures (and the uploaded one, for reverse runs)

	play     app.Player    // the clock and the drag (Ebiten-free, tested natively)
	nodeTime time.Duration // measured time of one prefetched node of the chain
	lastTick time.Time     // time of the previous Update

	layoutKey string   // what the canvas shows now, see present
	draws     []drawOp // the pictures DrawFinalScreen puts on the canvas

	drag    *dragState // the pointer of an active scrub gesture, or nil
	screenW int        // width of the screen in the coordinates of touches and the cursor
	screenH int        // height of the screen, for the pane layout the page asks about

	imgs    []*ebiten.Image // the panes at the processing size (app.State.Sources)
	rev     reverseView     // the reverse direction (game_reverse.go)
	drawnOK bool            // the first frame has reached the screen
	perf    perfLog
	feed    chainFeed // the Markov chain's nodes from the compute workers (bridge_chain.go)

	onFirstFrame func()
	onError      func(string)
}

// dragState is the pointer that drags: a touch or the mouse.
type dragState struct {
	touch ebiten.TouchID
	mouse bool
}

func newGame(eng *app.Engine) *Game {
	return &Game{eng: eng, lastTick: time.Now()}
}

// Update advances time. A panic here is recovered and reported, so one bad
// frame never stops the page.
func (g *Game) Update() (err error) {
	defer g.recoverTo("update")
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	dt := now.Sub(g.lastTick).Seconds()
	g.lastTick = now
	if dt > 0.1 { // the tab slept: do not jump
		dt = 0.1
	}
	g.scrub()
	if t, ok := g.play.Tick(g.eng.State(), dt); ok {
		if t, ok = g.stepForWorkers(t, now); ok {
			g.setStep(t)
		}
	}
	return nil
}

// setStep shows step t.
func (g *Game) setStep(t int) {
	s := g.eng.State()
	if s.Step == t {
		return
	}
	s.Step = t
	_ = g.eng.SetState(s) // only t changed: cannot fail
}

// markovBudget is the time the Markov mode may spend on the chain in one
// frame, showing x_t and working ahead, out of a frame at 60 Hz (the rest
// is Ebiten's, the browser's and the instruments').
const markovBudget = 11 * time.Millisecond

// aheadFrames is how many coming frames the Markov mode works ahead for.
const aheadFrames = 6

// prefetch spends what is left of the frame's Markov budget (the frame
// started at start) computing nodes of the chain for the coming frames: the
// steps Ahead predicts while playing, the neighbours ←/→ and shift+←/→
// reach while paused. A node is started only when the measured time of one
// still fits; without a chain on screen Engine.Prefetch does nothing.
// Called with g.mu held.
func (g *Game) prefetch(start time.Time) {
	if g.feed.on { // the workers compute ahead (bridge_chain.go)
		return
	}
	s := g.eng.State()
	var ahead []int
	if s.Playing && !g.play.Dragging() {
		ahead = app.Ahead(s, g.play.Clock(), aheadFrames)
	} else {
		ahead = []int{s.Step + 1, s.Step - 1, s.Step + 10, s.Step - 10}
	}
	for time.Since(start)+g.nodeTime <= markovBudget {
		t0 := time.Now()
		if !g.eng.Prefetch(ahead) {
			return
		}
		d := time.Since(t0)
		if g.nodeTime == 0 {
			g.nodeTime = d
		} else {
			g.nodeTime = (7*g.nodeTime + d) / 8
		}
	}
}

// scrub feeds a drag over the picture (a finger or the mouse) to the
// player, which turns it into a change of t.
func (g *Game) scrub() {
	if g.drag == nil {
		if ids := ebiten.AppendTouchIDs(nil); len(ids) > 0 {
			x, _ := ebiten.TouchPosition(ids[0])
			g.drag = &dragState{touch: ids[0]}
			g.play.StartDrag(x, g.eng.State())
		} else if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
			x, _ := ebiten.CursorPosition()
			g.drag = &dragState{mouse: true}
			g.play.StartDrag(x, g.eng.State())
		}
		return
	}
	var x int
	pressed := false
	if g.drag.mouse {
		pressed = ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
		x, _ = ebiten.CursorPosition()
	} else {
		for _, id := range ebiten.AppendTouchIDs(nil) {
			if id == g.drag.touch {
				pressed = true
				x, _ = ebiten.TouchPosition(id)
			}
		}
	}
	if !pressed {
		g.drag = nil
		g.play.EndDrag()
		return
	}
	if t, ok := g.play.DragTo(x, g.screenW, g.eng.State()); ok {
		g.setStep(t)
	}
}

// background is the page's own dark grey (web/style.css --bg's neighbour).
var background = color.RGBA{0x11, 0x13, 0x18, 0xff}

// Draw brings the panes' textures up to date (one WritePixels a pane when
// t, the picture or the noise changed) and records where they go on the
// canvas; DrawFinalScreen puts them there. The single view is the one-pane
// case: app.PlacePanes fills the screen with it when that crops little.
func (g *Game) Draw(screen *ebiten.Image) {
	defer g.recoverTo("draw")
	if g.drawReverse(screen) {
		return
	}
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	g.mu.Lock()
	start := time.Now()
	computed := g.eng.ChainComputed()
	panes, changed := g.eng.Panes()
	x0 := g.eng.X0()
	g.prefetch(start)
	kernel := time.Since(start)
	if g.feed.on {
		g.feed.mainNodes += max(0, g.eng.ChainComputed()-computed)
	}
	if imgs, fresh := paneImages(g.imgs, len(panes), x0.W, x0.H); fresh {
		g.imgs, changed = imgs, true
	}
	if changed {
		for i, p := range panes {
			g.imgs[i].WritePixels(p.RGBA)
		}
	}
	g.screenW, g.screenH = sw, sh
	imgs := g.imgs
	g.mu.Unlock()

	g.present(screen, changed, placePanes(imgs, x0.W, x0.H, sw, sh))

	g.perf.record(start, kernel, changed)
	g.firstFrame()
}

// firstFrame tells the page, once, that the first frame is on screen.
func (g *Game) firstFrame() {
	if !g.drawnOK {
		g.drawnOK = true
		if g.onFirstFrame != nil {
			g.onFirstFrame()
		}
	}
}

// drawOp is one picture to put on the canvas: where, in screen
// coordinates, and at which scale from picture pixels to screen pixels.
type drawOp struct {
	img   *ebiten.Image // the pane's texture, or the part of it shown
	pane  *ebiten.Image // the pane's texture (the layout's key)
	geo   ebiten.GeoM
	scale float64
}

// paneImages returns n images of w×h pixels: imgs itself when it has
// them, else new ones (imgs deallocated) and true.
func paneImages(imgs []*ebiten.Image, n, w, h int) ([]*ebiten.Image, bool) {
	if len(imgs) == n && n > 0 && imgs[0].Bounds().Dx() == w && imgs[0].Bounds().Dy() == h {
		return imgs, false
	}
	for _, img := range imgs {
		img.Deallocate()
	}
	imgs = imgs[:0]
	for range n {
		imgs = append(imgs, ebiten.NewImage(w, h))
	}
	return imgs, true
}

// placePanes puts panes of w×h pixels on a sw×sh screen (app.PlacePanes).
func placePanes(imgs []*ebiten.Image, w, h, sw, sh int) []drawOp {
	places := app.PlacePanes(len(imgs), w, h, sw, sh)
	ops := make([]drawOp, len(imgs))
	for i, pane := range imgs {
		p := places[i]
		img := pane
		if p.Src != pane.Bounds() {
			img = pane.SubImage(p.Src).(*ebiten.Image) // a pane cut to its cell
		}
		ops[i] = drawOp{img: img, pane: pane, scale: p.Scale}
		ops[i].geo.Scale(p.Scale, p.Scale)
		ops[i].geo.Translate(p.X, p.Y)
	}
	return ops
}

// present records what the canvas shows. The pictures go straight to the
// final screen in DrawFinalScreen: one pass over the canvas a frame, where
// drawing into Ebiten's offscreen and copying that would be two (in a
// software WebGL, as headless Chromium's SwiftShader, each costs
// milliseconds). Ebiten presents a frame only when its offscreen was
// modified lately, so a change of picture or layout touches one pixel of
// the (otherwise unused) offscreen; a paused picture costs nothing.
func (g *Game) present(screen *ebiten.Image, changed bool, ops []drawOp) {
	key := fmt.Sprintf("%dx%d", screen.Bounds().Dx(), screen.Bounds().Dy())
	for _, op := range ops {
		key += fmt.Sprintf(" %p%v", op.pane, op.img.Bounds())
	}
	if key != g.layoutKey {
		g.layoutKey = key
		changed = true
	}
	g.draws = ops
	if changed {
		screen.Set(0, 0, background)
	}
}

// DrawFinalScreen implements ebiten.FinalScreenDrawer: it draws the
// pictures recorded by Draw onto the canvas, magnified with nearest-
// neighbour sampling (every pixel of x_0 stays a crisp square) and reduced
// with linear filtering.
func (g *Game) DrawFinalScreen(screen ebiten.FinalScreen, offscreen *ebiten.Image, geoM ebiten.GeoM) {
	defer g.recoverTo("draw")
	for _, d := range g.draws {
		op := &ebiten.DrawImageOptions{}
		op.GeoM = d.geo
		op.GeoM.Concat(geoM)
		if d.scale*geoM.Element(0, 0) >= 1 {
			op.Filter = ebiten.FilterNearest
		} else {
			op.Filter = ebiten.FilterLinear
		}
		screen.DrawImage(d.img, op)
	}
}

// Layout asks for a screen as large as the canvas in device pixels, so the
// picture is crisp on HiDPI displays.
func (g *Game) Layout(outsideWidth, outsideHeight int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return max(1, int(float64(outsideWidth)*s)), max(1, int(float64(outsideHeight)*s))
}

func (g *Game) recoverTo(where string) {
	if r := recover(); r != nil {
		msg := fmt.Sprintf("internal error in %s (recovered; the previous state is kept): %v", where, r)
		if g.onError != nil {
			g.onError(msg)
		}
	}
}

// perfLog keeps the last few seconds of frames for window.ddpm.perf().
type perfLog struct {
	frames []perfFrame
}

type perfFrame struct {
	at       time.Time
	kernel   time.Duration
	computed bool
}

const perfWindow = 3 * time.Second

func (p *perfLog) record(at time.Time, kernel time.Duration, computed bool) {
	p.frames = append(p.frames, perfFrame{at: at, kernel: kernel, computed: computed})
	cut := 0
	for cut < len(p.frames) && at.Sub(p.frames[cut].at) > perfWindow {
		cut++
	}
	p.frames = p.frames[cut:]
}

// PerfReport is window.ddpm.perf().
type PerfReport struct {
	FPS      float64      `json:"fps"`
	Frames   int          `json:"frames"`
	FrameMs  app.Quantile `json:"frameMs"`  // time between drawn frames
	KernelMs app.Quantile `json:"kernelMs"` // Go's time computing x_t → RGBA, frames that changed
	Changed  int          `json:"changed"`  // the frames that changed (kernelMs's sample)
}

func (p *perfLog) report() PerfReport {
	var r PerfReport
	n := len(p.frames)
	r.Frames = n
	if n < 2 {
		return r
	}
	span := p.frames[n-1].at.Sub(p.frames[0].at).Seconds()
	if span > 0 {
		r.FPS = float64(n-1) / span
	}
	gaps := make([]float64, 0, n-1)
	var kernels []float64
	for i := 1; i < n; i++ {
		gaps = append(gaps, ms(p.frames[i].at.Sub(p.frames[i-1].at)))
	}
	for _, f := range p.frames {
		if f.computed {
			kernels = append(kernels, ms(f.kernel))
		}
	}
	r.FrameMs = app.Quantiles(gaps)
	r.Changed = len(kernels)
	r.KernelMs = app.Quantiles(kernels)
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// memoryReport is the memory side of window.ddpm.perf() (the page adds
// wasmBytes, the WebAssembly memory's size).
type memoryReport struct {
	// HeapLiveBytes is Go's heap that the last collection found live
	// (runtime/metrics /gc/heap/live:bytes): what the page keeps, as
	// opposed to the memory it has grown to, which never shrinks.
	HeapLiveBytes uint64 `json:"heapLiveBytes"`
	// ChainBytes is what the Markov chains keep in computed nodes
	// (app.Engine.ChainBytes).
	ChainBytes int `json:"chainBytes"`
}

func (g *Game) memory() memoryReport {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	var live uint64
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = sample[0].Value.Uint64()
	}
	return memoryReport{HeapLiveBytes: live, ChainBytes: g.eng.ChainBytes()}
}
