package reverse

import (
	"runtime"
	"sync"
)

// chunks is the fixed number of parts a pass over the data set is cut into.
// Each part is computed the same way whether the parts run one after the
// other (WebAssembly, one thread) or at once on several cores, and results
// are combined in part order, so the bits never depend on the number of
// threads.
const chunks = 8

// forChunks cuts 0..n into `chunks` contiguous ranges and calls f(c, lo, hi)
// for each, on up to GOMAXPROCS goroutines. It returns when all are done.
func forChunks(n int, f func(c, lo, hi int)) {
	procs := min(runtime.GOMAXPROCS(0), chunks)
	if procs == 1 || n < 2*chunks {
		for c := range chunks {
			f(c, c*n/chunks, (c+1)*n/chunks)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				f(c, c*n/chunks, (c+1)*n/chunks)
			}
		}()
	}
	wg.Wait()
}
