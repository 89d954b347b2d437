package app_test

import (
	"math"
	"testing"

	"dissolve/wasm/app"
)

func TestFitPicture(t *testing.T) {
	for _, c := range []struct {
		w, h, sw, sh int
		scale, x, y  float64
	}{
		{256, 256, 512, 512, 2, 0, 0},              // same shape: exact
		{256, 256, 640, 672, 2.625, -16, 0},        // an embed 640 wide: fills, 16 px cut each side
		{256, 256, 358, 355, 358.0 / 256, 0, -1.5}, // a phone: fills
		{256, 256, 1366, 768, 3, 299, 0},           // a wide full screen: whole, with bands
		{512, 256, 600, 600, 600.0 / 512, 0, 150},  // 2:1 in a square: whole
	} {
		s, x, y := app.FitPicture(c.w, c.h, c.sw, c.sh)
		if math.Abs(s-c.scale) > 1e-9 || math.Abs(x-c.x) > 1e-9 || math.Abs(y-c.y) > 1e-9 {
			t.Errorf("FitPicture(%d, %d, %d, %d) = %v, %v, %v; want %v, %v, %v", c.w, c.h, c.sw, c.sh, s, x, y, c.scale, c.x, c.y)
		}
		// Either the picture covers the screen, or it is whole on it.
		pw, ph := s*float64(c.w), s*float64(c.h)
		covers := pw >= float64(c.sw)-1e-9 && ph >= float64(c.sh)-1e-9
		whole := pw <= float64(c.sw)+1e-9 && ph <= float64(c.sh)+1e-9
		if !covers && !whole {
			t.Errorf("%+v: neither covers nor fits", c)
		}
		if covers && (1-float64(c.sw)/pw > app.MaxFillCrop+1e-9 || 1-float64(c.sh)/ph > app.MaxFillCrop+1e-9) {
			t.Errorf("%+v: crops more than %v", c, app.MaxFillCrop)
		}
	}
}
