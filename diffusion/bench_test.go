package diffusion_test

import (
	"strconv"
	"testing"

	"dissolve/diffusion"
)

// Frame sizes of the benchmarks: n×n pixels, 3·n² numbers. Compare with
// ../shared/bench/numpy_forward.py (the lesson's formulas in vectorised NumPy).
var benchSizes = []int{256, 512, 1024}

func BenchmarkClosedFormRGBA(b *testing.B) {
	s := mustSchedule(b, diffusion.LessonConfig())
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x0 := randomFrame(n*n, 1, 0, 0.6)
			eps := randomFrame(n*n, 1, 1, 1)
			rgba := make([]byte, 4*n*n)
			b.SetBytes(int64(len(rgba)))
			i := 0
			for b.Loop() {
				t := (i * 37) % s.T
				i++
				diffusion.ClosedFormRGBA(rgba, x0, eps, float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t)))
			}
		})
	}
}

// BenchmarkMarkovStep is one step of the chain with fresh noise, to RGBA: the
// work of NumPy's "markov step (fresh noise)" frame (3·n² Gaussians, update
// x, convert to bytes).
func BenchmarkMarkovStep(b *testing.B) {
	s := mustSchedule(b, diffusion.LessonConfig())
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x := randomFrame(n*n, 1, 0, 0.6)
			rgba := make([]byte, 4*n*n)
			noise := diffusion.Noise{Seed: 1}
			b.SetBytes(int64(len(rgba)))
			i := 0
			for b.Loop() {
				t := i%s.T + 1
				i++
				diffusion.MarkovStepRGBA(rgba, x, x, s.Alpha[t], noise, uint64(t))
			}
		})
	}
}

// BenchmarkTrajectorySequential steps a Trajectory t → t+1 and renders RGBA.
func BenchmarkTrajectorySequential(b *testing.B) {
	s := mustSchedule(b, diffusion.LessonConfig())
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x0 := randomFrame(n*n, 1, 0, 0.6)
			tr := diffusion.NewTrajectory(s, x0, 1)
			rgba := make([]byte, 4*n*n)
			b.SetBytes(int64(len(rgba)))
			i := 0
			for b.Loop() {
				tr.RGBAAt(i%s.T+1, rgba)
				i++
			}
		})
	}
}

func BenchmarkStats(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x := randomFrame(n*n, 1, 0, 1)
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				diffusion.Summarize(x)
			}
		})
	}
}

// BenchmarkNoiseFill is the Gaussian generator alone (3·n² values).
func BenchmarkNoiseFill(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x := make([]float32, 3*n*n)
			noise := diffusion.Noise{Seed: 1}
			b.SetBytes(int64(4 * len(x)))
			s := uint64(0)
			for b.Loop() {
				noise.Fill(x, s)
				s++
			}
		})
	}
}
