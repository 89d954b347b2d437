package reverse_test

import (
	"fmt"

	"dissolve/dataset"
	"dissolve/diffusion"
	"dissolve/reverse"
)

// A digit from noise: 50 DDIM steps with the ideal denoiser over 1,000
// MNIST training digits. The perfect denoiser memorises, so the sample is
// one of the training digits, to the last bit.
func Example() {
	dir, err := dataset.MNISTDir()
	if err != nil {
		fmt.Println(err)
		return
	}
	train, err := dataset.LoadMNIST(dir, "train")
	if err != nil {
		fmt.Println(err)
		return
	}
	digits := train.Subset(1000)
	s, _ := diffusion.NewSchedule(diffusion.LessonConfig())
	ideal := reverse.NewIdeal(s, digits)
	sampler, _ := reverse.NewSampler(s, ideal, reverse.Config{Method: reverse.DDIM, Steps: 50, Spacing: reverse.Trailing})

	x := make([]float32, digits.Dim())
	sampler.Sample(x, 2026, nil)
	m := reverse.Novelty(digits, x)
	fmt.Printf("nearest training digit: #%d, a %d, at RMS distance %.3f (novelty %.2f)\n",
		m.Index, digits.Labels[m.Index], m.Distance, m.Novelty)
	// Output:
	// nearest training digit: #124, a 1, at RMS distance 0.000 (novelty 0.00)
}
