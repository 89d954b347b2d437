package compute

import (
	"fmt"
	"strconv"

	"dissolve/diffusion"
)

// ChainArgs are Chain's arguments: the nodes n_t at the steps Ts of the
// forward Markov chain (diffusion.Trajectory) of a Width×Height picture
// (three planes) under the schedule, with the noise of Seed.
type ChainArgs struct {
	ScheduleArgs
	Seed   uint64 `json:"seed"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Ts     []int  `json:"ts"`
}

// ChainResult is Chain's answer. Noise holds the nodes one after the
// other, node k (of step Ts[k]) at [k·D, (k+1)·D), D = 3·Width·Height.
// Key is the trajectory's NoiseKey in 16 hex digits: the page's core
// installs a node only into a trajectory with the same key.
type ChainResult struct {
	Key      string    `json:"key"`
	Width    int       `json:"width"`
	Height   int       `json:"height"`
	Ts       []int     `json:"ts"`
	Computed int       `json:"computed"` // bridge passes this request cost
	Noise    []float32 `json:"-"`
}

// Arrays are the result's typed arrays.
func (r *ChainResult) Arrays() map[string]any { return map[string]any{"noise": r.Noise} }

// MaxChainSide is the longest side Chain accepts (the page's largest
// processing size is 1024).
const MaxChainSide = 2048

// MaxChainSteps is the most steps one Chain request may ask for.
const MaxChainSteps = 64

// chainCacheBytes is the memory one kept trajectory may hold in nodes:
// the path to a step and the steps ahead of it (16 frames at 512²).
const chainCacheBytes = 48 << 20

// keptChains bounds Engine.chains: the state's schedule and a comparison's
// second one.
const keptChains = 2

type chainKey struct {
	cfg  diffusion.Config
	seed uint64
	w, h int
}

type keptChain struct {
	key chainKey
	tr  *diffusion.Trajectory
}

// Chain computes the nodes n_t of the forward chain at the steps a.Ts with
// the worker's own diffusion.Trajectory, kept between requests (the last
// keptChains of them), so that consecutive steps share their ancestors. A
// node does not depend on x_0, so no picture is sent: the page adds
// √ᾱ_t·x_0. The bits are those of the page's own trajectory.
func (e *Engine) Chain(a ChainArgs) (*ChainResult, error) {
	s, err := diffusion.NewSchedule(a.Config())
	if err != nil {
		return nil, err
	}
	if err := checkSeed("seed", a.Seed); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"width", a.Width}, {"height", a.Height}} {
		if f.v < 1 || f.v > MaxChainSide {
			return nil, &diffusion.ParamError{Field: f.name, Allowed: fmt.Sprintf("an integer in 1..%d", MaxChainSide), Got: strconv.Itoa(f.v)}
		}
	}
	if len(a.Ts) < 1 || len(a.Ts) > MaxChainSteps {
		return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("a list of 1..%d steps", MaxChainSteps), Got: fmt.Sprintf("%d steps", len(a.Ts))}
	}
	for _, t := range a.Ts {
		if t < 1 || t > s.T {
			return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("steps in 1..%d (T)", s.T), Got: strconv.Itoa(t)}
		}
	}
	tr := e.chain(chainKey{a.Config(), a.Seed, a.Width, a.Height}, s)
	d := 3 * a.Width * a.Height
	r := &ChainResult{Key: fmt.Sprintf("%016x", tr.NoiseKey()), Width: a.Width, Height: a.Height, Ts: a.Ts,
		Noise: make([]float32, len(a.Ts)*d)}
	before := tr.Computed()
	for k, t := range a.Ts {
		copy(r.Noise[k*d:(k+1)*d], tr.Noise(t))
	}
	r.Computed = tr.Computed() - before
	return r, nil
}

// chain returns the kept trajectory of k, or a new one (evicting the least
// recently used).
func (e *Engine) chain(k chainKey, s *diffusion.Schedule) *diffusion.Trajectory {
	for i, c := range e.chains {
		if c.key == k {
			copy(e.chains[1:i+1], e.chains[:i]) // most recent first
			e.chains[0] = c
			return c.tr
		}
	}
	d := 3 * k.w * k.h
	tr := diffusion.NewTrajectory(s, make([]float32, d), k.seed)
	tr.SetCacheFrames(chainCacheBytes / (4 * d))
	if len(e.chains) < keptChains {
		e.chains = append(e.chains, keptChain{})
	}
	copy(e.chains[1:], e.chains)
	e.chains[0] = keptChain{k, tr}
	return tr
}
