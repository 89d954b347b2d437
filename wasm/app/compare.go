package app

import (
	"math"
	"slices"

	"dissolve/diffusion"
)

// Compare chooses what the canvas shows side by side: 2 or 3 panes of the
// same picture with the same seed, all at the one cursor t.
type Compare string

const (
	// CompareNone shows one picture, x_t of the state's schedule and mode.
	CompareNone Compare = "none"
	// CompareSchedules shows x_t under the state's schedule beside x_t under
	// CompareSchedule (same T, β range, zero-terminal-SNR flag, mode, seed).
	CompareSchedules Compare = "schedules"
	// CompareModes shows the closed form x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε (one
	// ε) beside the Markov chain (fresh ε at every step): different pixels,
	// the same distribution.
	CompareModes Compare = "modes"
	// CompareWrongSum shows the closed form beside the lesson's wrong
	// algebra, √ᾱ_t x_0 + W_t ε with W_t = Schedule.WrongSumStd(t) (the
	// coefficients of the ε's added instead of their variances), same ε.
	CompareWrongSum Compare = "wrongsum"
	// CompareNormalise shows x_0, x_0 normalised in one shot ((x_0 −
	// mean)/std, diffusion.ZScore) and x_t of the state's mode.
	CompareNormalise Compare = "normalise"
)

// Compares lists the Compare values in the order a menu shows them.
var Compares = []Compare{CompareNone, CompareSchedules, CompareModes, CompareWrongSum, CompareNormalise}

// Pane kinds: what one pane of a comparison shows. Their names are the
// page's keys for the pane labels.
const (
	PaneClosed   = "closed"   // closed form, the state's schedule
	PaneMarkov   = "markov"   // Markov chain, the state's schedule
	PaneSecond   = "second"   // the state's mode under CompareSchedule
	PaneWrongSum = "wrongsum" // √ᾱ_t x_0 + W_t ε
	PaneX0       = "x0"       // x_0 itself
	PaneZScore   = "zscore"   // (x_0 − mean)/std
)

// PaneKinds returns the panes of c, left to right; CompareNone has one
// pane, the state's mode.
func (s State) PaneKinds() []string {
	main := PaneClosed
	if s.Mode == Markov {
		main = PaneMarkov
	}
	switch s.Compare {
	case CompareSchedules:
		return []string{main, PaneSecond}
	case CompareModes:
		return []string{PaneClosed, PaneMarkov}
	case CompareWrongSum:
		return []string{PaneClosed, PaneWrongSum}
	case CompareNormalise:
		return []string{PaneX0, PaneZScore, main}
	}
	return []string{main}
}

// XtPane is the index in PaneKinds of the pane that shows x_t in the
// closed form or the chain: the state's mode when both are on screen
// (CompareModes), the closed form beside the wrong sum whatever the mode,
// the third pane of CompareNormalise.
func (s State) XtPane() int {
	kinds := s.PaneKinds()
	main := PaneClosed
	if s.Mode == Markov {
		main = PaneMarkov
	}
	if i := slices.Index(kinds, main); i >= 0 {
		return i
	}
	if i := slices.Index(kinds, PaneClosed); i >= 0 {
		return i
	}
	return 0
}

// SecondConfig is the schedule of the second pane of CompareSchedules: the
// state's schedule with CompareSchedule's name.
func (s State) SecondConfig() diffusion.Config {
	c := s.Config()
	c.Schedule = s.CompareSchedule
	return c
}

// Rect is a pane's place on the canvas, in fractions of its width and
// height (so the page can put a label over it whatever its size).
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// PaneLayout places n panes of w×h pixels on a screen of sw×sh pixels: the
// grid of cols × ⌈n/cols⌉ cells that shows them largest, centred, with a
// gap of gap pixels between cells. It returns the picture's rectangle in
// each cell (fractions of the screen), row by row, and the scale from
// picture pixels to screen pixels.
func PaneLayout(n, w, h, sw, sh, gap int) ([]Rect, float64) {
	n, w, h = max(n, 1), max(w, 1), max(h, 1)
	if sw <= 0 || sh <= 0 {
		return make([]Rect, n), 0
	}
	bestCols, best := 1, -1.0
	for cols := 1; cols <= n; cols++ {
		rows := (n + cols - 1) / cols
		cw := float64(sw-(cols-1)*gap) / float64(cols)
		ch := float64(sh-(rows-1)*gap) / float64(rows)
		// On a tie the wider grid wins: side by side reads best.
		if sc := math.Min(cw/float64(w), ch/float64(h)); sc >= best*(1-1e-12) {
			best, bestCols = sc, cols
		}
	}
	cols := bestCols
	rows := (n + cols - 1) / cols
	pw, ph := best*float64(w), best*float64(h)
	totalW := float64(cols)*pw + float64((cols-1)*gap)
	totalH := float64(rows)*ph + float64((rows-1)*gap)
	x0 := (float64(sw) - totalW) / 2
	y0 := (float64(sh) - totalH) / 2
	rects := make([]Rect, n)
	for i := range rects {
		c, r := i%cols, i/cols
		x := x0 + float64(c)*(pw+float64(gap))
		y := y0 + float64(r)*(ph+float64(gap))
		rects[i] = Rect{X: x / float64(sw), Y: y / float64(sh), W: pw / float64(sw), H: ph / float64(sh)}
	}
	return rects, best
}

// PaneFrame is one pane's picture: RGBA bytes of x_0's size, valid until
// the next call of Panes.
type PaneFrame struct {
	Kind string
	RGBA []byte
}

// compareCache holds what the panes need beyond the engine's own caches.
type compareCache struct {
	key    paneKey
	frames []PaneFrame

	secondCfg   diffusion.Config
	second      *diffusion.Schedule
	secondTraj  *diffusion.Trajectory
	secondOwner paneOwner // x_0 and seed the trajectory was made for

	zOwner *diffusion.Planar
	z      []float32 // ZScore(x_0)
}

// paneKey is everything a comparison's pixels depend on.
type paneKey struct {
	state paneState
	owner paneOwner
	sched *diffusion.Schedule
}

type paneState struct {
	step            int
	compare         Compare
	compareSchedule string
	mode            Mode
}

type paneOwner struct {
	x0   *diffusion.Planar
	seed uint32
}

func (e *Engine) cmp() *compareCache {
	if e.compare == nil {
		e.compare = &compareCache{}
	}
	return e.compare
}

// secondSchedule is the schedule of the second pane of CompareSchedules.
func (e *Engine) secondSchedule() *diffusion.Schedule {
	c := e.cmp()
	cfg := e.state.SecondConfig()
	if c.second == nil || c.secondCfg != cfg {
		s, err := diffusion.NewSchedule(cfg)
		if err != nil { // only the name differs from a valid config
			s = e.sched
		}
		c.second, c.secondCfg, c.secondTraj = s, cfg, nil
	}
	return c.second
}

func (e *Engine) secondTrajectory() *diffusion.Trajectory {
	c := e.cmp()
	s := e.secondSchedule()
	owner := paneOwner{e.x0, e.state.Seed}
	if c.secondTraj == nil || c.secondOwner != owner {
		c.secondTraj = diffusion.NewTrajectory(s, e.x0.Pix, uint64(e.state.Seed))
		c.secondOwner = owner
	}
	return c.secondTraj
}

// zScore is x_0 normalised in one shot, (x_0 − mean)/std.
func (e *Engine) zScore() []float32 {
	c := e.cmp()
	if c.zOwner != e.x0 || c.z == nil {
		c.z = make([]float32, len(e.x0.Pix))
		diffusion.ZScore(c.z, e.x0.Pix)
		c.zOwner = e.x0
	}
	return c.z
}

// Panes returns the pictures of the state's comparison, left to right (see
// State.PaneKinds), and whether they changed since the last call. Each pane
// is computed in one pass, as Frame computes the single picture.
func (e *Engine) Panes() (panes []PaneFrame, changed bool) {
	c := e.cmp()
	s := e.state
	key := paneKey{
		state: paneState{step: s.Step, compare: s.Compare, compareSchedule: s.CompareSchedule, mode: s.Mode},
		owner: paneOwner{e.x0, s.Seed}, sched: e.sched,
	}
	kinds := s.PaneKinds()
	if c.key == key && len(c.frames) == len(kinds) {
		return c.frames, false
	}
	size := 4 * e.x0.N()
	if len(c.frames) != len(kinds) {
		c.frames = make([]PaneFrame, len(kinds))
	}
	for i, kind := range kinds {
		f := &c.frames[i]
		f.Kind = kind
		if len(f.RGBA) != size {
			f.RGBA = make([]byte, size)
		}
		e.paneRGBA(kind, f.RGBA)
	}
	c.key = key
	return c.frames, true
}

// paneRGBA writes the picture of one pane kind at the current t.
func (e *Engine) paneRGBA(kind string, rgba []byte) {
	t := e.state.Step
	switch kind {
	case PaneMarkov:
		e.trajectory().RGBAAt(t, rgba)
	case PaneSecond:
		if e.state.Mode == Markov {
			e.secondTrajectory().RGBAAt(t, rgba)
			return
		}
		s := e.secondSchedule()
		diffusion.ClosedFormRGBA(rgba, e.x0.Pix, e.closedFormEps(), float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t)))
	case PaneWrongSum:
		diffusion.ClosedFormRGBA(rgba, e.x0.Pix, e.closedFormEps(), float32(e.sched.SqrtAlphaBar(t)), float32(e.sched.WrongSumStd(t)))
	case PaneX0:
		diffusion.ToRGBA(rgba, e.x0.Pix)
	case PaneZScore:
		diffusion.ToRGBA(rgba, e.zScore())
	default: // PaneClosed
		diffusion.ClosedFormRGBA(rgba, e.x0.Pix, e.closedFormEps(), float32(e.sched.SqrtAlphaBar(t)), float32(e.sched.SqrtOneMinusAlphaBar(t)))
	}
}

// paneValues writes the numbers of one pane kind at the current t to dst,
// only at the indices 0, stride, 2·stride, … (dst[k] is index k·stride), so
// that statistics of a large picture can be taken on an even sample. It
// returns dst.
func (e *Engine) paneValues(kind string, dst []float32, stride int) []float32 {
	t := e.state.Step
	x0 := e.x0.Pix
	n := (len(x0) + stride - 1) / stride
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	lin := func(a, b float64, eps []float32) {
		fa, fb := float32(a), float32(b)
		for k := range dst {
			i := k * stride
			// Products rounded before the sum (no fused multiply-add), as
			// in diffusion.ClosedForm: the same bits as the picture.
			dst[k] = float32(fa*x0[i]) + float32(fb*eps[i])
		}
	}
	full := func(fill func([]float32)) {
		if stride == 1 {
			fill(dst)
			return
		}
		if len(e.xt) != len(x0) {
			e.xt = make([]float32, len(x0))
		}
		fill(e.xt)
		for k := range dst {
			dst[k] = e.xt[k*stride]
		}
	}
	switch kind {
	case PaneMarkov:
		full(func(out []float32) { e.trajectory().At(t, out) })
	case PaneSecond:
		if e.state.Mode == Markov {
			full(func(out []float32) { e.secondTrajectory().At(t, out) })
			break
		}
		s := e.secondSchedule()
		lin(s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t), e.closedFormEps())
	case PaneWrongSum:
		lin(e.sched.SqrtAlphaBar(t), e.sched.WrongSumStd(t), e.closedFormEps())
	case PaneX0:
		for k := range dst {
			dst[k] = x0[k*stride]
		}
	case PaneZScore:
		z := e.zScore()
		for k := range dst {
			dst[k] = z[k*stride]
		}
	default:
		lin(e.sched.SqrtAlphaBar(t), e.sched.SqrtOneMinusAlphaBar(t), e.closedFormEps())
	}
	return dst
}
