package reverse_test

import (
	"image"
	_ "image/jpeg"
	"os"
	"testing"

	"dissolve/dataset"
	"dissolve/diffusion"
	"dissolve/reverse"
)

// TestIdealSnapsToAPhoto: the page's three photographs at 32² (RGB) as a
// tiny data set. The ideal denoiser's sample is one of them, exactly; with
// so few images the snap happens early, and the weight concentration shows
// it: effective N falls from about 3 at t = T to 1.
func TestIdealSnapsToAPhoto(t *testing.T) {
	var imgs []image.Image
	for _, name := range []string{"astronaut", "cat", "coffee"} {
		f, err := os.Open("../web/images/" + name + ".jpg")
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	photos, err := dataset.FromImages(imgs, 32)
	if err != nil {
		t.Fatal(err)
	}
	s := mustSchedule(t, diffusion.LessonConfig())
	m := reverse.NewIdeal(s, photos)
	var effN []float64
	sp, _ := reverse.NewSampler(s, m, reverse.Config{Method: reverse.DDPM, Variance: reverse.Small})
	seen := map[int]bool{}
	x := make([]float32, photos.Dim())
	for seed := range uint64(6) {
		effN = effN[:0]
		sp.Sample(x, seed, func(i, tt int, _, _ []float32) {
			if i >= 0 {
				effN = append(effN, m.Stats().EffectiveN)
			}
		})
		match := reverse.Novelty(photos, x)
		if match.Distance > 1e-6 {
			t.Errorf("seed %d: sample at RMS %.3g from photo %d, want a copy", seed, match.Distance, match.Index)
		}
		seen[match.Index] = true
		if effN[0] < 2.5 || effN[len(effN)-1] != 1 {
			t.Errorf("seed %d: effective N from %.3f to %.3f, want ≈3 to 1", seed, effN[0], effN[len(effN)-1])
		}
	}
	if len(seen) < 2 {
		t.Errorf("6 seeds found only photos %v", seen)
	}
}
