package dataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"dissolve/reverse"
)

// SubsetMagic opens every subset file (see the package comment).
const SubsetMagic = "DSSLVDS1"

// The page's digit files (web/data/mnist-{train,test}.bin, written by
// scripts/mnistdata) hold the first PageTrainDigits training digits and
// the first PageTestDigits test digits of MNIST.
const (
	PageTrainDigits = 10000
	PageTestDigits  = 1000
)

// subsetHeaderSize is the magic and N, W, H, C, L.
const subsetHeaderSize = len(SubsetMagic) + 5*4

// Limits ReadSubset enforces before it reads any data.
const (
	// MaxSubsetDim bounds W and H.
	MaxSubsetDim = 4096
	// MaxSubsetPlanes bounds C.
	MaxSubsetPlanes = 4
	// MaxSubsetBytes bounds the labels and pixels together (256 MiB).
	MaxSubsetBytes = 256 << 20
)

// WriteSubset writes d to w in the subset format: the header, the labels
// (when d has any) and the pixel bytes.
func WriteSubset(w io.Writer, d *reverse.Dataset) error {
	if d == nil || d.Len() == 0 {
		return errors.New("dataset: WriteSubset: empty data set")
	}
	n := d.Len()
	if d.W > MaxSubsetDim || d.H > MaxSubsetDim || d.C > MaxSubsetPlanes || n*(d.Dim()+1) > MaxSubsetBytes {
		return fmt.Errorf("dataset: WriteSubset: %d images of %d×%d×%d is past the format's limits", n, d.W, d.H, d.C)
	}
	if len(d.Pix) != n*d.Dim() {
		return fmt.Errorf("dataset: WriteSubset: %d pixel bytes for %d images of %d", len(d.Pix), n, d.Dim())
	}
	var l uint32
	if d.Labels != nil {
		if len(d.Labels) != n {
			return fmt.Errorf("dataset: WriteSubset: %d labels for %d images", len(d.Labels), n)
		}
		l = 1
	}
	hdr := make([]byte, subsetHeaderSize)
	copy(hdr, SubsetMagic)
	for i, v := range []uint32{uint32(n), uint32(d.W), uint32(d.H), uint32(d.C), l} {
		binary.LittleEndian.PutUint32(hdr[len(SubsetMagic)+4*i:], v)
	}
	for _, p := range [][]byte{hdr, d.Labels, d.Pix} {
		if _, err := w.Write(p); err != nil {
			return fmt.Errorf("dataset: WriteSubset: %w", err)
		}
	}
	return nil
}

// ReadSubset reads a data set that WriteSubset wrote. It checks the magic,
// that N ≥ 1, 1 ≤ W, H ≤ MaxSubsetDim, 1 ≤ C ≤ MaxSubsetPlanes, L is 0 or 1,
// that the data is at most MaxSubsetBytes, and that exactly that much data
// follows (no less, no more). It never allocates much more than the bytes
// that actually arrive, so a lying header costs nothing. It reads r only up
// to one byte past the data (to see that nothing follows).
func ReadSubset(r io.Reader) (*reverse.Dataset, error) {
	hdr := make([]byte, subsetHeaderSize)
	if k, err := io.ReadFull(r, hdr); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("dataset: subset header truncated: %d of %d bytes", k, subsetHeaderSize)
		}
		return nil, fmt.Errorf("dataset: reading subset header: %w", err)
	}
	if string(hdr[:len(SubsetMagic)]) != SubsetMagic {
		return nil, fmt.Errorf("dataset: not a subset file: magic %q, want %q", hdr[:len(SubsetMagic)], SubsetMagic)
	}
	var f [5]uint32
	for i := range f {
		f[i] = binary.LittleEndian.Uint32(hdr[len(SubsetMagic)+4*i:])
	}
	n, w, h, c, l := uint64(f[0]), uint64(f[1]), uint64(f[2]), uint64(f[3]), uint64(f[4])
	switch {
	case n < 1:
		return nil, errors.New("dataset: subset of 0 images")
	case w < 1 || h < 1 || w > MaxSubsetDim || h > MaxSubsetDim:
		return nil, fmt.Errorf("dataset: subset images of %d×%d: want 1 to %d pixels a side", w, h, MaxSubsetDim)
	case c < 1 || c > MaxSubsetPlanes:
		return nil, fmt.Errorf("dataset: subset images of %d planes: want 1 to %d", c, MaxSubsetPlanes)
	case l > 1:
		return nil, fmt.Errorf("dataset: subset with %d label bytes an image: want 0 or 1", l)
	}
	// All factors are below 2^32 and w·h·c+l below 2^27, so n·(…) cannot
	// overflow uint64.
	size := n * (w*h*c + l)
	if size > MaxSubsetBytes {
		return nil, fmt.Errorf("dataset: subset of %d images of %d×%d×%d is %d bytes, over the limit of %d", n, w, h, c, size, MaxSubsetBytes)
	}
	data, err := readAtMost(r, size+1)
	if err != nil {
		return nil, fmt.Errorf("dataset: reading subset data: %w", err)
	}
	switch {
	case uint64(len(data)) < size:
		return nil, fmt.Errorf("dataset: subset data truncated: %d of %d bytes", len(data), size)
	case uint64(len(data)) > size:
		return nil, fmt.Errorf("dataset: subset file has data after its %d bytes", size)
	}
	var labels []byte
	if l == 1 {
		labels = data[:n:n]
	}
	return reverse.NewDataset(int(w), int(h), int(c), data[n*l:], labels)
}

// readAtMost reads r to its end or to limit bytes, whichever comes first
// (limit one more than wanted tells trailing data). Like io.ReadAll it
// grows its buffer only with what arrives; a reader that knows its
// remaining length (bytes.Reader, bytes.Buffer, strings.Reader) gets a
// buffer of min(that, limit) at once, so a page's fetched file is copied
// once, without ReadAll's doublings.
func readAtMost(r io.Reader, limit uint64) ([]byte, error) {
	hint := uint64(512)
	if l, ok := r.(interface{ Len() int }); ok && l.Len() >= 0 {
		hint = uint64(l.Len()) + 1 // +1: the read that sees the end
	}
	data := make([]byte, 0, min(hint, limit))
	lr := io.LimitReader(r, int64(limit))
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		k, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+k]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
	}
}
