package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"dissolve/diffusion"
)

// Feeding the Markov chain from the compute workers.
//
// A node n_t of a diffusion.Trajectory depends only on the schedule, the
// seed and the frame's size (not on x_0), so the page's workers compute
// the nodes of the coming steps (the compute op chain) and the page's core
// installs them (diffusion.Trajectory.Install): showing step t then costs
// only x_t = √ᾱ_t·x_0 + n_t → RGBA. A worker that holds x_0 (sent once per
// picture, keyed by its diffusion.PictureKey) also converts x_t to RGBA,
// and InstallChainFrame installs the picture with the node: showing step t
// then costs a copy (diffusion.Trajectory.InstallFrame), while the node
// still gives x_t's numbers to the statistics and instruments. ChainWants
// says which nodes the chains on screen lack, InstallChain and
// InstallChainFrame put one in, ChainReady says whether a step can be
// shown without computing.

// WorkerAheadFrames is how many coming steps on the Markov stride the
// workers compute for while the page plays: 16 strides, 32 steps at the
// default speed (0.16 s of playing).
const WorkerAheadFrames = 16

// WorkerAhead returns the steps a playing page reaches next, in order,
// for the workers to compute: every step on the Markov stride (every step
// when the chain is a comparison's pane in the closed form) for the next
// WorkerAheadFrames strides after s.Step, whatever steps the frame rate
// makes the clock pick, through T and on from the loop's start.
func WorkerAhead(s State) []int {
	st := 1
	if s.Mode == Markov {
		st = MarkovStride(s.Speed)
	}
	out := make([]int, 0, WorkerAheadFrames)
	for u := s.Step / st * st; len(out) < WorkerAheadFrames; {
		if u += st; u >= s.T {
			if len(out) > 0 && out[len(out)-1] == s.T || s.Step == s.T {
				u = st // past T the loop starts again from 0 (x_0 needs no node)
			} else {
				u = s.T
			}
		}
		out = append(out, u)
	}
	return out
}

// ChainWant is one chain on screen whose nodes the workers should compute:
// the compute op chain's arguments, and Key, the trajectory's NoiseKey in 16
// hex digits (a result for another key is stale).
type ChainWant struct {
	Key             string  `json:"key"`
	Schedule        string  `json:"schedule"`
	T               int     `json:"T"`
	BetaStart       float64 `json:"betaStart"`
	BetaEnd         float64 `json:"betaEnd"`
	ZeroTerminalSNR bool    `json:"zeroTerminalSNR"`
	Seed            uint32  `json:"seed"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`
	Ts              []int   `json:"ts"` // the steps ahead whose nodes are not cached, nearest first
	// Picture is x_0's diffusion.PictureKey in 16 hex digits: a worker
	// holding that picture (ChainPicture) sends x_t's RGBA too.
	Picture string `json:"picture"`
}

// chains returns the trajectories of the chain panes on screen and their
// schedules (none in the reverse direction, or before their first frame).
func (e *Engine) chains() (trs []*diffusion.Trajectory, cfgs []diffusion.Config) {
	if e.state.Direction == Reverse {
		return nil, nil
	}
	for _, src := range e.state.Sources() {
		if src.making() != makeChain {
			continue
		}
		m, cfg := &e.in.chain, e.in.sched.Config
		if src.Second {
			m, cfg = &e.in.secondChain, e.in.secondCfg
		}
		s := e.in.schedule(src.Second)
		if tr, ok := m.Peek(chainKey{s, e.in.x0, e.in.seed}); ok && !slices.Contains(trs, tr) {
			trs, cfgs = append(trs, tr), append(cfgs, cfg)
		}
	}
	return trs, cfgs
}

// ChainWants returns, for each chain on screen, the steps of ahead (those
// the next frames show, nearest first) whose nodes it lacks, at most as
// many as its cache can hold beside the step shown.
func (e *Engine) ChainWants(ahead []int) []ChainWant {
	trs, cfgs := e.chains()
	out := make([]ChainWant, 0, len(trs))
	for i, tr := range trs {
		w := ChainWant{Key: fmt.Sprintf("%016x", tr.NoiseKey()), Schedule: cfgs[i].Schedule, T: cfgs[i].T,
			BetaStart: cfgs[i].BetaStart, BetaEnd: cfgs[i].BetaEnd, ZeroTerminalSNR: cfgs[i].ZeroTerminalSNR,
			Seed: e.in.seed, Width: e.in.x0.W, Height: e.in.x0.H, Ts: []int{},
			Picture: fmt.Sprintf("%016x", tr.PictureKey())}
		room := max(1, tr.CacheLimit()-2)
		for _, t := range ahead {
			if len(w.Ts) == room {
				break
			}
			if t >= 1 && t <= cfgs[i].T && !tr.Has(t) && !slices.Contains(w.Ts, t) {
				w.Ts = append(w.Ts, t)
			}
		}
		out = append(out, w)
	}
	return out
}

// ErrStaleNode is InstallChain's answer for a node no chain on screen
// wants any more: another picture, seed or schedule, or a step already
// passed.
var ErrStaleNode = errors.New("the node is stale: no chain on screen wants it")

// InstallChain installs node n_t computed by a worker whose trajectory's
// NoiseKey is key (16 hex digits) into the chain on screen with that key,
// keeping the nodes of ahead and of the step shown. A node of a chain not
// on screen, or of a step that is neither shown nor ahead, is refused with
// ErrStaleNode; a wrong size with Trajectory.Install's error.
func (e *Engine) InstallChain(key string, t int, n []float32, ahead []int) error {
	tr, k, err := e.chainFor(key, t, ahead)
	if err != nil {
		return err
	}
	return tr.Install(k, t, n, append(ahead, e.state.Step)...)
}

// InstallChainFrame is InstallChain with x_t's picture: rgba (4·W·H
// bytes) converted by a worker from the x_0 whose PictureKey is pic (16
// hex digits), shown then by a copy (diffusion.Trajectory.InstallFrame);
// framed says the picture was kept. A picture of another x_0 (the page
// changed it, same size, while the worker ran) is left out and the node,
// which does not depend on x_0, installed alone.
func (e *Engine) InstallChainFrame(key, pic string, t int, n []float32, rgba []byte, ahead []int) (framed bool, err error) {
	tr, k, err := e.chainFor(key, t, ahead)
	if err != nil {
		return false, err
	}
	p, err := strconv.ParseUint(pic, 16, 64)
	if err != nil || len(pic) != 16 {
		return false, fmt.Errorf("picture key must be 16 hex digits, got %q", pic)
	}
	keep := append(ahead, e.state.Step)
	if p != tr.PictureKey() {
		return false, tr.Install(k, t, n, keep...)
	}
	return true, tr.InstallFrame(k, p, t, n, rgba, keep...)
}

// ChainPicture returns x_0, whose PictureKey is pic (16 hex digits), for
// the workers to convert frames with (ChainWant.Picture); ErrStaleNode if
// the chains on screen are of another picture.
func (e *Engine) ChainPicture(pic string) ([]float32, error) {
	trs, _ := e.chains()
	for _, tr := range trs {
		if fmt.Sprintf("%016x", tr.PictureKey()) == pic {
			return e.in.x0.Pix, nil
		}
	}
	return nil, ErrStaleNode
}

// ChainFramesShown returns how many frames the chains on screen have
// shown from pictures the workers converted (InstallChainFrame).
func (e *Engine) ChainFramesShown() int {
	return e.sumChains((*diffusion.Trajectory).FramesShown)
}

// sumChains adds up f over the chains on screen.
func (e *Engine) sumChains(f func(*diffusion.Trajectory) int) int {
	trs, _ := e.chains()
	n := 0
	for _, tr := range trs {
		n += f(tr)
	}
	return n
}

// ChainAccepts says whether InstallChain would take node t of key (given
// the right size and room): nil, ErrStaleNode or a bad key. The page asks
// before copying the node's megabytes.
func (e *Engine) ChainAccepts(key string, t int, ahead []int) error {
	_, _, err := e.chainFor(key, t, ahead)
	return err
}

// chainFor returns the chain on screen whose NoiseKey is key, if it wants
// node t (the step shown, or one of ahead).
func (e *Engine) chainFor(key string, t int, ahead []int) (*diffusion.Trajectory, uint64, error) {
	k, err := strconv.ParseUint(key, 16, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("chain key must be 16 hex digits, got %q", key)
	}
	if t != e.state.Step && !slices.Contains(ahead, t) {
		return nil, 0, ErrStaleNode
	}
	trs, _ := e.chains()
	for _, tr := range trs {
		if tr.NoiseKey() == k {
			return tr, k, nil
		}
	}
	return nil, 0, ErrStaleNode
}

// ChainReady reports whether every chain on screen can show step t without
// computing a node (t = 0 is x_0 itself).
func (e *Engine) ChainReady(t int) bool {
	if t == 0 {
		return true
	}
	trs, _ := e.chains()
	for _, tr := range trs {
		if !tr.Has(t) {
			return false
		}
	}
	return true
}

// ChainComputed returns how many nodes the chains on screen have computed
// themselves (on the page's main thread) since they were made.
func (e *Engine) ChainComputed() int {
	return e.sumChains((*diffusion.Trajectory).Computed)
}

// ChainBytes returns the memory the engine's chains keep in computed nodes,
// whether a pane shows them or not: the chains the state reads share
// markovCacheBytes (each keeping at least diffusion.MinCacheFrames), and a
// chain no pane shows is let go (paneInputs.keepChains).
func (e *Engine) ChainBytes() int {
	n := 0
	for _, m := range []*memo[chainKey, *diffusion.Trajectory]{&e.in.chain, &e.in.secondChain} {
		if m.ok {
			n += m.val.CacheBytes()
		}
	}
	return n
}
