package diffusion_test

import (
	"bytes"
	"errors"
	"testing"

	"dissolve/diffusion"
)

// A node computed by another trajectory — one that knows nothing of x_0,
// as a Web Worker's does — installed into the page's trajectory gives the
// same x_t and RGBA bits as computing it there, and costs no bridge pass.
func TestTrajectoryInstallSameBits(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(32)
	const seed = 77
	worker := diffusion.NewTrajectory(s, make([]float32, len(x0)), seed) // x_0 = 0: only n_t
	page := diffusion.NewTrajectory(s, x0, seed)
	fresh := diffusion.NewTrajectory(s, x0, seed)
	page.SetCacheFrames(64)
	if worker.NoiseKey() != page.NoiseKey() {
		t.Fatal("the noise key depends on x_0")
	}
	steps := []int{1, 2, 3, 100, 511, 512, 513, 998, 1000}
	for _, st := range steps {
		if err := page.Install(worker.NoiseKey(), st, worker.Noise(st)); err != nil {
			t.Fatalf("Install(%d): %v", st, err)
		}
		if !page.Has(st) {
			t.Fatalf("Has(%d) after Install is false", st)
		}
	}
	want, got := make([]float32, len(x0)), make([]float32, len(x0))
	wantRGBA, gotRGBA := make([]byte, 4*len(x0)/3), make([]byte, 4*len(x0)/3)
	for _, st := range steps {
		fresh.At(st, want)
		page.At(st, got)
		if checksum(got) != checksum(want) {
			t.Errorf("t=%d: installed x_t differs from the computed one", st)
		}
		fresh.RGBAAt(st, wantRGBA)
		page.RGBAAt(st, gotRGBA)
		if !bytes.Equal(gotRGBA, wantRGBA) {
			t.Errorf("t=%d: installed RGBA differs from the computed one", st)
		}
	}
	if n := page.Computed(); n != 0 {
		t.Errorf("reading installed steps computed %d nodes, want 0", n)
	}
	// A step that was not installed is computed as before, with the same bits.
	fresh.At(700, want)
	page.At(700, got)
	if checksum(got) != checksum(want) || page.Computed() == 0 {
		t.Errorf("t=700 (not installed): same bits %v, computed %d nodes", checksum(got) == checksum(want), page.Computed())
	}
}

func TestTrajectoryInstallRefuses(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	cos := diffusion.LessonConfig()
	cos.Schedule = "cosine"
	sc := mustSchedule(t, cos)
	x0 := planarPicture(16)
	page := diffusion.NewTrajectory(s, x0, 5)
	good := diffusion.NewTrajectory(s, make([]float32, len(x0)), 5)
	n := good.Noise(10)
	for _, c := range []struct {
		name string
		key  uint64
		t    int
		n    []float32
	}{
		{"another seed", diffusion.NewTrajectory(s, x0, 6).NoiseKey(), 10, n},
		{"another schedule", diffusion.NewTrajectory(sc, x0, 5).NoiseKey(), 10, n},
		{"another size", diffusion.NewTrajectory(s, x0[:len(x0)-3], 5).NoiseKey(), 10, n[:len(n)-3]},
		{"t = 0", good.NoiseKey(), 0, n},
		{"t = T+1", good.NoiseKey(), 1001, n},
		{"short frame", good.NoiseKey(), 10, n[:len(n)-1]},
		{"long frame", good.NoiseKey(), 10, append(append([]float32(nil), n...), 0)},
	} {
		if err := page.Install(c.key, c.t, c.n); err == nil {
			t.Errorf("%s: Install accepted it", c.name)
		}
		if page.CachedFrames() != 0 || page.Has(10) {
			t.Errorf("%s: the refused node changed the cache", c.name)
		}
	}
}

// Install keeps the cache's size: it evicts the least recently used node
// the caller does not keep, and refuses when every node is kept.
func TestTrajectoryInstallBudget(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(16)
	worker := diffusion.NewTrajectory(s, make([]float32, len(x0)), 9)
	key := worker.NoiseKey()
	page := diffusion.NewTrajectory(s, x0, 9)
	const limit = 12 // more than the depth, 11 for T = 1000
	page.SetCacheFrames(limit)
	var kept []int
	for st := 1; st <= limit; st++ {
		if err := page.Install(key, st, worker.Noise(st)); err != nil {
			t.Fatalf("Install(%d): %v", st, err)
		}
		kept = append(kept, st)
	}
	// Full: a 13th node evicts the oldest one not kept (step 1, kept: 2..12).
	if err := page.Install(key, 13, worker.Noise(13), kept[1:]...); err != nil {
		t.Fatalf("Install(13): %v", err)
	}
	if page.CachedFrames() != limit || page.Has(1) || !page.Has(13) || !page.Has(2) {
		t.Errorf("after evicting: %d frames, has 1 %v, 2 %v, 13 %v", page.CachedFrames(), page.Has(1), page.Has(2), page.Has(13))
	}
	// Every node kept: refused, nothing changes.
	all := []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	if err := page.Install(key, 14, worker.Noise(14), all...); !errors.Is(err, diffusion.ErrNoRoom) {
		t.Errorf("Install with every node kept: %v, want ErrNoRoom", err)
	}
	if page.Has(14) || page.CachedFrames() != limit {
		t.Error("the refused node changed the cache")
	}
	// Already there: accepted, nothing evicted.
	if err := page.Install(key, 5, worker.Noise(5), all...); err != nil || page.CachedFrames() != limit {
		t.Errorf("re-installing 5: %v, %d frames", err, page.CachedFrames())
	}
	// A page that read a step holds its path; installing the next steps
	// evicts the path's ancestors, never the step itself.
	want, got := make([]float32, len(x0)), make([]float32, len(x0))
	walker := diffusion.NewTrajectory(s, x0, 9)
	walker.SetCacheFrames(11)
	walker.At(500, want)
	var ahead []int // every step installed stays wanted
	for st := 502; st <= 518; st += 2 {
		ahead = append(ahead, st)
		if err := walker.Install(key, st, worker.Noise(st), ahead...); err != nil {
			t.Fatalf("Install(%d) over a path: %v", st, err)
		}
	}
	before := walker.Computed()
	walker.At(500, got)
	if walker.Computed() != before || checksum(got) != checksum(want) {
		t.Errorf("the step read was evicted (computed %d more) or changed", walker.Computed()-before)
	}
	// Installed nodes stay exact after evictions.
	diffusion.NewTrajectory(s, x0, 9).At(13, want)
	page.At(13, got)
	if checksum(got) != checksum(want) {
		t.Error("t=13 after evictions differs")
	}
}
