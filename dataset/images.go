package dataset

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// MaxImageSize bounds FromImages' size: 147²·3 numbers is the most a
// reverse.Dataset image may hold (reverse.MaxDim).
const MaxImageSize = 147

// FromImages returns the data set of imgs at size×size, C = 3 (planes R,
// G, B). Each picture is first cropped to its largest centred square (of
// side min(width, height), the odd pixel of an uneven margin going to the
// right or bottom), then converted by diffusion.FromImage(square, size), so
// its numbers are exactly FromImage's: the box average of each channel when
// shrinking, nearest neighbour when enlarging, transparent pixels over
// black. The byte kept is round((v+1)·127.5) of FromImage's value v, i.e.
// the rounded box average (an average ending in .5 goes whichever way
// FromImage's float32 leans); when no averaging happens (a size×size picture
// enlarged or kept) it is the picture's own byte and reverse.ByteValue of
// it is bit for bit FromImage's float32.
//
// size must be 1 to MaxImageSize and every picture non-empty. The result
// has no labels.
func FromImages(imgs []image.Image, size int) (*reverse.Dataset, error) {
	if len(imgs) == 0 {
		return nil, errors.New("dataset: FromImages: no images")
	}
	if size < 1 || size > MaxImageSize {
		return nil, fmt.Errorf("dataset: FromImages: size %d: want 1 to %d", size, MaxImageSize)
	}
	d := 3 * size * size
	pix := make([]byte, len(imgs)*d)
	for n, img := range imgs {
		if img == nil {
			return nil, fmt.Errorf("dataset: FromImages: image %d is nil", n)
		}
		sq := CenterSquare(img)
		if sq.Bounds().Empty() {
			return nil, fmt.Errorf("dataset: FromImages: image %d is empty (%v)", n, img.Bounds())
		}
		p := diffusion.FromImage(sq, size)
		if p.W != size || p.H != size || len(p.Pix) != d {
			return nil, fmt.Errorf("dataset: FromImages: image %d came out %d×%d, want %d×%d", n, p.W, p.H, size, size)
		}
		out := pix[n*d : (n+1)*d]
		for i, v := range p.Pix {
			out[i] = toByte(v)
		}
	}
	return reverse.NewDataset(size, size, 3, pix, nil)
}

// toByte is the byte round((v+1)·127.5) of a value v in [−1, 1], clamped.
func toByte(v float32) byte {
	b := math.Round((float64(v) + 1) * 127.5)
	return byte(min(max(b, 0), 255))
}

// CenterSquare returns img's largest centred square: a view when img can
// make sub-images (as every image the standard decoders return can),
// otherwise a copy as RGBA. An empty img gives an empty image.
func CenterSquare(img image.Image) image.Image {
	b := img.Bounds()
	s := min(b.Dx(), b.Dy())
	if s <= 0 {
		return image.NewRGBA(image.Rectangle{})
	}
	x0, y0 := b.Min.X+(b.Dx()-s)/2, b.Min.Y+(b.Dy()-s)/2
	r := image.Rect(x0, y0, x0+s, y0+s)
	if r == b {
		return img
	}
	if si, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return si.SubImage(r)
	}
	dst := image.NewRGBA(image.Rect(0, 0, s, s))
	draw.Draw(dst, dst.Bounds(), img, r.Min, draw.Src)
	return dst
}
