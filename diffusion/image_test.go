package diffusion_test

import (
	"image"
	"image/color"
	"testing"

	"dissolve/diffusion"
)

func TestFromImageSize(t *testing.T) {
	cases := []struct{ sw, sh, size, w, h int }{
		{100, 50, 64, 64, 32},
		{50, 100, 64, 32, 64},
		{1000, 3, 256, 256, 1},
		{3, 1000, 256, 1, 256},
		{32, 32, 256, 256, 256},
		{640, 480, 512, 512, 384},
		{7, 5, 7, 7, 5},
		{10, 10, 0, 1, 1},
	}
	for _, c := range cases {
		p := diffusion.FromImage(image.NewRGBA(image.Rect(0, 0, c.sw, c.sh)), c.size)
		if p.W != c.w || p.H != c.h || len(p.Pix) != 3*c.w*c.h || p.N() != c.w*c.h {
			t.Errorf("%d×%d at %d: got %d×%d (len %d), want %d×%d", c.sw, c.sh, c.size, p.W, p.H, len(p.Pix), c.w, c.h)
		}
	}
	if p := diffusion.FromImage(image.NewRGBA(image.Rectangle{}), 64); p.W != 1 || p.H != 1 {
		t.Errorf("empty image gave %d×%d", p.W, p.H)
	}
}

func v(b float64) float32 { return float32(b/127.5 - 1) }

func TestFromImageBoxAndNearest(t *testing.T) {
	// 4×2 → size 2: each target pixel averages a 2×2 block.
	src := image.NewRGBA(image.Rect(10, 20, 14, 22)) // non-zero origin
	vals := [2][4]uint8{{0, 10, 200, 255}, {20, 30, 100, 101}}
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			src.Set(10+x, 20+y, color.RGBA{vals[y][x], 255 - vals[y][x], 7, 255})
		}
	}
	p := diffusion.FromImage(src, 2)
	if p.W != 2 || p.H != 1 {
		t.Fatalf("got %d×%d, want 2×1", p.W, p.H)
	}
	wantR := []float32{v((0 + 10 + 20 + 30) / 4.0), v((200 + 255 + 100 + 101) / 4.0)}
	for x := 0; x < 2; x++ {
		if p.Pix[x] != wantR[x] || p.Pix[2+x] != v(255-(float64(vals[0][2*x])+float64(vals[0][2*x+1])+float64(vals[1][2*x])+float64(vals[1][2*x+1]))/4) || p.Pix[4+x] != v(7) {
			t.Errorf("pixel %d: R %v G %v B %v", x, p.Pix[x], p.Pix[2+x], p.Pix[4+x])
		}
	}
	// 2×2 → size 4: nearest neighbour, each source pixel becomes a 2×2 block.
	small := image.NewGray(image.Rect(0, 0, 2, 2))
	small.Pix = []uint8{0, 85, 170, 255}
	q := diffusion.FromImage(small, 4)
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			want := v(float64(small.Pix[(y/2)*2+x/2]))
			for c := 0; c < 3; c++ {
				if got := q.Pix[c*16+y*4+x]; got != want {
					t.Fatalf("enlarged (%d,%d) channel %d = %v, want %v", x, y, c, got, want)
				}
			}
		}
	}
}

func TestPlanarRoundTrip(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 37, 23))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 31)
		if i%4 == 3 {
			src.Pix[i] = 255
		}
	}
	p := diffusion.FromImage(src, 37)
	for _, x := range p.Pix {
		if x < -1 || x > 1 {
			t.Fatalf("value %v outside [−1, 1]", x)
		}
	}
	img := p.Image()
	for y := 0; y < 23; y++ {
		for x := 0; x < 37; x++ {
			if got, want := img.RGBAAt(x, y), src.NRGBAAt(x, y); got != (color.RGBA{want.R, want.G, want.B, 255}) {
				t.Fatalf("(%d,%d): %v, want %v", x, y, got, want)
			}
		}
	}
	// YCbCr (a decoded JPEG) goes through image/draw.
	yc := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	for i := range yc.Y {
		yc.Y[i] = uint8(i)
	}
	for i := range yc.Cb {
		yc.Cb[i], yc.Cr[i] = 128, 128
	}
	g := diffusion.FromImage(yc, 16)
	if g.Pix[5] != v(5) || g.Pix[256+5] != v(5) {
		t.Errorf("grey YCbCr pixel 5 = %v, %v; want %v", g.Pix[5], g.Pix[256+5], v(5))
	}
}
