package diffusion

// Frames is one block of memory that trajectories carve their x_0 and their
// cache frames (3·W·H float32s each) from, and give back when they are let
// go (NewTrajectoryFrames, Release). A page that makes a new chain for
// every new seed, schedule or picture size then reuses the same memory
// instead of leaving the last chain's frames to the garbage collector. In
// WebAssembly that matters: Go's linear memory never shrinks, so every
// chain made while the last one's frames still wait to be collected grows
// the page's memory for good, and so does every hole that frames of one
// size leave where frames of another must fit later.
//
// The block (MaxBytes, made at the first frame asked for) is cut into
// frames of one length at a time: when every frame is back, the next
// length asked for cuts it anew. A frame that does not fit (the block is
// out, or frames of another length are out) is made afresh, and let go
// when given back. The RGBA pictures installed with the frames
// (Trajectory.InstallFrame) come from a second block, of MaxBytes/3, in the
// same way. A nil *Frames makes every frame afresh. Frames is not
// safe for concurrent use: share one only between trajectories used by one
// goroutine.
type Frames struct {
	MaxBytes int

	floats slab[float32] // x_0 and the cache frames: MaxBytes
	// pictures are x_t's RGBA frames (InstallFrame keeps one with a
	// node), cut from a block of a third of MaxBytes (made at the first
	// picture): a node's picture takes 4·W·H bytes, a third of its frame's
	// 12·W·H, so the pictures of the nodes the block holds fit. A
	// picture size's many small pictures would otherwise leave holes
	// where the next larger pictures do not fit.
	pictures slab[byte]
}

// slab is one block cut into pieces of one length at a time: when every
// piece is back, the next length asked for cuts it anew. A piece that does
// not fit (the block is out, or pieces of another length are out) is made
// afresh, and let go when given back.
type slab[T any] struct {
	block []T
	n     int        // the length the block is cut into now
	next  int        // the block's first offset never handed out since it was cut
	free  []int      // offsets handed out and given back
	out   map[*T]int // offsets of the pieces handed out, by their first element
	fresh int        // pieces made afresh
}

// get returns a piece of n ≥ 1 elements, from the block (of size elements,
// made at the first call) if it fits. A piece holds what its last use
// left: callers overwrite it whole. Its capacity is n.
func (s *slab[T]) get(size, n int) []T {
	if s.block == nil {
		s.block = make([]T, size)
		s.out = map[*T]int{}
	}
	if len(s.out) == 0 && s.n != n { // all back: cut the block anew
		s.n, s.next, s.free = n, 0, s.free[:0]
	}
	if s.n != n {
		s.fresh++
		return make([]T, n)
	}
	off := -1
	if k := len(s.free); k > 0 {
		off, s.free = s.free[k-1], s.free[:k-1]
	} else if s.next+n <= len(s.block) {
		off, s.next = s.next, s.next+n
	} else {
		s.fresh++
		return make([]T, n)
	}
	b := s.block[off : off+n : off+n]
	s.out[&b[0]] = off
	return b
}

// put takes back a piece get handed out (of any length: its capacity is
// the piece's); any other is let go.
func (s *slab[T]) put(b []T) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	if off, ok := s.out[&b[0]]; ok {
		delete(s.out, &b[0])
		s.free = append(s.free, off)
	}
}

// get returns a frame of n ≥ 1 numbers, from the block if it fits. A frame
// holds the numbers of its last use: callers overwrite it whole.
func (f *Frames) get(n int) []float32 {
	if f == nil || n < 1 {
		return make([]float32, n)
	}
	return f.floats.get(f.MaxBytes/4, n)
}

// put takes back a frame get handed out; any other is let go.
func (f *Frames) put(b []float32) {
	if f != nil {
		f.floats.put(b)
	}
}

// getPicture returns an RGBA frame of n ≥ 1 bytes (capacity n), from the
// pictures' block if it fits.
func (f *Frames) getPicture(n int) []byte {
	if f == nil || n < 1 {
		return make([]byte, n)
	}
	return f.pictures.get(f.MaxBytes/3, n)
}

// putPicture takes back a picture getPicture handed out; any other is let
// go.
func (f *Frames) putPicture(b []byte) {
	if f != nil {
		f.pictures.put(b)
	}
}

// Afresh returns how many frames and pictures have been made outside the
// blocks so far: each is memory the blocks were meant to spare.
func (f *Frames) Afresh() int {
	if f == nil {
		return 0
	}
	return f.floats.fresh + f.pictures.fresh
}

// Out returns how many of the block's frames are handed out now.
func (f *Frames) Out() int {
	if f == nil {
		return 0
	}
	return len(f.floats.out)
}

// NewTrajectoryFrames is NewTrajectory with its x_0 and its cache frames
// taken from f (nil: made afresh), for Release to give back.
func NewTrajectoryFrames(s *Schedule, x0 []float32, seed uint64, f *Frames) *Trajectory {
	b := f.get(len(x0))
	copy(b, x0)
	tr := newTrajectory(s, b, seed)
	tr.frames = f
	return tr
}

// Release gives the trajectory's frames (its cache and its x_0) back to the
// Frames it was made with (NewTrajectoryFrames) and empties it: for a
// trajectory that will not be read again. It must not be used after.
func (tr *Trajectory) Release() {
	for i := range tr.cache {
		tr.frames.put(tr.cache[i].n)
		tr.frames.putPicture(tr.cache[i].rgba[:cap(tr.cache[i].rgba)])
		tr.cache[i] = cachedNode{}
	}
	tr.cache = tr.cache[:0]
	tr.path = tr.path[:0]
	tr.frames.put(tr.x0)
	tr.x0 = nil
}
