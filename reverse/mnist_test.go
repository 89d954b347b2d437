package reverse_test

import (
	"slices"
	"sync"
	"testing"

	"dissolve/dataset"
	"dissolve/diffusion"
	"dissolve/reverse"
)

var mnist struct {
	once        sync.Once
	train, test *reverse.Dataset
	err         error
}

// mnistSets returns MNIST's training and test sets (the real files, from
// the GoMNIST module), loaded once per test binary. It fails, never skips,
// when they cannot be found.
func mnistSets(t testing.TB) (train, test *reverse.Dataset) {
	t.Helper()
	mnist.once.Do(func() {
		dir, err := dataset.MNISTDir()
		if err != nil {
			mnist.err = err
			return
		}
		if mnist.train, mnist.err = dataset.LoadMNIST(dir, "train"); mnist.err != nil {
			return
		}
		mnist.test, mnist.err = dataset.LoadMNIST(dir, "test")
	})
	if mnist.err != nil {
		t.Fatal(mnist.err)
	}
	return mnist.train, mnist.test
}

// A subset shares its parent's sparse form (no memory per size) and
// denoises to the same bits as a set built from the same images.
func TestSubsetSharesTheSparseForm(t *testing.T) {
	train, _ := mnistSets(t)
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	sub := train.Subset(2000).Subset(700)
	own, err := reverse.NewDataset(train.W, train.H, train.C, append([]uint8(nil), sub.Pix...), nil)
	if err != nil {
		t.Fatal(err)
	}
	xt := make([]float32, train.Dim())
	diffusion.Noise{Seed: 5}.Fill(xt, 0)
	a, b := make([]float32, len(xt)), make([]float32, len(xt))
	for _, step := range []int{999, 500, 100, 10} {
		reverse.NewIdeal(s, sub).Denoise(a, xt, step)
		reverse.NewIdeal(s, own).Denoise(b, xt, step)
		if !slices.Equal(a, b) {
			t.Fatalf("t = %d: the subset denoises differently from the same images as a set", step)
		}
	}
	i1, d1 := reverse.Nearest(sub, a)
	i2, d2 := reverse.Nearest(own, a)
	if i1 != i2 || d1 != d2 {
		t.Errorf("Nearest #%d at %g vs #%d at %g", i1, d1, i2, d2)
	}
}
