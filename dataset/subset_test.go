package dataset

import (
	"bytes"
	"encoding/binary"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"dissolve/reverse"
)

// subsetFile builds a subset file from its fields and data, for tests.
func subsetFile(magic string, n, w, h, c, l uint32, data []byte) []byte {
	b := []byte(magic)
	for _, v := range []uint32{n, w, h, c, l} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return append(b, data...)
}

func TestSubsetRoundTrip(t *testing.T) {
	tiny, err := reverse.NewDataset(2, 1, 3, []byte{0, 1, 2, 3, 4, 255, 9, 8, 7, 6, 5, 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    *reverse.Dataset
		size int
	}{
		{"MNIST test, first 1000", loadMNIST(t, "test").Subset(1000), 28 + 1000 + 1000*784},
		{"MNIST train, first 10000", loadMNIST(t, "train").Subset(10000), 28 + 10000 + 10000*784},
		{"two unlabelled RGB images", tiny, 28 + 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSubset(&buf, tc.d); err != nil {
				t.Fatal(err)
			}
			file := bytes.Clone(buf.Bytes())
			if len(file) != tc.size {
				t.Errorf("%d bytes, want %d", len(file), tc.size)
			}
			if string(file[:8]) != "DSSLVDS1" {
				t.Errorf("magic %q", file[:8])
			}
			got, err := ReadSubset(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			// Readers that do not tell their length, in small pieces.
			for _, r := range []io.Reader{iotest.HalfReader(bytes.NewReader(file)), iotest.DataErrReader(bytes.NewReader(file)), struct{ io.Reader }{bytes.NewBuffer(file)}} {
				other, err := ReadSubset(r)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(other.Pix, got.Pix) || !bytes.Equal(other.Labels, got.Labels) {
					t.Fatal("reading in pieces gives other bytes")
				}
			}
			if got.Len() != tc.d.Len() || got.W != tc.d.W || got.H != tc.d.H || got.C != tc.d.C {
				t.Fatalf("read %d of %d×%d×%d, wrote %d of %d×%d×%d", got.Len(), got.W, got.H, got.C, tc.d.Len(), tc.d.W, tc.d.H, tc.d.C)
			}
			if !bytes.Equal(got.Pix, tc.d.Pix) || !bytes.Equal(got.Labels, tc.d.Labels) || (got.Labels == nil) != (tc.d.Labels == nil) {
				t.Fatal("pixels or labels differ after the round trip")
			}
			for i := range got.Len() {
				if got.SqNorm(i) != tc.d.SqNorm(i) {
					t.Fatalf("image %d: ‖X‖² %v, was %v", i, got.SqNorm(i), tc.d.SqNorm(i))
				}
			}
			buf.Reset()
			if err := WriteSubset(&buf, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), file) {
				t.Fatal("writing what was read gives different bytes")
			}
		})
	}
}

func TestReadSubsetErrors(t *testing.T) {
	good := subsetFile(SubsetMagic, 2, 2, 2, 1, 1, []byte{3, 4, 1, 2, 3, 4, 5, 6, 7, 8})
	if _, err := ReadSubset(bytes.NewReader(good)); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		file       []byte
	}{
		{"empty", "header truncated: 0 of 28 bytes", nil},
		{"short header", "header truncated: 27 of 28 bytes", good[:27]},
		{"magic only", "header truncated: 8 of 28 bytes", good[:8]},
		{"bad magic", `not a subset file: magic "DSSLVDS2"`, subsetFile("DSSLVDS2", 2, 2, 2, 1, 1, good[28:])},
		{"idx file", "not a subset file", idx(idxLabelMagic, []uint32{10000}, make([]byte, 100))},
		{"no images", "subset of 0 images", subsetFile(SubsetMagic, 0, 2, 2, 1, 1, nil)},
		{"zero width", "images of 0×2", subsetFile(SubsetMagic, 2, 0, 2, 1, 1, nil)},
		{"zero height", "images of 2×0", subsetFile(SubsetMagic, 2, 2, 0, 1, 1, nil)},
		{"too wide", "images of 4097×2", subsetFile(SubsetMagic, 2, 4097, 2, 1, 1, nil)},
		{"huge height", "images of 2×4294967295", subsetFile(SubsetMagic, 2, 2, 0xffffffff, 1, 1, nil)},
		{"no planes", "0 planes", subsetFile(SubsetMagic, 2, 2, 2, 0, 1, nil)},
		{"five planes", "5 planes", subsetFile(SubsetMagic, 2, 2, 2, 5, 1, nil)},
		{"two label bytes", "2 label bytes", subsetFile(SubsetMagic, 2, 2, 2, 1, 2, nil)},
		{"absurd N", "over the limit of 268435456", subsetFile(SubsetMagic, 0xffffffff, 4096, 4096, 4, 1, nil)},
		{"just over the limit", "is 268435457 bytes, over the limit", subsetFile(SubsetMagic, 268435457, 1, 1, 1, 0, nil)},
		{"truncated data", "data truncated: 9 of 10 bytes", good[:len(good)-1]},
		{"header but no data", "data truncated: 0 of 10 bytes", good[:28]},
		{"trailing data", "data after its 10 bytes", append(bytes.Clone(good), 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ReadSubset(bytes.NewReader(tc.file))
			if err == nil {
				t.Fatalf("no error; read %d images", d.Len())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want one containing %q", err, tc.want)
			}
		})
	}
}

// Reading the page's 7.85 MB file from memory costs one copy of it (and
// reverse's ‖X_n‖² table), not io.ReadAll's doublings.
func TestReadSubsetAllocatesOnce(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSubset(&buf, loadMNIST(t, "train").Subset(10000)); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := ReadSubset(bytes.NewReader(file))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	limit := uint64(len(file)) + 8*uint64(d.Len()) + 64<<10
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Errorf("ReadSubset of %d bytes allocated %d, want at most %d", len(file), got, limit)
	}
	// The same reader, told about a truncated file, stops at its end.
	if _, err := ReadSubset(iotest.OneByteReader(bytes.NewReader(file[:1000]))); err == nil || !strings.Contains(err.Error(), "truncated: 972 of 7850000 bytes") {
		t.Errorf("truncated file: error %v", err)
	}
}

func TestWriteSubsetErrors(t *testing.T) {
	if err := WriteSubset(&bytes.Buffer{}, nil); err == nil {
		t.Error("WriteSubset(nil): no error")
	}
	big, err := reverse.NewDataset(4097, 1, 1, make([]byte, 4097), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSubset(&bytes.Buffer{}, big); err == nil || !strings.Contains(err.Error(), "limits") {
		t.Errorf("WriteSubset of a 4097-wide image: error %v, want one about the limits", err)
	}
}

// FuzzReadSubset: ReadSubset never panics, and whatever it accepts it
// writes back byte for byte.
func FuzzReadSubset(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte(SubsetMagic))
	f.Add(subsetFile(SubsetMagic, 2, 2, 2, 1, 1, []byte{3, 4, 1, 2, 3, 4, 5, 6, 7, 8}))
	f.Add(subsetFile(SubsetMagic, 1, 2, 1, 3, 0, []byte{0, 255, 1, 2, 3, 4}))
	f.Add(subsetFile(SubsetMagic, 1, 1, 1, 1, 1, []byte{9}))
	f.Add(subsetFile(SubsetMagic, 0xffffffff, 4096, 4096, 4, 1, nil))
	f.Add(subsetFile(SubsetMagic, 3, 1, 1, 1, 0, []byte{1, 2, 3, 4}))
	f.Add(subsetFile("DSSLVDS0", 1, 1, 1, 1, 0, []byte{1}))
	f.Fuzz(func(t *testing.T, file []byte) {
		d, err := ReadSubset(bytes.NewReader(file))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteSubset(&buf, d); err != nil {
			t.Fatalf("read, but cannot write back: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), file) {
			t.Fatalf("read %d bytes, wrote back %d different ones", len(file), buf.Len())
		}
	})
}
