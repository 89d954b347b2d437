package compute

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"dissolve/diffusion"
)

// ChainArgs are Chain's arguments: the nodes n_t at the steps Ts of the
// forward Markov chain (diffusion.Trajectory) of a Width×Height picture
// (three planes) under the schedule, with the noise of Seed. Picture, if
// not empty, is the PictureKey (16 hex digits) of an x_0 sent with the
// picture op: the answer then holds x_t's RGBA beside each node.
type ChainArgs struct {
	ScheduleArgs
	Seed    uint64 `json:"seed"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Ts      []int  `json:"ts"`
	Picture string `json:"picture"`
}

// ChainResult is Chain's answer. Noise holds the nodes one after the
// other, node k (of step Ts[k]) at [k·D, (k+1)·D), D = 3·Width·Height.
// Key is the trajectory's NoiseKey in 16 hex digits: the page's core
// installs a node only into a trajectory with the same key. When the
// request named a picture the worker holds, Picture is its key and RGBA
// holds x_t = √ᾱ_t·x_0 + n_t of each step as RGBA bytes
// (diffusion.ClosedFormRGBA: the bytes the page's own conversion gives),
// frame k at [k·4·W·H, (k+1)·4·W·H); otherwise Picture is empty and RGBA
// nil (the page converts, and sends the picture again). Noise and RGBA
// are the engine's buffers, valid until its next Chain.
type ChainResult struct {
	Key      string    `json:"key"`
	Width    int       `json:"width"`
	Height   int       `json:"height"`
	Ts       []int     `json:"ts"`
	Computed int       `json:"computed"` // bridge passes this request cost
	Picture  string    `json:"picture"`
	Noise    []float32 `json:"-"`
	RGBA     []byte    `json:"-"`
}

// Arrays are the result's typed arrays.
func (r *ChainResult) Arrays() map[string]any {
	m := map[string]any{"noise": r.Noise}
	if r.RGBA != nil {
		m["rgba"] = r.RGBA
	}
	return m
}

// MaxChainSide is the longest side Chain and Picture accept: the page's
// largest processing size. (At it, the budget ChainBytes holds the
// fewest nodes a trajectory needs and the picture with room to spare.)
const MaxChainSide = 1024

// MaxChainSteps is the most steps one Chain request may ask for.
const MaxChainSteps = 64

// ChainReplyBytes bounds one Chain answer (its nodes and pictures): 48 MiB,
// 12 steps at 512², 3 at 1024² with pictures. The page asks for two.
const ChainReplyBytes = 48 << 20

// ChainBytes is one worker's memory budget for the Markov chain, the
// default of Engine.SetChainBudget: the nodes cached by all its kept
// trajectories together, and the picture it converts frames with
// (12·W·H bytes each). The kept trajectories share what the picture leaves
// equally, each at most chainShareBytes; a trajectory needs
// diffusion.MinCacheFrames nodes, so when the shares cannot hold that the
// least recently used trajectories are dropped (at 1024², 12 MB a node,
// two trajectories keep 3 nodes each).
const ChainBytes = 96 << 20

// MemoryLimit is the Go soft memory limit a worker sets
// (runtime/debug.SetMemoryLimit, wasm/worker): the collector works harder
// near it instead of letting the heap grow to twice what is live, which
// a worker's WebAssembly memory, never returned, would keep for good.
// What is live is ChainBytes for the chain, one answer (ChainReplyBytes),
// and the reverse process's data sets and runs (tens of MiB).
const MemoryLimit = 256 << 20

// GCPercent is the worker's runtime/debug.SetGCPercent: garbage may reach
// a tenth of what is live before a collection, not all of it (Go's
// default, 100). The limit alone does not bind in WebAssembly, where Go
// counts the pages it has scavenged as given back though the linear
// memory keeps them; a worker's memory grew from 296 to 332 MB in a
// soak's last eight minutes without it, and at 25 it still climbed by a
// quarter of the live heap's headroom (some 15 MB) after the soak's
// warm-up, as reverse runs' garbage met chains'. What is live is mostly
// frames without pointers, which the collector does not scan: the
// reverse process's benchmarks ran as fast at 10 as at 25.
const GCPercent = 10

// chainShareBytes caps one trajectory's cache: more than a whole path at
// 512² (11 nodes of 3 MB), so a worker walking runs of nearby steps
// computes about one node a step.
const chainShareBytes = 48 << 20

// keptChains bounds Engine.chains: the state's schedule and a comparison's
// second one.
const keptChains = 2

// chainFramesBytes is the worker's block of chain frames (Engine.frames):
// the budget's nodes and two copies of x_0 (the trajectories' own, zeros:
// a node does not depend on x_0) at the largest side a worker accepts.
const chainFramesBytes = ChainBytes + 2*3*MaxChainSide*MaxChainSide*4

type chainKey struct {
	cfg  diffusion.Config
	seed uint64
	w, h int
}

type keptChain struct {
	key chainKey
	tr  *diffusion.Trajectory
}

// heldPicture is the x_0 a worker converts frames with (the picture op).
type heldPicture struct {
	key  uint64
	w, h int
	pix  []float32
}

// PictureArgs are Picture's arguments besides the picture's bytes.
type PictureArgs struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// PictureResult is Picture's answer: the picture's diffusion.PictureKey in
// 16 hex digits, for Chain's picture field.
type PictureResult struct {
	Key string `json:"key"`
}

// Picture keeps x_0, Width×Height×3 float32s (planar, little-endian: the
// page's core's own numbers), so that Chain can convert the frames of the
// steps it computes: one picture, replacing the one before.
func (e *Engine) Picture(a PictureArgs, b []byte) (*PictureResult, error) {
	if err := checkSide(a.Width, a.Height); err != nil {
		return nil, err
	}
	d := 3 * a.Width * a.Height
	if len(b) != 4*d {
		return nil, &diffusion.ParamError{Field: "bytes", Allowed: fmt.Sprintf("%d bytes (3·width·height float32s)", 4*d), Got: strconv.Itoa(len(b))}
	}
	e.picture = nil
	e.pictureBuf = grow(e.pictureBuf, d) // the largest size's: no new 12 MB per picture
	pix := e.pictureBuf
	for i := range pix {
		pix[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	e.picture = &heldPicture{key: diffusion.PictureKey(pix), w: a.Width, h: a.Height, pix: pix}
	e.fitChains()
	return &PictureResult{Key: fmt.Sprintf("%016x", e.picture.key)}, nil
}

func checkSide(w, h int) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"width", w}, {"height", h}} {
		if f.v < 1 || f.v > MaxChainSide {
			return &diffusion.ParamError{Field: f.name, Allowed: fmt.Sprintf("an integer in 1..%d", MaxChainSide), Got: strconv.Itoa(f.v)}
		}
	}
	return nil
}

// Chain computes the nodes n_t of the forward chain at the steps a.Ts with
// the worker's own diffusion.Trajectory, kept between requests (the last
// keptChains of them, within the budget ChainBytes), so that consecutive
// steps share their ancestors. A node does not depend on x_0: with no
// picture the page adds √ᾱ_t·x_0 itself; with a.Picture the worker does,
// and converts x_t to RGBA. The bits are those of the page's own
// trajectory.
func (e *Engine) Chain(a ChainArgs) (*ChainResult, error) {
	s, err := diffusion.NewSchedule(a.Config())
	if err != nil {
		return nil, err
	}
	if err := checkSeed("seed", a.Seed); err != nil {
		return nil, err
	}
	if err := checkSide(a.Width, a.Height); err != nil {
		return nil, err
	}
	var pic *heldPicture
	if a.Picture != "" {
		k, err := strconv.ParseUint(a.Picture, 16, 64)
		if err != nil || len(a.Picture) != 16 {
			return nil, &diffusion.ParamError{Field: "picture", Allowed: "16 hex digits (a picture's key) or empty", Got: strconv.Quote(a.Picture)}
		}
		if p := e.picture; p != nil && p.key == k && p.w == a.Width && p.h == a.Height {
			pic = p
		}
	}
	d := 3 * a.Width * a.Height
	step := 4 * d
	if pic != nil {
		step += 4 * a.Width * a.Height
	}
	most := max(1, min(MaxChainSteps, ChainReplyBytes/step))
	if len(a.Ts) < 1 || len(a.Ts) > most {
		return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("a list of 1..%d steps", most), Got: fmt.Sprintf("%d steps", len(a.Ts))}
	}
	for _, t := range a.Ts {
		if t < 1 || t > s.T {
			return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("steps in 1..%d (T)", s.T), Got: strconv.Itoa(t)}
		}
	}
	tr := e.chain(chainKey{a.Config(), a.Seed, a.Width, a.Height}, s)
	// The answer's arrays are the engine's own, reused: a worker copies
	// them into JavaScript before the next request, and tens of MB of
	// garbage a request would grow its memory, which never shrinks.
	e.replyNoise = grow(e.replyNoise, len(a.Ts)*d)
	r := &ChainResult{Key: fmt.Sprintf("%016x", tr.NoiseKey()), Width: a.Width, Height: a.Height, Ts: a.Ts,
		Noise: e.replyNoise}
	if pic != nil {
		e.replyRGBA = grow(e.replyRGBA, len(a.Ts)*4*a.Width*a.Height)
		r.Picture, r.RGBA = a.Picture, e.replyRGBA
	}
	before := tr.Computed()
	for k, t := range a.Ts {
		n := r.Noise[k*d : (k+1)*d]
		copy(n, tr.Noise(t))
		if pic != nil {
			f := 4 * a.Width * a.Height
			diffusion.ClosedFormRGBA(r.RGBA[k*f:(k+1)*f], pic.pix, n, float32(s.SqrtAlphaBar(t)), 1)
		}
	}
	r.Computed = tr.Computed() - before
	return r, nil
}

// grow returns buf resliced to n, or a new slice if it is too short.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// chain returns the kept trajectory of k, or a new one (evicting the least
// recently used), with the caches refitted to the budget.
func (e *Engine) chain(k chainKey, s *diffusion.Schedule) *diffusion.Trajectory {
	for i, c := range e.chains {
		if c.key == k {
			copy(e.chains[1:i+1], e.chains[:i]) // most recent first
			e.chains[0] = c
			return c.tr
		}
	}
	// A chain of another size is not asked for again (the page's chains
	// share its picture's size), and its frames, back in the block, let
	// the block be cut for this size.
	kept := e.chains[:0]
	for _, c := range e.chains {
		if c.key.w == k.w && c.key.h == k.h && len(kept) < keptChains-1 {
			kept = append(kept, c)
		} else {
			c.tr.Release()
		}
	}
	clear(e.chains[len(kept):])
	e.chains = kept
	if n := 3 * k.w * k.h; cap(e.zeros) < n {
		e.zeros = make([]float32, n)
	}
	tr := diffusion.NewTrajectoryFrames(s, e.zeros[:3*k.w*k.h], k.seed, e.frames)
	e.chains = append([]keptChain{{k, tr}}, e.chains...)
	e.fitChains()
	return tr
}

// fitChains shares the budget left by the picture between the kept
// trajectories (each at most chainShareBytes), dropping the least recently
// used ones while a share cannot hold a trajectory's fewest nodes.
func (e *Engine) fitChains() {
	avail := e.chainBudget
	if e.picture != nil {
		avail -= 4 * len(e.picture.pix)
	}
	for {
		share := min(chainShareBytes, avail/max(1, len(e.chains)))
		fits := true
		for _, c := range e.chains {
			fits = fits && diffusion.MinCacheFrames*12*c.key.w*c.key.h <= share
		}
		if fits || len(e.chains) <= 1 {
			for _, c := range e.chains {
				c.tr.SetCacheBytes(share)
			}
			return
		}
		last := len(e.chains) - 1
		e.chains[last].tr.Release()
		e.chains[last] = keptChain{}
		e.chains = e.chains[:last]
	}
}

// SetChainBudget sets the worker's memory budget for the Markov chain
// (ChainBytes by default) and refits the kept trajectories to it. A
// budget below one trajectory's fewest nodes and the picture is exceeded
// by what those need.
func (e *Engine) SetChainBudget(bytes int) {
	e.chainBudget = bytes
	e.fitChains()
}

// ChainMemory is the memory the worker keeps for the Markov chain now:
// the kept trajectories' cached nodes and the picture (the answer's
// buffers, at most ChainReplyBytes, are apart).
func (e *Engine) ChainMemory() int {
	n := 0
	for _, c := range e.chains {
		n += c.tr.CacheBytes()
	}
	if e.picture != nil {
		n += 4 * len(e.picture.pix)
	}
	return n
}
