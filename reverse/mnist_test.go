package reverse_test

import (
	"sync"
	"testing"

	"dissolve/dataset"
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
