package app_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// The upload fixtures are real files, shared with the browser tests.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "web", "e2e", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testLibrary is the page's library with the built-in files read from
// web/images, as the page fetches them.
func testLibrary(t *testing.T) *app.Library {
	t.Helper()
	files, err := app.ReadBuiltinFiles(filepath.Join("..", "..", "web", "images"))
	if err != nil {
		t.Fatal(err)
	}
	return &app.Library{Files: files}
}

func TestMissingFileIsAnError(t *testing.T) {
	if _, err := (&app.Library{}).Picture("cat", 64); err == nil || !strings.Contains(err.Error(), `picture "cat" did not load`) {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeUpload(t *testing.T) {
	tests := []struct {
		file    string
		w, h    int
		wantErr string
	}{
		{file: "stripes.png", w: 96, h: 64},
		{file: "warm.jpg", w: 80, h: 120},
		{file: "truncated.jpg", wantErr: "picture: the jpeg file is corrupt or truncated"},
		{file: "not-an-image.png", wantErr: "picture: not a PNG, JPEG, GIF or WebP file this page can read"},
		{file: "bomb.png", wantErr: "picture: must be at most 16384×16384 pixels and 50 megapixels, got 100000×100000"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			img, err := app.DecodeUpload(fixture(t, tc.file))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("size %v, want %d×%d", b, tc.w, tc.h)
			}
		})
	}
}

func TestDecodeUploadRejectsEmptyAndHuge(t *testing.T) {
	if _, err := app.DecodeUpload(nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: err = %v", err)
	}
	huge := make([]byte, app.MaxUploadBytes+1)
	if _, err := app.DecodeUpload(huge); err == nil || !strings.Contains(err.Error(), "at most 64 MiB") {
		t.Errorf("huge: err = %v", err)
	}
}

func TestBuiltinsDecodeAtEverySize(t *testing.T) {
	l := testLibrary(t)
	for _, b := range app.Builtins {
		for _, size := range []int{app.MinSize, 256} {
			img, err := l.Picture(b.Name, size)
			if err != nil {
				t.Fatalf("%s: %v", b.Name, err)
			}
			p := diffusion.FromImage(img, size)
			if max(p.W, p.H) != size {
				t.Errorf("%s at %d: x_0 is %d×%d", b.Name, size, p.W, p.H)
			}
		}
	}
	if l.Has(app.UploadImage) {
		t.Error("upload is available before any upload")
	}
}

// A built-in picture whose file did not load is left out and refused,
// and the page falls back to one that needs no file.
func TestMissingPictureFallsBack(t *testing.T) {
	l := &app.Library{Missing: map[string]bool{"astronaut.jpg": true}}
	if l.Has("astronaut") || slices.Contains(l.Names(), "astronaut") || l.Fallback("astronaut") != "cat" {
		t.Errorf("Has %v, Names %v, Fallback %q", l.Has("astronaut"), l.Names(), l.Fallback("astronaut"))
	}
	for _, f := range app.BuiltinFiles() {
		l.Missing[f] = true
	}
	if got := l.Fallback(app.DefaultImage); got != "gradient" {
		t.Errorf("with no files, Fallback = %q, want gradient", got)
	}
	if _, err := app.Default().Apply(app.Patch{"image": "cat"}, l); err == nil {
		t.Error("a picture whose file is missing was accepted")
	}
}
