package app

import (
	"fmt"
	"image"
	"math"
	"strconv"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// Engine turns a State into pixels. It keeps what each part of the state
// decides, and redoes only what a change touches:
//
//	schedule (T, β range, name, zero-terminal SNR) → β, α, ᾱ tables
//	picture and size                               → x_0
//	seed and size                                  → ε (closed form), the chains
//	t, mode and comparison                         → the panes (State.Sources) → RGBA, one pass each
//
// The tables and x_0 are made in SetState (they can fail); everything
// else is a memo keyed by what it depends on (paneInputs, frameKey).
//
// An Engine is not safe for concurrent use; the game owns it.
type Engine struct {
	lib   *Library
	state State
	in    paneInputs // the schedule, x_0, the seed and what they derive

	reloadPicture bool // a new upload replaced the picture named "upload"
	// spareX0 is the memory of the x_0 before the current one: the next
	// x_0 is made in it (two buffers taking turns, each keeping the
	// largest size shown), so that a new picture or size grows no memory.
	spareX0 []float32

	frame      memo[frameKey, []byte]   // Frame: x_t of the state's mode
	panes      []memo[frameKey, []byte] // Panes: one per pane, left to right
	paneFrames []PaneFrame

	hist histogramCache // histogram.go
	spec spectrumCache  // spectrum.go
}

// NewEngine prepares the engine for s. It fails only if s itself is invalid.
func NewEngine(lib *Library, s State) (*Engine, error) {
	e := &Engine{lib: lib}
	e.in.chainBytes = markovCacheBytes
	e.in.frames = &diffusion.Frames{MaxBytes: chainFramesBytes}
	if err := e.SetState(s); err != nil {
		return nil, err
	}
	return e, nil
}

// State is the state the engine renders.
func (e *Engine) State() State { return e.state }

// Schedule is the current schedule: one source of truth for every number
// the page shows.
func (e *Engine) Schedule() *diffusion.Schedule { return e.in.sched }

// X0 is the current picture as numbers in [−1, 1]. Its numbers are valid
// until the state's picture or size changes twice (their memory is then
// reused): copy them to keep them longer.
func (e *Engine) X0() *diffusion.Planar { return e.in.x0 }

// SetState switches the engine to n, recomputing only what changed. On error
// the engine keeps its previous state whole.
func (e *Engine) SetState(n State) error {
	old := e.state
	first := e.in.sched == nil
	sched := e.in.sched
	if first || n.Config() != old.Config() {
		s, err := diffusion.NewSchedule(n.Config())
		if err != nil {
			return err
		}
		sched = s
	}
	x0 := e.in.x0
	if first || n.Image != old.Image || n.Size != old.Size || e.reloadPicture {
		img, err := e.lib.Picture(n.Image, n.Size)
		if err != nil {
			return err
		}
		// Into the memory of the x_0 before the current one, which
		// nothing reads any more (an export copies the x_0 it keeps).
		// A buffer too small for n is made as large as the current
		// one, so that both keep the largest size shown and going back
		// to it allocates nothing.
		if need := 3 * n.Size * n.Size; cap(e.spareX0) < need {
			if e.in.x0 != nil {
				need = max(need, cap(e.in.x0.Pix))
			}
			e.spareX0 = make([]float32, 0, need)
		}
		x0 = diffusion.FromImageBuf(img, n.Size, e.spareX0)
	}
	// Nothing below can fail: commit.
	if x0 != e.in.x0 {
		e.spareX0 = nil
		if e.in.x0 != nil {
			e.spareX0 = e.in.x0.Pix
		}
	}
	e.state = n
	e.in.sched, e.in.x0, e.in.seed, e.in.secondCfg = sched, x0, n.Seed, n.SecondConfig()
	e.reloadPicture = false
	// A chain's node cache goes with its picture, seed or schedule, and
	// with the last pane that shows it, before the new ones are made; the
	// chains on screen share markovCacheBytes.
	e.in.keepChains(n)
	return nil
}

// SetUpload makes img the "upload" picture (it is shown when the state
// names it).
func (e *Engine) SetUpload(img image.Image) {
	e.lib.Upload = img
	e.reloadPicture = true
}

// markovCacheBytes is the memory the Markov chains on screen may keep in
// computed nodes of their trajectories, together: 21 frames at 512², room
// to work ahead. At 1024² (12 MB a frame) it holds 5 frames, less than a
// path (11 for T = 1000, 15 for T = 10000: 138 and 189 MB), so the
// trajectory keeps the upper nodes of the path and recomputes the lower
// ones (more bridge passes a frame, the same bits). Nodes installed from
// the workers with their RGBA frames (InstallChainFrame) keep the frame
// too (4·W·H bytes beside 12·W·H), within the same budget: 16 nodes at
// 512², 4 at 1024². Two chains (compare = schedules in the Markov mode)
// share it, each keeping at least diffusion.MinCacheFrames; a chain no
// pane shows any more is let go. The page's memory ceiling
// (MemoryCeiling) counts on it.
const markovCacheBytes = 64 << 20

// chainFramesBytes is the block the chains' frames are cut from
// (diffusion.Frames): their caches (markovCacheBytes, or the fewest frames
// two chains keep, diffusion.MinCacheFrames each, when that is more: at
// 1024², 6 × 12 MB) and room for two copies of x_0 at the largest size
// (1024²: 12 MB each), one per chain. Smaller, two chains at 1024² took a
// frame from outside it (a soak's compare = schedules: 12 MB more, for
// good). The pictures the workers send with the frames come from a second
// block of a third of this (diffusion.Frames), made at the first one.
const chainFramesBytes = max(markovCacheBytes, 2*diffusion.MinCacheFrames*3*MaxSize*MaxSize*4) + 2*3*MaxSize*MaxSize*4

// MemoryCeiling is the most WebAssembly memory the page may take, at every
// size and mode (README, "Memory"; docs/performance.md has the figures;
// TestMemoryCeiling checks it). MemoryLimit is Go's soft limit below it
// (runtime/debug.SetMemoryLimit, set by the page): the garbage collector
// works harder near it rather than grow the heap to twice what is live.
// GCPercent (runtime/debug.SetGCPercent, set by the page) lets garbage
// reach a tenth of what is live before a collection, not all of it (Go's
// default, 100): the limit alone does not bind in WebAssembly, where Go
// counts the pages it has scavenged as given back though the linear
// memory keeps them. Most of what is live is frames without pointers,
// which the collector does not scan, so collecting often is cheap:
// TestBenchBrowser's frame times at 10 were those at 25 (the soak's peak
// was 5.7 % above its warm-up's at 25). Collecting often also lets go of
// the JavaScript values Go held sooner (syscall/js releases them when Go
// collects).
const (
	MemoryCeiling = 384 << 20
	MemoryLimit   = 320 << 20
	GCPercent     = 10
)

// Prefetch works ahead in the Markov mode: it computes one node of the
// chain that showing the steps ahead (see Ahead) will need, and reports
// whether it did. In closed form, or before the chain's first frame, it
// does nothing.
func (e *Engine) Prefetch(ahead []int) bool {
	if e.state.Mode.Source().making() != makeChain {
		return false
	}
	tr, ok := e.in.chain.Peek(e.in.chainKey())
	return ok && tr.Prefetch(ahead...)
}

// PaneFrame is one pane's picture: RGBA bytes of x_0's size, valid until
// the next call of Panes.
type PaneFrame struct {
	Kind string
	RGBA []byte
}

// Panes returns the pictures of the state's panes, left to right (see
// State.Sources; the single view is one pane), and whether they changed
// since the last call. Each pane is computed in one pass, and only when
// what it shows changed.
func (e *Engine) Panes() (panes []PaneFrame, changed bool) {
	src := e.state.Sources()
	if len(e.paneFrames) != len(src) {
		// The panes' memos (and their pixels, at the largest size shown)
		// outlive a comparison with fewer panes: the next one with more
		// finds them instead of allocating.
		for len(e.panes) < len(src) {
			e.panes = append(e.panes, memo[frameKey, []byte]{})
		}
		e.paneFrames = make([]PaneFrame, len(src))
		changed = true
	}
	for i, p := range src {
		rgba, fresh := e.render(&e.panes[i], p)
		e.paneFrames[i] = PaneFrame{Kind: p.Kind, RGBA: rgba}
		changed = changed || fresh
	}
	return e.paneFrames, changed
}

// Frame returns the RGBA bytes of x_t for the current t and mode (W·H·4
// bytes, valid until the next call), and whether they changed since the
// last call.
func (e *Engine) Frame() (rgba []byte, changed bool) {
	return e.render(&e.frame, e.state.Mode.Source())
}

// render brings m up to date with the picture of src at the current t.
func (e *Engine) render(m *memo[frameKey, []byte], src Source) (rgba []byte, fresh bool) {
	key := e.in.frameKey(src, e.state.Step)
	fresh = !m.Has(key)
	rgba = m.Get(key, func(buf []byte) []byte {
		buf = grow(buf, 4*e.in.x0.N())
		e.in.rgba(src, e.state.Step, buf)
		return buf
	})
	return rgba, fresh
}

// Xt computes x_t as numbers (not bytes) for the current t and mode (valid
// until the next call).
func (e *Engine) Xt() []float32 {
	e.in.scratch = e.in.values(e.state.Mode.Source(), e.state.Step, e.in.scratch, 1)
	return e.in.scratch
}

// FrameStats are the statistics of the x_t on screen: window.ddpm.stats().
type FrameStats struct {
	Step int     `json:"t"`
	N    int     `json:"n"` // 3·H·W numbers
	Mean JSFloat `json:"mean"`
	Std  JSFloat `json:"std"`
	Min  JSFloat `json:"min"`
	Max  JSFloat `json:"max"`
	KS   JSFloat `json:"ks"` // Kolmogorov–Smirnov distance to N(0, 1)

	// The schedule's side of the instruments (histogram.go):
	RightStd       JSFloat `json:"rightStd"`       // √(1−ᾱ_t), the std of the noise in x_t
	WrongSumStd    JSFloat `json:"wrongSumStd"`    // Σ_s √(ᾱ_t/ᾱ_s)·√β_s, what (A+B)ε would give
	ResidualSignal JSFloat `json:"residualSignal"` // √ᾱ_T, the picture's weight left in x_T
	KL             JSFloat `json:"kl"`             // KL(q(x_T|x_0) ‖ N(0, I)) per number, nats
	Crossing       JSFloat `json:"crossing"`       // t where √ᾱ_t = √(1−ᾱ_t); null if never

	// Pane is the kind of the pane LiveStats describes (State.XtPane);
	// empty in Stats.
	Pane string `json:"pane,omitempty"`
}

// Stats summarises the current x_t.
func (e *Engine) Stats() FrameStats {
	s := diffusion.Summarize(e.Xt())
	t, sc := e.state.Step, e.in.sched
	return FrameStats{Step: t, N: s.N, Mean: JSFloat(s.Mean), Std: JSFloat(s.Std),
		Min: JSFloat(s.Min), Max: JSFloat(s.Max), KS: JSFloat(s.KS),
		RightStd: JSFloat(sc.SqrtOneMinusAlphaBar(t)), WrongSumStd: JSFloat(sc.WrongSumStd(t)),
		ResidualSignal: JSFloat(sc.SqrtAlphaBar(sc.T)), KL: JSFloat(e.KL()), Crossing: JSFloat(sc.SignalNoiseCrossing())}
}

// LiveStats is Stats from at most MaxSampled of the numbers of x_t (every
// stride-th, as the histogram samples them), cheap enough for the page's
// live line at every size: at 1024² the full Stats takes longer than a
// frame in WebAssembly (docs/performance.md times Summarize at 512²;
// 1024² has four times the numbers). Pictures of up to 209² are read whole;
// for larger ones mean and std are estimates from 2¹⁷ values and KS carries
// a sampling error of order 1/√(2¹⁷) ≈ 0.003. window.ddpm.stats() stays
// exact. In a comparison it describes the pane that shows x_t
// (State.XtPane, named in Pane), never x_0 or the wrong sum.
func (e *Engine) LiveStats() FrameStats {
	c := &e.hist
	src := e.state.Sources()[e.state.XtPane()]
	c.sample = e.in.values(src, e.state.Step, c.sample, SampleStride(len(e.in.x0.Pix)))
	s := diffusion.Summarize(c.sample)
	return FrameStats{Step: e.state.Step, N: s.N, Mean: JSFloat(s.Mean), Std: JSFloat(s.Std),
		Min: JSFloat(s.Min), Max: JSFloat(s.Max), KS: JSFloat(s.KS), Pane: src.Kind}
}

// Readout is what the page prints next to the picture for the current t.
type Readout struct {
	Step                 int     `json:"t"`
	T                    int     `json:"T"`
	Beta                 JSFloat `json:"beta"`
	Alpha                JSFloat `json:"alpha"`
	AlphaBar             JSFloat `json:"alphaBar"`
	SqrtAlphaBar         JSFloat `json:"sqrtAlphaBar"`
	SqrtOneMinusAlphaBar JSFloat `json:"sqrtOneMinusAlphaBar"`
	OneMinusAlphaBar     JSFloat `json:"oneMinusAlphaBar"` // 1 − ᾱ_t without cancellation
	SNR                  JSFloat `json:"snr"`
	LogSNR               JSFloat `json:"logSNR"`
	PosteriorVariance    JSFloat `json:"posteriorVariance"` // β̃_t; 0 at t = 0 by convention
	Width                int     `json:"width"`             // x_0's processing size
	Height               int     `json:"height"`
}

// Readout gives the schedule's numbers at the current t.
func (e *Engine) Readout() Readout {
	t, s := e.state.Step, e.in.sched
	r := Readout{
		Step: t, T: s.T,
		Beta: JSFloat(s.Beta[t]), Alpha: JSFloat(s.Alpha[t]), AlphaBar: JSFloat(s.AlphaBar[t]),
		SqrtAlphaBar: JSFloat(s.SqrtAlphaBar(t)), SqrtOneMinusAlphaBar: JSFloat(s.SqrtOneMinusAlphaBar(t)),
		OneMinusAlphaBar: JSFloat(s.OneMinusAlphaBar(t)),
		SNR:              JSFloat(s.SNR(t)), LogSNR: JSFloat(s.LogSNR(t)),
		Width: e.in.x0.W, Height: e.in.x0.H,
	}
	if t >= 1 {
		r.PosteriorVariance = JSFloat(s.PosteriorVariance(t))
	}
	return r
}

// ScheduleTable is window.ddpm.schedule(): arrays of length T, index i ↔
// t = i + 1.
type ScheduleTable struct {
	T                 int       `json:"T"`
	Beta              []JSFloat `json:"beta"`
	Alpha             []JSFloat `json:"alpha"`
	AlphaBar          []JSFloat `json:"alphaBar"`
	SNR               []JSFloat `json:"snr"`
	PosteriorVariance []JSFloat `json:"posteriorVariance"`
	// The posterior mean μ̃_t = PosteriorMeanCoefX0·x_0 + PosteriorMeanCoefXt·x_t
	// (Ho et al. eq. 7; reverse.Posterior's C0 and Ct).
	PosteriorMeanCoefX0 []JSFloat `json:"posteriorMeanCoefX0"`
	PosteriorMeanCoefXt []JSFloat `json:"posteriorMeanCoefXt"`
}

// Table returns the current schedule as arrays.
func (e *Engine) Table() ScheduleTable {
	s := e.in.sched
	tab := ScheduleTable{T: s.T}
	post := reverse.NewPosterior(s)
	for t := 1; t <= s.T; t++ {
		tab.PosteriorMeanCoefX0 = append(tab.PosteriorMeanCoefX0, JSFloat(post.C0[t]))
		tab.PosteriorMeanCoefXt = append(tab.PosteriorMeanCoefXt, JSFloat(post.Ct[t]))
		tab.Beta = append(tab.Beta, JSFloat(s.Beta[t]))
		tab.Alpha = append(tab.Alpha, JSFloat(s.Alpha[t]))
		tab.AlphaBar = append(tab.AlphaBar, JSFloat(s.AlphaBar[t]))
		tab.SNR = append(tab.SNR, JSFloat(s.SNR(t)))
		tab.PosteriorVariance = append(tab.PosteriorVariance, JSFloat(s.PosteriorVariance(t)))
	}
	return tab
}

// JSFloat is a float64 whose JSON is what JavaScript's JSON.parse turns
// back into the same number: ±Inf as ±1e999 (which JSON.parse reads as
// ±Infinity) and NaN as null. Finite values keep every bit.
type JSFloat float64

// MarshalJSON implements json.Marshaler.
func (f JSFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte("null"), nil
	case math.IsInf(v, 1):
		return []byte("1e999"), nil
	case math.IsInf(v, -1):
		return []byte("-1e999"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// String formats f for messages.
func (f JSFloat) String() string { return fmt.Sprint(float64(f)) }

func jsFloats(x []float64) []JSFloat {
	out := make([]JSFloat, len(x))
	for i, v := range x {
		out[i] = JSFloat(v)
	}
	return out
}
