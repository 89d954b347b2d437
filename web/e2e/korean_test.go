//go:build browser

package e2e

import (
	"testing"
)

// TestKoreanRenders: the Korean page draws Hangul, not empty boxes: two
// different syllables in the page's font give different pixels (a missing
// font draws the same .notdef box for both). scripts/install-chromium.sh
// installs Debian's fonts-noto-cjk for this.
func TestKoreanRenders(t *testing.T) {
	ctx, base := openPage(t, "?play=0&lang=ko")
	var r struct {
		Differ bool
		Font   string
		Inked  int
	}
	evalJSON(t, ctx, `(() => {
		const font = getComputedStyle(document.querySelector('.lede')).fontFamily;
		const draw = (s) => {
			const c = document.createElement('canvas');
			c.width = 64; c.height = 64;
			const g = c.getContext('2d');
			g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
			g.fillStyle = '#000'; g.font = '48px ' + font; g.textBaseline = 'top';
			g.fillText(s, 4, 4);
			return g.getImageData(0, 0, 64, 64).data;
		};
		const a = draw('가'), b = draw('름');
		let differ = false, inked = 0;
		for (let i = 0; i < a.length; i += 4) { if (a[i] !== b[i]) differ = true; if (a[i] < 128) inked++; }
		return {Differ: differ, Font: font, Inked: inked};
	})()`, &r)
	if !r.Differ || r.Inked == 0 {
		t.Errorf("Hangul in %s draws the same box for 가 and 름 (%d dark pixels): no Korean font (install fonts-noto-cjk)", r.Font, r.Inked)
	}
	screenshot(t, ctx, "korean-page", "main.layout")
	assertClean(t, ctx, base)
}
