package app

import (
	"bytes"
	"encoding/binary"
	"image"

	"dissolve/dataset"
	"fmt"
	"hash/fnv"
	"math"

	"dissolve/diffusion"
)

// ReverseRun is one reverse run as the page shows it: the frames a
// compute worker (or, without workers, the page itself) sent back, and
// the match of its sample in the training set. Frame k is the visited step
// Timesteps[Frames[k]]; XT holds x_t and X0 the denoiser's x̂_0 there,
// each W·H·C numbers (planes one after the other).
type ReverseRun struct {
	W, H, C    int
	Timesteps  []int // the steps visited, from x_T's down to 0
	Frames     []int // indices into Timesteps of the frames kept
	EffectiveN []float64
	Nearest    ReverseMatch
	XT, X0     []float32
	// NearestX is the nearest training image's pixels (W·H·C), or nil.
	NearestX []float32
	// Key is the state the run was made for (ReverseKey); a run for
	// another key is not shown.
	Key string
}

// ReverseMatch is the sample's nearest training image: its index, its
// label (the digit; −1 when the set has none), the RMS distance and the
// novelty (distance / the median nearest-neighbour distance in the set).
type ReverseMatch struct {
	Index    int     `json:"index"`
	Label    int     `json:"label"`
	Distance float64 `json:"distance"`
	Novelty  float64 `json:"novelty"`
}

// ReverseKey names what a reverse run depends on: the schedule, the
// sampler, the denoiser, the data set and the seed. Two states with the
// same key show the same run, bit for bit.
func (s State) ReverseKey() string {
	c := s.SamplerConfig()
	return fmt.Sprintf("%+v|%+v|%s|%s|%d|%d", s.Config(), c, s.Denoiser, s.Dataset, s.DatasetSize, s.Seed)
}

// RunKey is the key of the run s needs with the pictures of l: ReverseKey,
// and for the "uploads" data set which upload it is.
func (l *Library) RunKey(s State) string {
	if s.Dataset == DatasetUploads {
		return fmt.Sprintf("%s|upload %d", s.ReverseKey(), l.UploadGen)
	}
	return s.ReverseKey()
}

// UploadSubset is the uploaded picture as a data set of one, in the
// subset format (dataset.WriteSubset) the compute workers load: its centre
// square at dataset.PagePhotoSize pixels, like the photographs.
func (l *Library) UploadSubset() ([]byte, error) {
	if l.Upload == nil {
		return nil, fmt.Errorf("no picture has been uploaded")
	}
	d, err := dataset.FromImages([]image.Image{dataset.CenterSquare(l.Upload)}, dataset.PagePhotoSize)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := dataset.WriteSubset(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Validate checks that the run's arrays have the sizes its header says.
func (r *ReverseRun) Validate() error {
	near := -1
	if r.NearestX != nil {
		near = len(r.NearestX)
	}
	return r.ValidateLengths(len(r.XT), len(r.X0), near)
}

// ValidateLengths is Validate for a run whose pictures are not read yet:
// x_t and x̂_0 of nxt and nx0 numbers, the nearest image of nnear (-1:
// none). The page checks a run with it before it copies the pictures over
// the last run's memory, which stays shown when the new run is refused.
func (r *ReverseRun) ValidateLengths(nxt, nx0, nnear int) error {
	d := r.W * r.H * r.C
	switch {
	case r.W <= 0 || r.H <= 0 || (r.C != 1 && r.C != 3) || d > 1<<22:
		return fmt.Errorf("reverse run: a %d×%d×%d picture", r.W, r.H, r.C)
	case len(r.Frames) == 0 || len(r.Timesteps) == 0:
		return fmt.Errorf("reverse run: no frames")
	case nxt != len(r.Frames)*d || nx0 != len(r.Frames)*d:
		return fmt.Errorf("reverse run: %d and %d numbers for %d frames of %d", nxt, nx0, len(r.Frames), d)
	case nnear >= 0 && nnear != d:
		return fmt.Errorf("reverse run: the nearest image has %d numbers, want %d", nnear, d)
	}
	for i, k := range r.Frames {
		if k < 0 || k >= len(r.Timesteps) || (i > 0 && k <= r.Frames[i-1]) {
			return fmt.Errorf("reverse run: frame %d is step index %d", i, k)
		}
	}
	return nil
}

// FrameAt returns the frame to show at cursor t: the last frame the run
// had reached when it came down to t, i.e. the kept frame of the smallest
// visited step ≥ t (x_T's frame for t above every visited step).
func (r *ReverseRun) FrameAt(t int) int {
	best := 0
	for k, i := range r.Frames {
		if r.Timesteps[i] >= t {
			best = k
		}
	}
	return best
}

// StepOf returns the visited step of frame k.
func (r *ReverseRun) StepOf(k int) int { return r.Timesteps[r.Frames[k]] }

// Reverse pane kinds: what the canvas shows in the reverse direction.
const (
	PaneReverseXt = "reverse-xt" // x_t on the way back
	PaneX0Hat     = "x0hat"      // the denoiser's x̂_0 at x_t
	PaneNearest   = "nearest"    // the sample's nearest training image
)

// ReversePanes lists the reverse panes, left to right: x_t, x̂_0 and, when
// the run carries it, the nearest training image.
func (r *ReverseRun) ReversePanes() []string {
	if r.NearestX == nil {
		return []string{PaneReverseXt, PaneX0Hat}
	}
	return []string{PaneReverseXt, PaneX0Hat, PaneNearest}
}

// PaneRGBA writes pane kind at cursor t to rgba (4·W·H bytes) as the page
// shows pixels: v ∈ [−1, 1] ↦ round((v + 1)·127.5), clipped; one plane is
// grey.
func (r *ReverseRun) PaneRGBA(rgba []byte, kind string, t int) {
	d := r.W * r.H * r.C
	k := r.FrameAt(t)
	var pix []float32
	switch kind {
	case PaneReverseXt:
		pix = r.XT[k*d : (k+1)*d]
	case PaneX0Hat:
		pix = r.X0[k*d : (k+1)*d]
	case PaneNearest:
		pix = r.NearestX
	}
	if pix == nil {
		clear(rgba)
		return
	}
	if r.C == 3 {
		diffusion.ToRGBA(rgba, pix)
		return
	}
	rgb := make([]float32, 3*len(pix)) // one plane as grey: R = G = B
	for c := range 3 {
		copy(rgb[c*len(pix):], pix)
	}
	diffusion.ToRGBA(rgba, rgb)
}

// ReverseStats is window.ddpm.stats() in the reverse direction: x_t at the
// cursor (the frame the run had reached, at step Visited) against N(0, 1),
// the ideal denoiser's effective N there (1/Σw²: how many training images
// still matter; null at t = 0, where no denoiser is called), and the
// sample's nearest training image with its novelty.
type ReverseStats struct {
	Step       int          `json:"t"`
	Visited    int          `json:"visited"`
	N          int          `json:"n"`
	Mean       JSFloat      `json:"mean"`
	Std        JSFloat      `json:"std"`
	Min        JSFloat      `json:"min"`
	Max        JSFloat      `json:"max"`
	KS         JSFloat      `json:"ks"`
	EffectiveN JSFloat      `json:"effectiveN"`
	Nearest    ReverseMatch `json:"nearest"`
	Novelty    JSFloat      `json:"novelty"`
	Direction  Direction    `json:"direction"`
	// Checksum is FrameChecksum of x_t: the same settings and seed give
	// the same bits, natively, in a worker and on the page.
	Checksum string `json:"checksum"`
}

// FrameChecksum is the FNV-1a 64-bit hash of x's float32 bits
// (little-endian), in hex.
func FrameChecksum(x []float32) string {
	h := fnv.New64a()
	var b [4]byte
	for _, v := range x {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		h.Write(b[:])
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// BytesChecksum is the FNV-64a hash of b in 16 hex digits: a frame's RGBA
// bytes, compared across runs.
func BytesChecksum(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf("%016x", h.Sum64())
}

// Stats describes the run at cursor t.
func (r *ReverseRun) Stats(t int) ReverseStats {
	d := r.W * r.H * r.C
	k := r.FrameAt(t)
	x := r.XT[k*d : (k+1)*d]
	s := diffusion.Summarize(x)
	eff := math.NaN()
	if i := r.Frames[k]; i < len(r.EffectiveN) {
		eff = r.EffectiveN[i]
	}
	return ReverseStats{Step: t, Visited: r.StepOf(k), N: s.N, Mean: JSFloat(s.Mean), Std: JSFloat(s.Std),
		Min: JSFloat(s.Min), Max: JSFloat(s.Max), KS: JSFloat(s.KS), EffectiveN: JSFloat(eff),
		Nearest: r.Nearest, Novelty: JSFloat(r.Nearest.Novelty), Direction: Reverse, Checksum: FrameChecksum(x)}
}
