package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"dissolve/reverse"
)

// MNIST's image size and its two sets.
const (
	MNISTWidth  = 28
	MNISTHeight = 28
)

// mnistSets maps a set's name to its files' prefix and its size.
var mnistSets = map[string]struct {
	prefix string
	n      int
}{
	"train": {"train", 60000},
	"test":  {"t10k", 10000},
}

// idx magic numbers: 0x00 0x00, type 0x08 (unsigned byte), dimensions.
const (
	idxImageMagic = 0x00000803
	idxLabelMagic = 0x00000801
)

// LoadMNIST reads the MNIST set "train" (60,000 images) or "test" (10,000)
// from dir, the folder of the idx files (see MNISTDir):
// train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, or the t10k
// pair. A file without its .gz is read uncompressed. The headers are
// checked (magic numbers, 28×28, counts equal to the set's size and to each
// other, labels 0–9, nothing after the data); errors name the file.
//
// The result has W = H = 28, C = 1, the pixel bytes as in the files
// (0 background, 255 ink) and the labels.
func LoadMNIST(dir, set string) (*reverse.Dataset, error) {
	s, ok := mnistSets[set]
	if !ok {
		return nil, fmt.Errorf("dataset: MNIST set %q: want \"train\" or \"test\"", set)
	}
	labels, err := readIdx(filepath.Join(dir, s.prefix+"-labels-idx1-ubyte"), idxLabelMagic, s.n)
	if err != nil {
		return nil, err
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("dataset: %s: label %d is %d, not a digit", filepath.Join(dir, s.prefix+"-labels-idx1-ubyte"), i, l)
		}
	}
	pix, err := readIdx(filepath.Join(dir, s.prefix+"-images-idx3-ubyte"), idxImageMagic, s.n)
	if err != nil {
		return nil, err
	}
	return reverse.NewDataset(MNISTWidth, MNISTHeight, 1, pix, labels)
}

// readIdx reads the idx file base.gz (or base), checks its magic and that it
// holds n items (of 28×28 bytes for images, of one byte for labels), and
// returns its data bytes.
func readIdx(base string, magic uint32, n int) (data []byte, err error) {
	name := base + ".gz"
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		if g, err2 := os.Open(base); err2 == nil {
			name, f, err = base, g, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	defer func() {
		if err != nil {
			err = fmt.Errorf("dataset: %s: %w", name, err)
		}
	}()

	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if filepath.Ext(name) == ".gz" {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer z.Close()
		r = z
	}
	dims := 1
	if magic == idxImageMagic {
		dims = 3
	}
	hdr := make([]byte, 4*(1+dims))
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("reading header: %w", noEOF(err))
	}
	if m := binary.BigEndian.Uint32(hdr); m != magic {
		return nil, fmt.Errorf("magic number %#08x, want %#08x", m, magic)
	}
	if got := binary.BigEndian.Uint32(hdr[4:]); got != uint32(n) {
		return nil, fmt.Errorf("%d items, want %d", got, n)
	}
	size := 1
	if dims == 3 {
		rows, cols := binary.BigEndian.Uint32(hdr[8:]), binary.BigEndian.Uint32(hdr[12:])
		if rows != MNISTHeight || cols != MNISTWidth {
			return nil, fmt.Errorf("images of %d×%d, want %d×%d", cols, rows, MNISTWidth, MNISTHeight)
		}
		size = MNISTWidth * MNISTHeight
	}
	data = make([]byte, n*size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("reading %d bytes of data: %w", len(data), noEOF(err))
	}
	// The end must come next; reading to it also checks gzip's CRC.
	var one [1]byte
	switch k, err := io.ReadFull(r, one[:]); {
	case k > 0:
		return nil, errors.New("data after the last item")
	case err != io.EOF:
		return nil, err
	}
	return data, nil
}

// noEOF turns a bare io.EOF (nothing read) into io.ErrUnexpectedEOF: a file
// that ends early is truncated either way.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
