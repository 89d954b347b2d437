package app

import "math"

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
