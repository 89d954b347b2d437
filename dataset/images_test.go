package dataset

import (
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// builtinPhotos are the page's built-in photographs.
var builtinPhotos = []string{"astronaut.jpg", "cat.jpg", "coffee.jpg"}

func decode(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "web", "images", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

func TestFromImagesBuiltinPhotos(t *testing.T) {
	var imgs []image.Image
	for _, name := range builtinPhotos {
		imgs = append(imgs, decode(t, name))
	}
	for _, size := range []int{32, 64} {
		d, err := FromImages(imgs, size)
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != 3 || d.W != size || d.H != size || d.C != 3 || d.Labels != nil {
			t.Fatalf("size %d: %d images of %d×%d×%d (labels %v)", size, d.Len(), d.W, d.H, d.C, d.Labels)
		}
		for n, img := range imgs {
			// Each byte is FromImage's value of the centred square,
			// rounded: within half a step of it.
			p := diffusion.FromImage(CenterSquare(img), size)
			for i, b := range d.Bytes(n) {
				if diff := math.Abs(float64(reverse.ByteValue[b]) - float64(p.Pix[i])); diff > 0.5/127.5+1e-6 {
					t.Fatalf("%s at %d: byte %d is %v, FromImage %v", builtinPhotos[n], size, b, reverse.ByteValue[b], p.Pix[i])
				}
			}
		}
		// The astronaut is 512×512: a size² box is an exact 16² or 8²
		// block, so the bytes can be checked from the decoded pixels
		// alone, without diffusion.
		rgba := image.NewRGBA(imgs[0].Bounds())
		draw.Draw(rgba, rgba.Bounds(), imgs[0], imgs[0].Bounds().Min, draw.Src)
		k := 512 / size
		for y := range size {
			for x := range size {
				for c := range 3 {
					sum := 0
					for yy := y * k; yy < (y+1)*k; yy++ {
						for xx := x * k; xx < (x+1)*k; xx++ {
							sum += int(rgba.Pix[yy*rgba.Stride+4*xx+c])
						}
					}
					// The rounded average; a tie (x.5) may go either
					// way, as FromImage's float32 leans.
					avg := float64(sum) / float64(k*k)
					lo, hi := byte(math.Round(avg)), byte(math.Round(avg))
					if 2*sum%(k*k) == 0 && sum%(k*k) != 0 {
						lo, hi = byte(math.Floor(avg)), byte(math.Ceil(avg))
					}
					if got := d.Bytes(0)[c*size*size+y*size+x]; got != lo && got != hi {
						t.Fatalf("astronaut at %d, plane %d, (%d,%d): byte %d, want the rounded %d×%d average %v", size, c, x, y, got, k, k, avg)
					}
				}
			}
		}
	}
}

// randomRGBA is a w×h opaque picture of random bytes whose bounds start at
// (ox, oy).
func randomRGBA(seed uint64, ox, oy, w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(ox, oy, ox+w, oy+h))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

// When no averaging happens the bytes are the picture's own and their
// numbers FromImage's bit for bit; the crop is the centred square.
func TestFromImagesExact(t *testing.T) {
	for _, tc := range []struct {
		name         string
		img          image.Image
		size         int
		x0, y0, side int // the square, in img's coordinates
		scale        int // size / side
	}{
		{"square, kept", randomRGBA(1, 0, 0, 16, 16), 16, 0, 0, 16, 1},
		{"wide, cropped", randomRGBA(2, 0, 0, 21, 16), 16, 2, 0, 16, 1},
		{"tall, cropped, offset bounds", randomRGBA(3, -5, 7, 12, 19), 12, -5, 10, 12, 1},
		{"enlarged 3×", randomRGBA(4, 0, 0, 10, 8), 24, 1, 0, 8, 3},
		{"not RGBA (NRGBA)", toNRGBA(randomRGBA(5, 3, 3, 9, 9)), 9, 3, 3, 9, 1},
		{"no SubImage method", onlyImage{randomRGBA(6, 0, 0, 14, 10)}, 10, 2, 0, 10, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := FromImages([]image.Image{tc.img, tc.img}, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			p := diffusion.FromImage(tc.img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(tc.x0, tc.y0, tc.x0+tc.side, tc.y0+tc.side)), tc.size)
			if tc.name == "no SubImage method" {
				p = diffusion.FromImage(tc.img.(onlyImage).RGBA.SubImage(image.Rect(tc.x0, tc.y0, tc.x0+tc.side, tc.y0+tc.side)), tc.size)
			}
			s := tc.size
			for n := range 2 {
				b := d.Bytes(n)
				for i := range b {
					if reverse.ByteValue[b[i]] != p.Pix[i] {
						t.Fatalf("value %d: %v, FromImage %v", i, reverse.ByteValue[b[i]], p.Pix[i])
					}
				}
				for y := range s {
					for x := range s {
						r, g, bl, _ := tc.img.At(tc.x0+x/tc.scale, tc.y0+y/tc.scale).RGBA()
						want := [3]byte{byte(r >> 8), byte(g >> 8), byte(bl >> 8)}
						for c := range 3 {
							if got := b[c*s*s+y*s+x]; got != want[c] {
								t.Fatalf("plane %d (%d,%d): %d, want %d", c, x, y, got, want[c])
							}
						}
					}
				}
			}
		})
	}
}

// onlyImage hides the SubImage method of the image it wraps.
type onlyImage struct{ *image.RGBA }

func (o onlyImage) ColorModel() color.Model { return o.RGBA.ColorModel() }
func (o onlyImage) Bounds() image.Rectangle { return o.RGBA.Bounds() }
func (o onlyImage) At(x, y int) color.Color { return o.RGBA.At(x, y) }

func toNRGBA(src *image.RGBA) *image.NRGBA {
	dst := image.NewNRGBA(src.Bounds())
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	return dst
}

func TestFromImagesErrors(t *testing.T) {
	ok := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for _, tc := range []struct {
		name string
		imgs []image.Image
		size int
		want string
	}{
		{"no images", nil, 8, "no images"},
		{"size 0", []image.Image{ok}, 0, "size 0"},
		{"size too big", []image.Image{ok}, MaxImageSize + 1, "size 148"},
		{"nil image", []image.Image{ok, nil}, 8, "image 1 is nil"},
		{"empty image", []image.Image{image.NewRGBA(image.Rect(0, 0, 5, 0))}, 8, "image 0 is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromImages(tc.imgs, tc.size)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestToByte(t *testing.T) {
	for b := range 256 {
		if got := toByte(reverse.ByteValue[b]); int(got) != b {
			t.Errorf("toByte(ByteValue[%d]) = %d", b, got)
		}
	}
	for v, want := range map[float32]byte{-1.5: 0, 2: 255, 0: 128, -1: 0, 1: 255} {
		if got := toByte(v); got != want {
			t.Errorf("toByte(%v) = %d, want %d", v, got, want)
		}
	}
}
