package app

import (
	"image"
	"math"
)

// MaxFillCrop is the largest share of the picture's width or height that
// FitPicture crops to fill the screen: 1/8.
const MaxFillCrop = 0.125

// FitPicture places a w×h picture on a sw×sh screen: the scale from
// picture pixels to screen pixels and the screen position of the
// picture's top-left corner. When the screen's shape is close to the
// picture's (filling it crops at most MaxFillCrop of the picture's width
// or height), the picture fills the screen, centred, its overflow cut
// off, as a video fills its frame: an embed 640 px wide whose controls
// leave 672 px of height shows a square picture at 672² with 16 px cut
// on each side instead of two 16 px bands. Otherwise (a square picture on
// a wide full screen) it is shown whole, centred, with bands.
func FitPicture(w, h, sw, sh int) (scale, x, y float64) {
	fw, fh := float64(sw)/float64(w), float64(sh)/float64(h)
	contain, cover := math.Min(fw, fh), math.Max(fw, fh)
	scale = contain
	if cover > 0 && 1-contain/cover <= MaxFillCrop {
		scale = cover
	}
	return scale, (float64(sw) - scale*float64(w)) / 2, (float64(sh) - scale*float64(h)) / 2
}

// Rect is a pane's place on the canvas, in fractions of its width and
// height (so the page can put a label over it whatever its size).
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// PaneLayout places n panes of w×h pixels on a screen of sw×sh pixels: the
// grid of cols × ⌈n/cols⌉ cells that shows them largest, with a gap of gap
// pixels between cells. As the single view does (FitPicture), each pane
// fills its cell, centred and its overflow cut off, when that crops at
// most MaxFillCrop of the picture's width or height — two panes side by
// side in an embed shaped for them show no bands — and is shown whole,
// centred, otherwise. It returns the shown part of each pane (fractions of
// the screen), row by row, and the scale from picture pixels to screen
// pixels.
func PaneLayout(n, w, h, sw, sh, gap int) ([]Rect, float64) {
	n, w, h = max(n, 1), max(w, 1), max(h, 1)
	if sw <= 0 || sh <= 0 {
		return make([]Rect, n), 0
	}
	bestCols, best := 1, -1.0
	for cols := 1; cols <= n; cols++ {
		rows := (n + cols - 1) / cols
		cw := float64(sw-(cols-1)*gap) / float64(cols)
		ch := float64(sh-(rows-1)*gap) / float64(rows)
		// On a tie the wider grid wins: side by side reads best.
		if sc := math.Min(cw/float64(w), ch/float64(h)); sc >= best*(1-1e-12) {
			best, bestCols = sc, cols
		}
	}
	cols := bestCols
	rows := (n + cols - 1) / cols
	pw, ph := best*float64(w), best*float64(h)
	cw := float64(sw-(cols-1)*gap) / float64(cols)
	ch := float64(sh-(rows-1)*gap) / float64(rows)
	if cover := math.Max(cw/float64(w), ch/float64(h)); cover > 0 && 1-best/cover <= MaxFillCrop {
		best, pw, ph = cover, cw, ch
	}
	totalW := float64(cols)*pw + float64((cols-1)*gap)
	totalH := float64(rows)*ph + float64((rows-1)*gap)
	x0 := (float64(sw) - totalW) / 2
	y0 := (float64(sh) - totalH) / 2
	rects := make([]Rect, n)
	for i := range rects {
		c, r := i%cols, i/cols
		x := x0 + float64(c)*(pw+float64(gap))
		y := y0 + float64(r)*(ph+float64(gap))
		rects[i] = Rect{X: x / float64(sw), Y: y / float64(sh), W: pw / float64(sw), H: ph / float64(sh)}
	}
	return rects, best
}

// PaneGap is the gap between panes on a screen sw pixels wide.
func PaneGap(sw int) int { return max(4, sw/100) }

// Placement is where one pane goes on the screen: the part of the picture
// shown (Src, in picture pixels: all of it unless its cell crops it), the
// screen position of that part's top-left corner and the scale from
// picture pixels to screen pixels. The single view is not cut (the
// screen's edge does that): its X, Y may be negative.
type Placement struct {
	X, Y, Scale float64
	Src         image.Rectangle
}

// PlacePanes places n panes of w×h pixels on a sw×sh screen. One pane is
// the single view, placed by FitPicture (filling the screen when that
// crops little); more go in PaneLayout's grid, PaneGap apart, each corner
// on a whole screen pixel, each cut to its cell when it fills it.
func PlacePanes(n, w, h, sw, sh int) []Placement {
	all := image.Rect(0, 0, w, h)
	if n <= 1 {
		scale, x, y := FitPicture(w, h, sw, sh)
		return []Placement{{X: x, Y: y, Scale: scale, Src: all}}
	}
	rects, scale := PaneLayout(n, w, h, sw, sh, PaneGap(sw))
	out := make([]Placement, n)
	for i, r := range rects {
		src := all
		if scale > 0 {
			// The shown part, in picture pixels, centred in the picture.
			vw := min(w, int(math.Round(r.W*float64(sw)/scale)))
			vh := min(h, int(math.Round(r.H*float64(sh)/scale)))
			src = image.Rect((w-vw)/2, (h-vh)/2, (w-vw)/2+vw, (h-vh)/2+vh)
		}
		out[i] = Placement{X: math.Round(r.X * float64(sw)), Y: math.Round(r.Y * float64(sh)), Scale: scale, Src: src}
	}
	return out
}
