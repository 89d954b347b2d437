package reverse_test

import (
	"fmt"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// Benchmarks of the reverse process on real MNIST digits, beside
// ../shared/bench/numpy_reverse.py (make bench runs both and prints the
// ratios). As in the NumPy reference: the lesson's linear schedule, the
// denoiser called at t = 300 on a standard normal x_t, N the first N
// training digits.

func benchIdeal(b *testing.B, n, batch int) {
	train, _ := mnistSets(b)
	s := mustSchedule(b, diffusion.LessonConfig())
	m := reverse.NewIdeal(s, train.Subset(n))
	xt := make([][]float32, batch)
	dst := make([][]float32, batch)
	for k := range xt {
		xt[k] = gauss(train.Dim(), 1, uint64(k))
		dst[k] = make([]float32, train.Dim())
	}
	b.ResetTimer()
	for range b.N {
		if batch == 1 {
			m.Denoise(dst[0], xt[0], 300)
		} else {
			m.DenoiseBatch(dst, xt, 300)
		}
	}
}

func BenchmarkIdeal(b *testing.B) {
	for _, n := range []int{1000, 10000, 60000} {
		for _, batch := range []int{1, 16} {
			b.Run(fmt.Sprintf("N=%d/batch=%d", n, batch), func(b *testing.B) { benchIdeal(b, n, batch) })
		}
	}
}

// BenchmarkSample: whole samples of one digit with the ideal denoiser over
// 10,000 training digits: DDPM's 1000 steps, DDIM's 50, and a 4×4 grid of
// 50-step DDIM samples computed as one batch.
func BenchmarkSample(b *testing.B) {
	train, _ := mnistSets(b)
	s := mustSchedule(b, diffusion.LessonConfig())
	m := reverse.NewIdeal(s, train.Subset(10000))
	for _, c := range []struct {
		name  string
		cfg   reverse.Config
		batch int
	}{
		{"DDPM1000/N=10000", reverse.Config{Method: reverse.DDPM, Variance: reverse.Small}, 1},
		{"DDIM50/N=10000", reverse.Config{Method: reverse.DDIM, Steps: 50, Spacing: reverse.Trailing}, 1},
		{"DDIM50grid16/N=10000", reverse.Config{Method: reverse.DDIM, Steps: 50, Spacing: reverse.Trailing}, 16},
	} {
		b.Run(c.name, func(b *testing.B) {
			sp, err := reverse.NewSampler(s, m, c.cfg)
			if err != nil {
				b.Fatal(err)
			}
			xs := make([][]float32, c.batch)
			seeds := make([]uint64, c.batch)
			for k := range xs {
				xs[k] = make([]float32, train.Dim())
				seeds[k] = uint64(k)
			}
			b.ResetTimer()
			for i := range b.N {
				seeds[0] = uint64(i)
				if c.batch == 1 {
					sp.Sample(xs[0], seeds[0], nil)
				} else {
					sp.SampleBatch(xs, seeds)
				}
			}
		})
	}
}
