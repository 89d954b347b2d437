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
// when given back. A nil *Frames makes every frame afresh. Frames is not
// safe for concurrent use: share one only between trajectories used by one
// goroutine.
type Frames struct {
	MaxBytes int

	block []float32
	n     int              // the length the block is cut into now
	next  int              // the block's first offset never handed out since it was cut
	free  []int            // offsets handed out and given back
	out   map[*float32]int // offsets of the frames handed out, by their first number
	fresh int              // frames made afresh: the block was out, or cut for another length

	// pictures are x_t's RGBA frames given back (InstallFrame keeps one
	// with a node), whole (len = cap), at most a third of MaxBytes
	// together: the next pictures reuse them, at this size or one down to
	// a sixteenth of its bytes, so that a return to a larger size finds
	// them again.
	pictures [][]byte
}

// get returns a frame of n ≥ 1 numbers, from the block if it fits. A frame
// holds the numbers of its last use: callers overwrite it whole.
func (f *Frames) get(n int) []float32 {
	if f == nil || n < 1 {
		return make([]float32, n)
	}
	if f.block == nil {
		f.block = make([]float32, f.MaxBytes/4)
		f.out = map[*float32]int{}
	}
	if len(f.out) == 0 && f.n != n { // all back: cut the block anew
		f.n, f.next, f.free = n, 0, f.free[:0]
	}
	if f.n != n {
		f.fresh++
		return make([]float32, n)
	}
	off := -1
	if k := len(f.free); k > 0 {
		off, f.free = f.free[k-1], f.free[:k-1]
	} else if f.next+n <= len(f.block) {
		off, f.next = f.next, f.next+n
	} else {
		f.fresh++
		return make([]float32, n)
	}
	b := f.block[off : off+n : off+n]
	f.out[&b[0]] = off
	return b
}

// put takes back a frame get handed out; any other is let go.
func (f *Frames) put(b []float32) {
	if f == nil || len(b) == 0 {
		return
	}
	if off, ok := f.out[&b[0]]; ok {
		delete(f.out, &b[0])
		f.free = append(f.free, off)
	}
}

// getPicture returns an RGBA frame of n bytes: the smallest kept one that
// holds n bytes and at most 16n (its capacity stays: a picture keeps the
// largest size it was made for; a 1024² one serves down to 256²), else a
// new one.
func (f *Frames) getPicture(n int) []byte {
	if f != nil {
		best := -1
		for i, b := range f.pictures {
			if c := cap(b); c >= n && c <= 16*n && (best < 0 || c < cap(f.pictures[best])) {
				best = i
			}
		}
		if best >= 0 {
			return f.takePicture(best)[:n]
		}
	}
	return make([]byte, n)
}

// putPicture keeps an RGBA frame for getPicture while the kept ones take
// at most a third of MaxBytes; past that the smallest go.
func (f *Frames) putPicture(b []byte) {
	if f == nil || cap(b) == 0 {
		return
	}
	f.pictures = append(f.pictures, b[:cap(b)])
	total := 0
	for _, p := range f.pictures {
		total += cap(p)
	}
	for total > f.MaxBytes/3 {
		small := 0
		for i, p := range f.pictures {
			if cap(p) < cap(f.pictures[small]) {
				small = i
			}
		}
		total -= cap(f.takePicture(small))
	}
}

// takePicture removes kept picture i (the last takes its place) and
// returns it.
func (f *Frames) takePicture(i int) []byte {
	b := f.pictures[i]
	last := len(f.pictures) - 1
	f.pictures[i], f.pictures[last] = f.pictures[last], nil
	f.pictures = f.pictures[:last]
	return b
}

// Afresh returns how many frames get has made outside the block so far:
// each is memory the block was meant to spare.
func (f *Frames) Afresh() int {
	if f == nil {
		return 0
	}
	return f.fresh
}

// Out returns how many of the block's frames are handed out now.
func (f *Frames) Out() int {
	if f == nil {
		return 0
	}
	return len(f.out)
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
