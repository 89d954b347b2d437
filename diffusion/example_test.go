package diffusion_test

import (
	"fmt"

	"dissolve/diffusion"
)

// The lesson's schedule: ᾱ_T for T = 1000 and β linear from 1e-4 to 0.02.
func ExampleNewSchedule() {
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		panic(err)
	}
	fmt.Println(s.AlphaBar[s.T])
	fmt.Printf("√ᾱ_T = %.5f of the signal remains\n", s.SqrtAlphaBar(s.T))
	// Output:
	// 4.035829765375676e-05
	// √ᾱ_T = 0.00635 of the signal remains
}

// Errors name the field and the allowed range.
func ExampleConfig_Validate() {
	c := diffusion.LessonConfig()
	c.T = 0
	fmt.Println(c.Validate())
	// Output: T must be an integer in 1..10000, got 0
}

// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε in one step, for one pixel.
func ExampleClosedForm() {
	s, _ := diffusion.NewSchedule(diffusion.LessonConfig())
	x0 := []float32{1, -1, 0}   // a red pixel: R, G, B planes of a 1×1 image
	eps := []float32{0, 0.5, 2} // a given ε
	xt := make([]float32, 3)
	for _, t := range []int{0, 100, 1000} {
		diffusion.ClosedForm(xt, x0, eps, float32(s.SqrtAlphaBar(t)), float32(s.SqrtOneMinusAlphaBar(t)))
		fmt.Printf("t=%4d: %.4f\n", t, xt)
	}
	// Output:
	// t=   0: [1.0000 -1.0000 0.0000]
	// t= 100: [0.9471 -0.7867 0.6418]
	// t=1000: [0.0064 0.4936 2.0000]
}

// Adding the coefficients of two noise terms, (A + B)·ε, overstates the
// noise: variances add, not standard deviations.
func ExampleTwoStepVariance() {
	right, wrong := diffusion.TwoStepVariance(0.9, 0.8)
	fmt.Printf("1 − α₁α₂ = %.4f, (A + B)² = %.4f\n", right, wrong)
	s, _ := diffusion.NewSchedule(diffusion.LessonConfig())
	fmt.Printf("at t = T: right std %.4f, wrong-algebra std %.2f\n", s.SqrtOneMinusAlphaBar(s.T), s.WrongSumStd(s.T))
	// Output:
	// 1 − α₁α₂ = 0.2800, (A + B)² = 0.5330
	// at t = T: right std 1.0000, wrong-algebra std 14.97
}
