package app_test

import (
	"image"
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

// TestUploadHeader: the limits are read from the header alone, a prefix
// that ends inside it asks for more, and the plan sends a picture larger
// than the core keeps to the browser's decoder at the kept size.
func TestUploadHeader(t *testing.T) {
	stripes := fixture(t, "stripes.png")
	bomb := fixture(t, "bomb.png")
	tests := []struct {
		name    string
		head    []byte
		n       int
		want    app.UploadPlan
		wantErr string
	}{
		{name: "whole", head: stripes, n: len(stripes), want: app.UploadPlan{Width: 96, Height: 64, Format: "png"}},
		{name: "prefix", head: stripes[:40], n: len(stripes), want: app.UploadPlan{Width: 96, Height: 64, Format: "png"}},
		{name: "short", head: stripes[:20], n: len(stripes), wantErr: app.ErrShortHeader.Error()},
		{name: "truncated file", head: stripes[:20], n: 20, wantErr: "the png file is corrupt or truncated"},
		{name: "big file", head: stripes[:40], n: app.MaxCoreUploadBytes + 1,
			want: app.UploadPlan{Width: 96, Height: 64, Format: "png", Browser: true, RWidth: 96, RHeight: 64}},
		{name: "bomb", head: bomb[:64], n: len(bomb), wantErr: "got 100000×100000"},
		{name: "junk", head: []byte("hello"), n: 1 << 20, wantErr: "not a PNG, JPEG, GIF or WebP"},
		{name: "empty", head: nil, n: 0, wantErr: "empty"},
		{name: "too big", head: stripes, n: app.MaxUploadBytes + 1, wantErr: "at most 64 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, format, err := app.UploadHeader(tc.head, tc.n)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := app.PlanUpload(cfg, format, tc.n); got != tc.want {
				t.Errorf("plan %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestKeptSize(t *testing.T) {
	for _, tc := range []struct{ w, h, kw, kh int }{
		{96, 64, 96, 64},
		{1024, 1024, 1024, 1024},
		{7000, 7000, 1024, 1024},
		{4000, 3000, 1024, 768},
		{3000, 4000, 768, 1024},
		{16384, 1, 1024, 1},
		{1025, 1, 1024, 1},
	} {
		if kw, kh := app.KeptSize(tc.w, tc.h); kw != tc.kw || kh != tc.kh {
			t.Errorf("KeptSize(%d, %d) = %d×%d, want %d×%d", tc.w, tc.h, kw, kh, tc.kw, tc.kh)
		}
		// The same rounding as FromImage's at the kept side.
		if tc.w > app.MaxKeptSide || tc.h > app.MaxKeptSide {
			p := diffusion.FromImage(image.NewRGBA(image.Rect(0, 0, tc.w, tc.h)), app.MaxKeptSide)
			if p.W != tc.kw || p.H != tc.kh {
				t.Errorf("FromImage of %d×%d: %d×%d, KeptSize %d×%d", tc.w, tc.h, p.W, p.H, tc.kw, tc.kh)
			}
		}
	}
}

// TestLoadPixels: the browser's reduced RGBA becomes the picture, straight
// alpha as Go's decoders give it; wrong sizes are refused.
func TestLoadPixels(t *testing.T) {
	rgba := []byte{255, 0, 0, 255, 0, 255, 0, 128}
	img, err := app.LoadPixels(2, 1, rgba)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, _, a := img.At(1, 0).RGBA(); r != 0 || g != 0x8080 || a != 0x8080 {
		t.Errorf("pixel (1, 0) = %v", img.At(1, 0))
	}
	for _, tc := range []struct {
		w, h int
		n    int
	}{{2, 2, 8}, {0, 1, 0}, {app.MaxKeptSide + 1, 1, 4 * (app.MaxKeptSide + 1)}} {
		if _, err := app.LoadPixels(tc.w, tc.h, make([]byte, tc.n)); app.AsFieldError(err) == nil {
			t.Errorf("LoadPixels(%d, %d, %d bytes): err = %v, want a refusal", tc.w, tc.h, tc.n, err)
		}
	}
}
