package app

import (
	"fmt"
	"image"
	"math"
	"strconv"

	"dissolve/diffusion"
)

// Engine turns a State into pixels. It caches what each part of the state
// decides, and redoes only what a change touches:
//
//	schedule (T, β range, name, zero-terminal SNR) → β, α, ᾱ tables
//	picture and size                               → x_0
//	seed and size                                  → ε (closed form), trajectory (Markov)
//	t and mode                                     → x_t → RGBA (one pass)
//
// An Engine is not safe for concurrent use; the game owns it.
type Engine struct {
	lib   *Library
	state State

	sched *diffusion.Schedule
	x0    *diffusion.Planar
	eps   []float32
	traj  *diffusion.Trajectory

	reloadPicture bool // a new upload replaced the picture named "upload"

	rgba      []byte    // the frame for drawnStep
	drawnStep int       // t of rgba, or −1 when rgba is stale
	xt        []float32 // scratch: x_t as numbers, for statistics

	compare     *compareCache    // side-by-side panes (compare.go)
	instruments *instrumentCache // histogram, spectrum (instruments.go)
}

// NewEngine prepares the engine for s. It fails only if s itself is invalid.
func NewEngine(lib *Library, s State) (*Engine, error) {
	e := &Engine{lib: lib, drawnStep: -1}
	if err := e.SetState(s); err != nil {
		return nil, err
	}
	return e, nil
}

// State is the state the engine renders.
func (e *Engine) State() State { return e.state }

// Schedule is the current schedule: one source of truth for every number
// the page shows.
func (e *Engine) Schedule() *diffusion.Schedule { return e.sched }

// X0 is the current picture as numbers in [−1, 1].
func (e *Engine) X0() *diffusion.Planar { return e.x0 }

// SetState switches the engine to n, recomputing only what changed. On error
// the engine keeps its previous state whole.
func (e *Engine) SetState(n State) error {
	old := e.state
	first := e.sched == nil
	sched := e.sched
	if first || n.Config() != old.Config() {
		s, err := diffusion.NewSchedule(n.Config())
		if err != nil {
			return err
		}
		sched = s
	}
	x0 := e.x0
	if first || n.Image != old.Image || n.Size != old.Size || e.reloadPicture {
		img, err := e.lib.Picture(n.Image, n.Size)
		if err != nil {
			return err
		}
		x0 = diffusion.FromImage(img, n.Size)
	}
	// Nothing below can fail: commit.
	pictureChanged := x0 != e.x0
	scheduleChanged := sched != e.sched
	e.sched, e.x0, e.state = sched, x0, n
	e.reloadPicture = false
	if pictureChanged || n.Seed != old.Seed || first {
		e.eps = nil
		e.traj = nil
	}
	if scheduleChanged {
		e.traj = nil
	}
	if first || pictureChanged || scheduleChanged || n.Seed != old.Seed || n.Mode != old.Mode {
		e.drawnStep = -1
	}
	return nil
}

// SetUpload makes img the "upload" picture (it is shown when the state
// names it).
func (e *Engine) SetUpload(img image.Image) {
	e.lib.Upload = img
	e.reloadPicture = true
}

func (e *Engine) noise() diffusion.Noise { return diffusion.Noise{Seed: uint64(e.state.Seed)} }

// closedFormEps is ε of the closed form, one fixed draw per (seed, size).
func (e *Engine) closedFormEps() []float32 {
	if e.eps == nil {
		e.eps = make([]float32, len(e.x0.Pix))
		e.noise().Fill(e.eps, 0)
	}
	return e.eps
}

// markovCacheBytes is the memory the Markov mode may keep in computed nodes
// of its trajectory: 21 frames at 512², room to work ahead. At 1024² (12 MB
// a frame) it holds less than a path, so the trajectory keeps just the path
// to the step shown (11 frames for T = 1000).
const markovCacheBytes = 64 << 20

func (e *Engine) trajectory() *diffusion.Trajectory {
	if e.traj == nil {
		e.traj = diffusion.NewTrajectory(e.sched, e.x0.Pix, uint64(e.state.Seed))
		e.traj.SetCacheFrames(markovCacheBytes / (4 * max(1, len(e.x0.Pix))))
	}
	return e.traj
}

// Prefetch works ahead in the Markov mode: it computes one node of the
// chain that showing the steps ahead (see Ahead) will need, and reports
// whether it did. In closed form, or before the chain's first frame, it
// does nothing.
func (e *Engine) Prefetch(ahead []int) bool {
	if e.state.Mode != Markov || e.traj == nil {
		return false
	}
	return e.traj.Prefetch(ahead...)
}

// Frame returns the RGBA bytes of x_t for the current t (W·H·4 bytes, valid
// until the next call), and whether they changed since the last call.
func (e *Engine) Frame() (rgba []byte, changed bool) {
	t := e.state.Step
	if len(e.rgba) != 4*e.x0.N() {
		e.rgba = make([]byte, 4*e.x0.N())
		e.drawnStep = -1
	}
	if e.drawnStep == t {
		return e.rgba, false
	}
	switch e.state.Mode {
	case Markov:
		e.trajectory().RGBAAt(t, e.rgba)
	default:
		a, b := e.sched.SqrtAlphaBar(t), e.sched.SqrtOneMinusAlphaBar(t)
		diffusion.ClosedFormRGBA(e.rgba, e.x0.Pix, e.closedFormEps(), float32(a), float32(b))
	}
	e.drawnStep = t
	return e.rgba, true
}

// Xt computes x_t as numbers (not bytes) for the current t and mode.
func (e *Engine) Xt() []float32 {
	if len(e.xt) != len(e.x0.Pix) {
		e.xt = make([]float32, len(e.x0.Pix))
	}
	t := e.state.Step
	switch e.state.Mode {
	case Markov:
		e.trajectory().At(t, e.xt)
	default:
		a, b := e.sched.SqrtAlphaBar(t), e.sched.SqrtOneMinusAlphaBar(t)
		diffusion.ClosedForm(e.xt, e.x0.Pix, e.closedFormEps(), float32(a), float32(b))
	}
	return e.xt
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

	// The schedule's side of the instruments (instruments.go):
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
	t, sc := e.state.Step, e.sched
	return FrameStats{Step: t, N: s.N, Mean: JSFloat(s.Mean), Std: JSFloat(s.Std),
		Min: JSFloat(s.Min), Max: JSFloat(s.Max), KS: JSFloat(s.KS),
		RightStd: JSFloat(sc.SqrtOneMinusAlphaBar(t)), WrongSumStd: JSFloat(sc.WrongSumStd(t)),
		ResidualSignal: JSFloat(sc.SqrtAlphaBar(sc.T)), KL: JSFloat(e.KL()), Crossing: JSFloat(sc.SignalNoiseCrossing())}
}

// LiveStats is Stats from at most MaxSampled of the numbers of x_t (every
// stride-th, as the histogram samples them), cheap enough for the page's
// live line at every size: at 1024² the full Stats costs about 27 ms in
// WebAssembly, more than a frame. Pictures of up to 209² are read whole;
// for larger ones mean and std are estimates from 2¹⁷ values and KS carries
// a sampling error of order 1/√(2¹⁷) ≈ 0.003. window.ddpm.stats() stays
// exact. In a comparison it describes the pane that shows x_t
// (State.XtPane, named in Pane), never x_0 or the wrong sum.
func (e *Engine) LiveStats() FrameStats {
	c := e.inst()
	kind := e.state.PaneKinds()[e.state.XtPane()]
	c.sample = e.paneValues(kind, c.sample, SampleStride(len(e.x0.Pix)))
	s := diffusion.Summarize(c.sample)
	return FrameStats{Step: e.state.Step, N: s.N, Mean: JSFloat(s.Mean), Std: JSFloat(s.Std),
		Min: JSFloat(s.Min), Max: JSFloat(s.Max), KS: JSFloat(s.KS), Pane: kind}
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
	SNR                  JSFloat `json:"snr"`
	LogSNR               JSFloat `json:"logSNR"`
	PosteriorVariance    JSFloat `json:"posteriorVariance"` // β̃_t; 0 at t = 0 by convention
	Width                int     `json:"width"`             // x_0's processing size
	Height               int     `json:"height"`
}

// Readout gives the schedule's numbers at the current t.
func (e *Engine) Readout() Readout {
	t, s := e.state.Step, e.sched
	r := Readout{
		Step: t, T: s.T,
		Beta: JSFloat(s.Beta[t]), Alpha: JSFloat(s.Alpha[t]), AlphaBar: JSFloat(s.AlphaBar[t]),
		SqrtAlphaBar: JSFloat(s.SqrtAlphaBar(t)), SqrtOneMinusAlphaBar: JSFloat(s.SqrtOneMinusAlphaBar(t)),
		SNR: JSFloat(s.SNR(t)), LogSNR: JSFloat(s.LogSNR(t)),
		Width: e.x0.W, Height: e.x0.H,
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
}

// Table returns the current schedule as arrays.
func (e *Engine) Table() ScheduleTable {
	s := e.sched
	tab := ScheduleTable{T: s.T}
	for t := 1; t <= s.T; t++ {
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
