package diffusion

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
)

// NoiseKey identifies the noise half of the chain. A node n_t (x_t minus
// √ᾱ_t·x_0, see Trajectory) depends only on the schedule, the seed and the
// frame's length, not on x_0: two trajectories with equal keys have the
// same n_t bit for bit, so a node computed by one (in another thread, a Web
// Worker) can be installed into the other. The key is an FNV-64a hash of
// the length, the seed, T and the bits of the schedule's β, ᾱ and 1 − ᾱ
// tables.
func (tr *Trajectory) NoiseKey() uint64 {
	h := fnv.New64a()
	var b [8]byte
	word := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	word(uint64(len(tr.x0)))
	word(tr.noise.Seed)
	word(uint64(tr.last))
	for _, tab := range [][]float64{tr.s.Beta, tr.s.AlphaBar, tr.s.oneMinus} {
		for _, v := range tab {
			word(math.Float64bits(v))
		}
	}
	return h.Sum64()
}

// Noise returns n_t (1..T), computing the nodes missing from the cache,
// as At does; the slice is the cache's own and valid until the next call
// of a method. A Web Worker reads nodes with it for Install elsewhere.
func (tr *Trajectory) Noise(t int) []float32 {
	t = min(max(t, 1), tr.last)
	n, _ := tr.noiseAt(t, nil, 0)
	return n
}

// Has reports whether node t is in the cache: reading step t then costs
// no bridge pass.
func (tr *Trajectory) Has(t int) bool {
	return slices.ContainsFunc(tr.cache, func(c cachedNode) bool { return c.m == t })
}

// ErrNoRoom is Install's refusal when the cache is full of nodes it must
// keep.
var ErrNoRoom = errors.New("diffusion: the trajectory's cache is full of nodes still needed")

// Install puts node n_t, computed elsewhere by a trajectory whose NoiseKey
// is key (a Web Worker's), into the cache, so that reading step t costs
// only x_t = √ᾱ_t·x_0 + n_t. It refuses a node of another chain (key), a
// step outside 1..T, and a frame of the wrong length, and changes nothing
// then. The cache keeps its size (SetCacheFrames): to make room Install
// evicts the least recently used node that is neither the last step read
// nor one of keep (the steps the caller still wants); ErrNoRoom if there
// is none. (The last step's ancestors may go: a page fed with installed
// nodes reads steps, not paths.) A node already cached is left as it is (its
// bits are the same).
func (tr *Trajectory) Install(key uint64, t int, n []float32, keep ...int) error {
	_, err := tr.install(key, t, n, keep)
	return err
}

// install is Install; it returns the node's cache entry.
func (tr *Trajectory) install(key uint64, t int, n []float32, keep []int) (*cachedNode, error) {
	if key != tr.NoiseKey() {
		return nil, fmt.Errorf("diffusion: a node of another chain (key %016x, this one's %016x)", key, tr.NoiseKey())
	}
	if t < 1 || t > tr.last {
		return nil, fmt.Errorf("diffusion: node t = %d outside 1..%d", t, tr.last)
	}
	if len(n) != len(tr.x0) {
		return nil, fmt.Errorf("diffusion: node of %d numbers, the frame has %d", len(n), len(tr.x0))
	}
	tr.clock++
	if i := tr.index(t); i >= 0 {
		tr.cache[i].used = tr.clock
		return &tr.cache[i], nil
	}
	i := len(tr.cache)
	if i < tr.limit {
		tr.cache = append(tr.cache, cachedNode{n: tr.frames.get(len(tr.x0))})
	} else {
		tr.keep = append(tr.keep[:0], keep...)
		if len(tr.path) > 0 {
			tr.keep = append(tr.keep, tr.path[len(tr.path)-1])
		}
		if i = tr.victim(); i < 0 {
			return nil, ErrNoRoom
		}
	}
	c := &tr.cache[i]
	c.m, c.used, c.rgba = t, tr.clock, c.rgba[:0]
	copy(c.n, n)
	return c, nil
}

// CacheLimit returns how many nodes the cache may hold (SetCacheFrames).
func (tr *Trajectory) CacheLimit() int { return tr.limit }

// index returns the cache index of node m, or -1.
func (tr *Trajectory) index(m int) int {
	return slices.IndexFunc(tr.cache, func(c cachedNode) bool { return c.m == m })
}

// PictureKey identifies a picture x_0 (planar float32s): an FNV-64a hash
// of its length and of the bits of its numbers. Equal keys mean, but for
// a hash collision, the same x_0 bit for bit.
func PictureKey(x0 []float32) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	word := func(v uint32) {
		for range 4 {
			h ^= uint64(v & 0xFF)
			h *= prime
			v >>= 8
		}
	}
	word(uint32(len(x0)))
	word(uint32(uint64(len(x0)) >> 32))
	for _, v := range x0 {
		word(math.Float32bits(v))
	}
	return h
}

// PictureKey is the PictureKey of the trajectory's x_0, computed once.
func (tr *Trajectory) PictureKey() uint64 {
	if !tr.picOK {
		tr.pic, tr.picOK = PictureKey(tr.x0), true
	}
	return tr.pic
}

// InstallFrame is Install with x_t's picture: rgba, 4·W·H bytes, must be
// ClosedFormRGBA(x0, n, √ᾱ_t, 1) for the x_0 whose PictureKey is pic (a
// Web Worker that holds the page's x_0 computes it beside the node), and
// RGBAAt(t) then copies it instead of converting x_t on the caller's
// thread. A picture of another x_0 (pic) or of the wrong length is
// refused, and nothing changes; otherwise it is Install, the picture kept
// with the node (and gone with it). A picture adds 4·W·H bytes to the
// node's 12·W·H (CacheBytes counts them): under a byte budget
// (SetCacheBytes) the first one makes the cache hold fewer nodes, so that
// nodes and pictures stay within it; a frame count (SetCacheFrames) is
// kept as it is.
func (tr *Trajectory) InstallFrame(key, pic uint64, t int, n []float32, rgba []byte, keep ...int) error {
	if pic != tr.PictureKey() {
		return fmt.Errorf("diffusion: a frame of another picture (key %016x, this one's %016x)", pic, tr.PictureKey())
	}
	if want := 4 * (len(tr.x0) / 3); len(rgba) != want {
		return fmt.Errorf("diffusion: frame of %d bytes, the picture has %d", len(rgba), want)
	}
	if key != tr.NoiseKey() || len(n) != len(tr.x0) || t < 1 || t > tr.last {
		_, err := tr.install(key, t, n, keep) // install's refusal
		return err
	}
	if !tr.framed { // the budget now counts pictures: fewer nodes fit
		tr.framed = true
		if tr.budget > 0 {
			tr.setFrames(tr.budget / tr.entryBytes())
		}
	}
	c, err := tr.install(key, t, n, keep)
	if err != nil {
		return err
	}
	if len(c.rgba) != len(rgba) {
		if cap(c.rgba) < len(rgba) {
			tr.frames.putPicture(c.rgba)
			c.rgba = tr.frames.getPicture(len(rgba)) // CacheBytes counts the capacity
		}
		c.rgba = c.rgba[:len(rgba)]
		copy(c.rgba, rgba)
	} // else the same node's picture is there already: the same bytes
	return nil
}

// HasFrame reports whether step t's picture is installed (InstallFrame):
// RGBAAt(t) then only copies it.
func (tr *Trajectory) HasFrame(t int) bool {
	i := tr.index(t)
	return i >= 0 && len(tr.cache[i].rgba) > 0
}

// FramesShown counts the RGBAAt calls answered with an installed picture.
func (tr *Trajectory) FramesShown() int { return tr.shown }

// installedFrame copies step t's installed picture into rgba, as a read
// of t (the step Install keeps), and reports whether there was one.
func (tr *Trajectory) installedFrame(t int, rgba []byte) bool {
	i := tr.index(t)
	if i < 0 || len(tr.cache[i].rgba) == 0 || len(rgba) < len(tr.cache[i].rgba) {
		return false
	}
	tr.clock++
	tr.cache[i].used = tr.clock
	tr.path = tr.nodePath(t, tr.path)
	copy(rgba, tr.cache[i].rgba)
	tr.shown++
	return true
}
