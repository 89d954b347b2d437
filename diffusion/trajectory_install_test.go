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

// A node installed with its picture (InstallFrame, as a worker holding
// x_0 computes it: ClosedFormRGBA(x_0, n_t, √ᾱ_t, 1)) is shown by RGBAAt
// with the bytes of the trajectory's own conversion, by a copy; the
// picture goes with its node when the node is evicted or its frame
// reused, and x_t's numbers still come from the node.
func TestTrajectoryInstallFrame(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(16)
	const seed = 3
	worker := diffusion.NewTrajectory(s, make([]float32, len(x0)), seed)
	page := diffusion.NewTrajectory(s, x0, seed)
	fresh := diffusion.NewTrajectory(s, x0, seed)
	page.SetCacheFrames(12)
	key, pic := worker.NoiseKey(), diffusion.PictureKey(x0)
	if pic != page.PictureKey() || pic == diffusion.PictureKey(planarPicture(8)) {
		t.Fatal("PictureKey is not the picture's")
	}
	frame := func(st int) []byte { // the worker's picture of x_t
		b := make([]byte, 4*len(x0)/3)
		diffusion.ClosedFormRGBA(b, x0, worker.Noise(st), float32(s.SqrtAlphaBar(st)), 1)
		return b
	}
	want, got := make([]byte, 4*len(x0)/3), make([]byte, 4*len(x0)/3)
	wantX, gotX := make([]float32, len(x0)), make([]float32, len(x0))
	steps := []int{1, 2, 250, 512, 999, 1000}
	for _, st := range steps {
		if err := page.InstallFrame(key, pic, st, worker.Noise(st), frame(st)); err != nil {
			t.Fatalf("InstallFrame(%d): %v", st, err)
		}
		if !page.HasFrame(st) || !page.Has(st) {
			t.Fatalf("t=%d: HasFrame %v, Has %v after InstallFrame", st, page.HasFrame(st), page.Has(st))
		}
	}
	for i, st := range steps {
		fresh.RGBAAt(st, want)
		page.RGBAAt(st, got)
		if !bytes.Equal(got, want) {
			t.Errorf("t=%d: the installed picture differs from the trajectory's own", st)
		}
		if page.FramesShown() != i+1 {
			t.Errorf("t=%d: FramesShown %d, want %d", st, page.FramesShown(), i+1)
		}
		fresh.At(st, wantX)
		page.At(st, gotX)
		if checksum(gotX) != checksum(wantX) {
			t.Errorf("t=%d: x_t's numbers differ", st)
		}
	}
	if page.Computed() != 0 {
		t.Errorf("computed %d nodes, want 0", page.Computed())
	}
	if want := len(steps) * (4*len(x0) + 4*len(x0)/3); page.CacheBytes() != want {
		t.Errorf("CacheBytes %d, want %d (nodes and pictures)", page.CacheBytes(), want)
	}
	// Refused: another picture, a wrong length; nothing changes.
	other := diffusion.PictureKey(planarPicture(8))
	for _, c := range []struct {
		name string
		pic  uint64
		rgba []byte
	}{{"another picture", other, frame(7)}, {"short", pic, frame(7)[1:]}, {"long", pic, append(frame(7), 0)}} {
		if err := page.InstallFrame(key, c.pic, 7, worker.Noise(7), c.rgba); err == nil || page.Has(7) {
			t.Errorf("%s: InstallFrame(7) gave %v, has 7: %v", c.name, err, page.Has(7))
		}
	}
	// A node computed in a reused frame has no picture: the next read of
	// it converts x_t as before.
	walker := diffusion.NewTrajectory(s, x0, seed)
	walker.SetCacheFrames(11)
	walker.InstallFrame(key, pic, 600, worker.Noise(600), frame(600))
	for st := 1; st <= 40; st++ { // evicts 600 and reuses its frame
		walker.RGBAAt(st, got)
	}
	if walker.Has(600) || walker.HasFrame(600) {
		t.Fatal("600 was not evicted")
	}
	for st := 590; st <= 610; st++ {
		walker.RGBAAt(st, got)
		fresh.RGBAAt(st, want)
		if !bytes.Equal(got, want) {
			t.Fatalf("t=%d after reuse: the picture differs", st)
		}
	}
	if walker.FramesShown() != 0 {
		t.Errorf("FramesShown %d after eviction, want 0", walker.FramesShown())
	}
}

// Under a byte budget (SetCacheBytes) the pictures InstallFrame keeps
// count: over a long walk of installs and reads, nodes and pictures
// together never pass the budget, and a page fed with frames keeps
// showing them.
func TestTrajectoryInstallFrameBudget(t *testing.T) {
	s := mustSchedule(t, diffusion.LessonConfig())
	x0 := planarPicture(16)
	const seed = 11
	worker := diffusion.NewTrajectory(s, make([]float32, len(x0)), seed)
	key, pic := worker.NoiseKey(), diffusion.PictureKey(x0)
	node := 4 * len(x0)
	budget := 21*node + node/2 // 21 nodes alone, 16 with their pictures
	page := diffusion.NewTrajectory(s, x0, seed)
	if n := page.SetCacheBytes(budget); n != 21 {
		t.Fatalf("SetCacheBytes: %d frames, want 21", n)
	}
	rgba := make([]byte, 4*len(x0)/3)
	shown := 0
	for st := 1; st <= 1000; st += 2 {
		var ahead []int
		for k := st; k < st+2*12 && k <= 1000; k += 2 {
			ahead = append(ahead, k)
		}
		for _, k := range ahead {
			if page.HasFrame(k) {
				continue
			}
			f := make([]byte, len(rgba))
			diffusion.ClosedFormRGBA(f, x0, worker.Noise(k), float32(s.SqrtAlphaBar(k)), 1)
			if err := page.InstallFrame(key, pic, k, worker.Noise(k), f, ahead...); err != nil {
				break // the cache is full of steps ahead: the rest come later
			}
		}
		page.RGBAAt(st, rgba)
		if page.CacheBytes() > budget {
			t.Fatalf("t=%d: the cache holds %d bytes, budget %d", st, page.CacheBytes(), budget)
		}
		shown = page.FramesShown()
	}
	if page.CacheLimit() != 16 || shown != 500 || page.Computed() != 0 {
		t.Errorf("limit %d (want 16), %d of 500 steps shown from pictures, %d nodes computed", page.CacheLimit(), shown, page.Computed())
	}
}
