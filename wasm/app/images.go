package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // uploads: GIF (first frame)
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	_ "golang.org/x/image/webp" // uploads: WebP
)

const (
	// DefaultImage is the picture the page opens with.
	DefaultImage = "astronaut"
	// UploadImage names the visitor's own picture once one is loaded.
	UploadImage = "upload"
)

// Builtin describes one built-in picture.
type Builtin struct {
	Name string
	// File is the picture's file in web/images (photographs and the tiny
	// picture); empty for synthetic ones. The page fetches these files next
	// to the WebAssembly, rather than carrying them inside it.
	File string
	// Synth draws a synthetic picture at the processing size (so that it is
	// sharp at every size).
	Synth func(size int) image.Image
}

// Builtins are the pictures shipped with the page, in menu order.
// Photographs come from scikit-image's sample data (as packaged by Debian
// in python3-skimage); the README credits them.
var Builtins = []Builtin{
	{Name: "astronaut", File: "astronaut.jpg"},
	{Name: "cat", File: "cat.jpg"},
	{Name: "coffee", File: "coffee.jpg"},
	{Name: "tiny", File: "tiny.png"},
	{Name: "gradient", Synth: Gradient},
	{Name: "checkerboard", Synth: Checkerboard},
	{Name: "text", Synth: Text},
}

// Library is the set of pictures the state may name: the built-ins, plus
// "upload" once the visitor has given one.
type Library struct {
	// Files holds the bytes of the built-in pictures' files, by file name.
	Files map[string][]byte
	// Missing names the built-in files that did not load (a broken
	// deployment): their pictures are left out of Names and refused.
	Missing map[string]bool
	// Upload is the visitor's picture, if any; UploadGen counts the
	// pictures uploaded so far (a run over "uploads" depends on it).
	Upload    image.Image
	UploadGen int
}

// BuiltinFiles lists the files of the built-in pictures.
func BuiltinFiles() []string {
	var files []string
	for _, b := range Builtins {
		if b.File != "" {
			files = append(files, b.File)
		}
	}
	return files
}

// ReadBuiltinFiles reads the built-in pictures' files from dir (web/images
// of the repository). Tests and native tools use it; the page fetches them.
func ReadBuiltinFiles(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, f := range BuiltinFiles() {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		files[f] = data
	}
	return files, nil
}

// Has reports whether name can be shown now.
func (l *Library) Has(name string) bool {
	if name == UploadImage {
		return l.Upload != nil
	}
	b, ok := findBuiltin(name)
	return ok && !l.Missing[b.File]
}

// Fallback returns name if it can be shown, or else the first built-in
// picture that can (the synthetic ones need no file).
func (l *Library) Fallback(name string) string {
	if l.Has(name) {
		return name
	}
	for _, b := range Builtins {
		if l.Has(b.Name) {
			return b.Name
		}
	}
	return name
}

// Names lists the valid picture names.
func (l *Library) Names() []string {
	names := make([]string, 0, len(Builtins)+1)
	for _, b := range Builtins {
		if !l.Missing[b.File] {
			names = append(names, b.Name)
		}
	}
	if l.Upload != nil {
		names = append(names, UploadImage)
	}
	return names
}

// Picture returns the picture called name, to be resampled to size.
func (l *Library) Picture(name string, size int) (image.Image, error) {
	if name == UploadImage {
		if l.Upload == nil {
			return nil, errors.New("no picture has been uploaded")
		}
		return l.Upload, nil
	}
	b, ok := findBuiltin(name)
	if !ok {
		return nil, fmt.Errorf("unknown picture %q", name)
	}
	if b.Synth != nil {
		return b.Synth(size), nil
	}
	data, ok := l.Files[b.File]
	if !ok {
		return nil, fmt.Errorf("picture %q did not load (web/images/%s)", name, b.File)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

func findBuiltin(name string) (Builtin, bool) {
	for _, b := range Builtins {
		if b.Name == name {
			return b, true
		}
	}
	return Builtin{}, false
}

// Upload limits. A decompression bomb is a small file whose header claims
// a huge picture; it is refused from the header, before any decoding.
const (
	MaxUploadBytes  = 64 << 20 // 64 MiB of file
	MaxUploadPixels = 50e6     // 50 megapixels
	MaxUploadSide   = 16384    // pixels on either side
)

// UploadFormats are the decoders registered for uploads.
var UploadFormats = []string{"PNG", "JPEG", "GIF", "WebP"}

// DecodeUpload decodes a visitor's picture, refusing oversized, corrupt
// and non-image data with an error that says which limit was hit. The page
// calls it only for pictures that UploadPlan leaves to the core; larger
// ones are decoded and reduced off the main thread (LoadPixels).
func DecodeUpload(data []byte) (image.Image, error) {
	_, format, err := UploadHeader(data, len(data))
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, corruptError(format, err)
	}
	return img, nil
}

// ErrShortHeader says that the first bytes given to UploadHeader end
// before the picture's header does: give it more of the file.
var ErrShortHeader = errors.New("picture: the header goes on past the bytes given")

// UploadHeader checks a file of n bytes whose first bytes are head (all
// of it, or a prefix) against the upload limits from its header alone:
// image.DecodeConfig reads the format and size without decoding a pixel,
// so a decompression bomb costs nothing. It returns ErrShortHeader when
// head is a proper prefix that ends inside a recognised format's header.
func UploadHeader(head []byte, n int) (image.Config, string, error) {
	if n <= 0 {
		return image.Config{}, "", &FieldError{Field: "picture", Code: CodeFileEmpty}
	}
	if n > MaxUploadBytes {
		return image.Config{}, "", FileSizeError(n)
	}
	head = head[:min(len(head), n)]
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		f := sniff(head)
		if f != "" && len(head) < n {
			return image.Config{}, "", ErrShortHeader
		}
		if f != "" {
			return image.Config{}, "", corruptError(f, err)
		}
		return image.Config{}, "", &FieldError{Field: "picture", Code: CodeFileFormat, Options: UploadFormats, Got: err.Error()}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxUploadSide || cfg.Height > MaxUploadSide ||
		float64(cfg.Width)*float64(cfg.Height) > MaxUploadPixels {
		return image.Config{}, "", &FieldError{Field: "picture", Code: CodeFilePixels, Got: fmt.Sprintf("%d×%d", cfg.Width, cfg.Height),
			Args: map[string]string{"side": fmt.Sprint(MaxUploadSide), "megapixels": fmt.Sprint(int(MaxUploadPixels / 1e6))}}
	}
	return cfg, format, nil
}

// Uploads the core (Go, on the page's main thread) decodes itself: a side
// of at most MaxKeptSide pixels and a file of at most MaxCoreUploadBytes.
// Go's WebAssembly memory never shrinks, so everything a decode allocates
// stays the page's for good: at these limits a decode costs at most
// 8 MiB of file + 8 MiB of 16-bit pixels + 4 MiB of RGBA.
const (
	// MaxKeptSide is the longest side of the picture the library keeps:
	// the largest processing size (MaxSize); exports are smaller.
	MaxKeptSide        = MaxSize
	MaxCoreUploadBytes = 8 << 20
)

// UploadPlan says how the page loads a picture of w×h pixels in a file of
// n bytes: by the core's decoder (DecodeUpload), or, when it is larger,
// by the browser's decoder in a Web Worker, reduced there to rw×rh —
// the longer side MaxKeptSide, the aspect ratio rounded as FromImage
// does — and handed to the core as RGBA (LoadPixels).
type UploadPlan struct {
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Format  string `json:"format"`
	Browser bool   `json:"browser"`          // decode in a Web Worker, not in the core
	RWidth  int    `json:"rwidth,omitempty"` // the size to reduce to (Browser only)
	RHeight int    `json:"rheight,omitempty"`
}

// PlanUpload is UploadPlan for a picture whose header UploadHeader read.
func PlanUpload(cfg image.Config, format string, n int) UploadPlan {
	p := UploadPlan{Width: cfg.Width, Height: cfg.Height, Format: format}
	if max(cfg.Width, cfg.Height) <= MaxKeptSide && n <= MaxCoreUploadBytes {
		return p
	}
	p.Browser = true
	p.RWidth, p.RHeight = KeptSize(cfg.Width, cfg.Height)
	return p
}

// KeptSize is the size a w×h picture is kept at: itself if its longer
// side is at most MaxKeptSide, else reduced to that side, the shorter
// side round(short·MaxKeptSide/long), at least 1 (as diffusion.FromImage).
func KeptSize(w, h int) (int, int) {
	if max(w, h) <= MaxKeptSide {
		return w, h
	}
	if w >= h {
		return MaxKeptSide, max(1, (h*MaxKeptSide+w/2)/w)
	}
	return max(1, (w*MaxKeptSide+h/2)/h), MaxKeptSide
}

// LoadPixels makes the picture the browser decoded and reduced (see
// UploadPlan): w×h pixels of straight (not premultiplied) RGBA, as
// canvas getImageData gives them. The size must be one KeptSize can give.
func LoadPixels(w, h int, rgba []byte) (image.Image, error) {
	if w < 1 || h < 1 || w > MaxKeptSide || h > MaxKeptSide {
		return nil, &FieldError{Field: "picture", Code: CodeFilePixels, Got: fmt.Sprintf("%d×%d", w, h),
			Args: map[string]string{"side": fmt.Sprint(MaxKeptSide), "megapixels": fmt.Sprint(MaxKeptSide * MaxKeptSide / 1e6)}}
	}
	if len(rgba) != 4*w*h {
		return nil, corruptError("rgba", fmt.Errorf("%d bytes for %d×%d pixels, want %d", len(rgba), w, h, 4*w*h))
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	copy(img.Pix, rgba)
	return img, nil
}

// UploadCorrupt is the refusal of a picture whose header was good but
// whose pixels the browser could not decode.
func UploadCorrupt(format, detail string) error {
	return corruptError(format, errors.New(detail))
}

// sniff names the format whose signature data starts with, or "".
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xff, 0xd8}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "gif"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

func corruptError(format string, err error) *FieldError {
	return &FieldError{Field: "picture", Code: CodeFileCorrupt, Args: map[string]string{"format": format}, Got: err.Error()}
}

// FileSizeError refuses a file of n bytes, more than MaxUploadBytes.
func FileSizeError(n int) *FieldError {
	return &FieldError{Field: "picture", Code: CodeFileSize, Max: num(MaxUploadBytes >> 20), Got: fmt.Sprintf("%.1f", float64(n)/(1<<20))}
}

// Gradient is a smooth two-dimensional colour ramp: its power sits at the
// lowest frequencies, so it survives noise longest.
func Gradient(size int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			u := float64(x) / float64(size-1)
			v := float64(y) / float64(size-1)
			img.SetRGBA(x, y, color.RGBA{
				R: uint8(math.Round(255 * u)),
				G: uint8(math.Round(255 * v)),
				B: uint8(math.Round(255 * (1 - u) * (1 - v))),
				A: 255,
			})
		}
	}
	return img
}

// Checkerboard is 8×8 black and white squares: sharp edges, high frequencies.
func Checkerboard(size int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			c := color.RGBA{0, 0, 0, 255}
			if (x*8/size+y*8/size)%2 == 0 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// Text writes the lesson's formula in a bitmap font, magnified so its
// strokes are a few pixels wide at any size.
func Text(size int) image.Image {
	lines := []string{"DDPM", "x_t =", "sqrt(a_t) x_0", "+ sqrt(1-a_t) e"}
	// Lay the text out at the font's own size, then magnify by an integer.
	face := basicfont.Face7x13
	w, h := 0, len(lines)*13+6
	for _, l := range lines {
		if n := font.MeasureString(face, l).Ceil(); n > w {
			w = n
		}
	}
	w += 6
	small := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(small, small.Bounds(), image.NewUniform(color.RGBA{250, 240, 200, 255}), image.Point{}, draw.Src)
	d := font.Drawer{Dst: small, Src: image.NewUniform(color.RGBA{20, 30, 120, 255}), Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(3, 3+11+13*i)
		d.DrawString(l)
	}
	k := size / w
	if k < 1 {
		k = 1
	}
	img := image.NewRGBA(image.Rect(0, 0, w*k, h*k))
	for y := 0; y < h*k; y++ {
		for x := 0; x < w*k; x++ {
			img.SetRGBA(x, y, small.RGBAAt(x/k, y/k))
		}
	}
	return img
}
