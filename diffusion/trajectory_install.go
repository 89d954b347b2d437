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
	if key != tr.NoiseKey() {
		return fmt.Errorf("diffusion: a node of another chain (key %016x, this one's %016x)", key, tr.NoiseKey())
	}
	if t < 1 || t > tr.last {
		return fmt.Errorf("diffusion: node t = %d outside 1..%d", t, tr.last)
	}
	if len(n) != len(tr.x0) {
		return fmt.Errorf("diffusion: node of %d numbers, the frame has %d", len(n), len(tr.x0))
	}
	tr.clock++
	if tr.find(t) != nil {
		return nil
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
			return ErrNoRoom
		}
	}
	c := &tr.cache[i]
	c.m, c.used = t, tr.clock
	copy(c.n, n)
	return nil
}

// CacheLimit returns how many nodes the cache may hold (SetCacheFrames).
func (tr *Trajectory) CacheLimit() int { return tr.limit }
