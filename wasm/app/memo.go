package app

// memo keeps one value and the key it was computed for: the engine's caches
// (ε, the chains, the panes' pixels, the instruments' x_0 figures) are
// memos keyed by everything their value depends on, so a change of state
// needs no list of what to forget.
//
// A memo holds one entry: asking for another key computes anew and drops
// the old value. Keys that hold pointers (*diffusion.Planar, a schedule)
// keep the old object alive while it is the key, so a new object can never
// be mistaken for it. The zero memo is empty. A memo is not safe for
// concurrent use.
type memo[K comparable, V any] struct {
	key K
	val V
	ok  bool
}

// Get returns the value for key, calling compute only when the memo holds
// no value or one for another key. compute receives the value held (the
// zero V when empty), so that it can reuse its memory.
func (m *memo[K, V]) Get(key K, compute func(old V) V) V {
	if !m.ok || m.key != key {
		m.val = compute(m.val)
		m.key, m.ok = key, true
	}
	return m.val
}

// Has reports whether the memo holds the value for key.
func (m *memo[K, V]) Has(key K) bool { return m.ok && m.key == key }

// Keep empties the memo unless it holds the value for key: for a value
// worth freeing as soon as its key is out of date, not when the next Get
// replaces it.
func (m *memo[K, V]) Keep(key K) {
	if !m.Has(key) {
		*m = memo[K, V]{}
	}
}

// Peek returns the value for key if the memo holds it, without computing.
func (m *memo[K, V]) Peek(key K) (V, bool) {
	if m.Has(key) {
		return m.val, true
	}
	var zero V
	return zero, false
}

// grow returns buf resliced to n elements when its capacity allows, else a
// new slice: a frame's buffers keep the largest size the page has shown,
// so that going back to it needs no new memory (Go's WebAssembly memory
// never shrinks, and a smaller picture's buffers would leave holes a
// larger one cannot use). The old contents stay: callers overwrite them.
func grow[E any](buf []E, n int) []E {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]E, n)
}
