package diffusion

import (
	"image"
	"image/draw"
)

// Planar is an image as a vector of 3·H·W numbers, the lesson's x: three
// planes R, G, B one after the other, each W·H values row-major, each value
// in [−1, 1] (byte b ↦ b/127.5 − 1). Pix has length 3·W·H.
type Planar struct {
	W, H int
	Pix  []float32
}

// NewPlanar returns a w×h planar image of zeros (mid grey).
func NewPlanar(w, h int) *Planar {
	return &Planar{W: w, H: h, Pix: make([]float32, 3*w*h)}
}

// N returns W·H, the number of pixels (a third of len(Pix)).
func (p *Planar) N() int { return p.W * p.H }

// FromImage converts img to a Planar whose longer side is size pixels (the
// aspect ratio kept, the shorter side at least 1). Shrinking averages the
// source pixels that fall in each target pixel (a box filter); enlarging
// repeats them (nearest neighbour), so a 32×32 picture shows its pixels.
// Values are v = byte/127.5 − 1, the byte being the box average of the 8-bit
// channel. Transparent pixels count as alpha-premultiplied, i.e. over black.
// A size below 1 is treated as 1; an empty image gives a 1×1 black image.
func FromImage(img image.Image, size int) *Planar {
	return FromImageBuf(img, size, nil)
}

// FromImageBuf is FromImage writing the numbers into buf when its capacity
// allows (every number is written), so that a caller that makes x_0 again
// and again (a new picture, a new size) can reuse the memory of one it no
// longer reads. The returned Planar is new; only its Pix may be buf's.
func FromImageBuf(img image.Image, size int, buf []float32) *Planar {
	size = max(size, 1)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 {
		p := NewPlanar(1, 1)
		for i := range p.Pix {
			p.Pix[i] = -1
		}
		return p
	}
	var w, h int
	if sw >= sh {
		w, h = size, max(1, (sh*size+sw/2)/sw)
	} else {
		w, h = max(1, (sw*size+sh/2)/sh), size
	}
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(image.Rect(0, 0, sw, sh))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	} else {
		src = src.SubImage(b).(*image.RGBA)
	}
	xs := boxRanges(sw, w)
	ys := boxRanges(sh, h)
	p := &Planar{W: w, H: h}
	if n := 3 * w * h; cap(buf) >= n {
		p.Pix = buf[:n]
	} else {
		p.Pix = make([]float32, n)
	}
	n := w * h
	for y := 0; y < h; y++ {
		y0, y1 := ys[2*y], ys[2*y+1]
		for x := 0; x < w; x++ {
			x0, x1 := xs[2*x], xs[2*x+1]
			var r, g, bl int
			for yy := y0; yy < y1; yy++ {
				row := src.Pix[yy*src.Stride+4*x0 : yy*src.Stride+4*x1]
				for i := 0; i+3 < len(row); i += 4 {
					r += int(row[i])
					g += int(row[i+1])
					bl += int(row[i+2])
				}
			}
			cnt := float64((y1 - y0) * (x1 - x0))
			i := y*w + x
			p.Pix[i] = float32(float64(r)/cnt/127.5 - 1)
			p.Pix[n+i] = float32(float64(g)/cnt/127.5 - 1)
			p.Pix[2*n+i] = float32(float64(bl)/cnt/127.5 - 1)
		}
	}
	return p
}

// boxRanges maps each of the d target indices to the half-open range of the
// s source indices it covers: [i·s/d, (i+1)·s/d) when shrinking (at least one
// pixel), the single nearest pixel ⌊(i + ½)·s/d⌋ when enlarging. It returns
// lo, hi pairs.
func boxRanges(s, d int) []int {
	r := make([]int, 2*d)
	for i := 0; i < d; i++ {
		var lo, hi int
		if d <= s {
			lo, hi = i*s/d, (i+1)*s/d
			hi = max(hi, lo+1)
		} else {
			lo = (2*i + 1) * s / (2 * d)
			hi = lo + 1
		}
		r[2*i], r[2*i+1] = lo, hi
	}
	return r
}

// Image returns p as an 8-bit RGBA image (see ToRGBA).
func (p *Planar) Image() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.W, p.H))
	ToRGBA(img.Pix, p.Pix)
	return img
}
