// Package reverse is the lesson's next episode: the reverse process that
// turns noise back into a picture, the loss a network is trained on, and
// the best possible denoiser — computed exactly, with no trained network,
// on real data.
//
// # From noise back to a picture
//
// The forward process (package diffusion) destroys a picture step by step;
// its last step x_T is close to N(0, I). To run it backwards we need the law
// of x_{t−1} given x_t. Given x_0 too, it is Gaussian and known in closed
// form (Ho et al. 2020, eqs. 6–7; Posterior):
//
//	q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t·I)
//	μ̃_t = √ᾱ_{t−1}·β_t/(1 − ᾱ_t)·x_0 + √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)·x_t
//	β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t
//
// We do not know x_0 — that is what we are making. A model supplies an
// estimate x̂_0 = D(x_t, t) (a Denoiser), and a sampler plugs it into μ̃:
//
//   - DDPM (Ho et al. 2020, Algorithm 2): x_{t−1} = μ̃_t(x_t, x̂_0) + σ_t·z,
//     σ_t² = β̃_t ("fixed small") or β_t ("fixed large"), all T steps.
//   - DDIM (Song et al. 2021, eq. 12): over S ≤ T steps t → t',
//     x_{t'} = √ᾱ_{t'}·x̂_0 + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z, with
//     σ = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'}); η = 0 is
//     deterministic, η = 1 with S = T is DDPM. Which S steps: Spacing, as
//     diffusers names them (leading, trailing, linspace).
//
// A network may predict x̂_0, the noise ε̂, the velocity v̂ or the score
// instead; each determines the others (EpsFromX0, X0FromV, Score, …), except
// that x_0 cannot be read from ε̂ where ᾱ_t = 0 (zero terminal SNR).
//
// Randomness is counter-based (diffusion.Noise): x_T and each step's z are
// pure functions of (seed, step), so a seed and the settings fix every bit
// of a run, natively and in WebAssembly, and any part of a run can be
// recomputed in any order.
//
// # The loss, and the best possible denoiser
//
// DDPM trains ε̂ to minimise L_simple(t) = E‖ε − ε̂(x_t, t)‖² (Ho et al.
// 2020, eq. 14; SimpleLoss, VLBTerm). A squared error is minimised by a
// conditional mean, so over a finite training set X = {X_1, …, X_N} the
// minimiser has a closed form (Ideal):
//
//	x̂_0(x_t, t) = E[x_0 | x_t] = Σ_n w_n·X_n,
//	w = softmax_n(−‖x_t − √ᾱ_t·X_n‖²/(2(1 − ᾱ_t)))
//
// This is what a network trained to perfection converges to, and it is a
// disappointment: as t → 0 the weights snap onto the training image nearest
// x_t, so every sample is a copy of a training image. The perfect model
// memorises (Kadkhodaie, Guth, Simoncelli & Mallat 2024, "Generalization in
// diffusion models arises from geometry-adaptive harmonic representations").
// Its training loss is the floor no network can beat on X; the gap to its
// loss on held-out images measures the memorisation.
//
// Real networks create new images because they are not perfect in a
// particular way: a convolutional network sees each pixel through a small
// receptive field. Kamb & Ganguli (2024, "An analytic theory of creativity
// in convolutional diffusion models") make that exact: the ideal denoiser
// restricted to the P×P patch around each pixel (Local: LS, comparing
// patches at the same place, and ELS, at every place). Its samples are
// mosaics of training patches that fit together locally — new digits,
// found in no data set. Novelty measures it: the distance to the nearest
// training image relative to the typical distance between training images
// (a copy scores 0, a new digit about 1).
//
// # Data
//
// A Dataset is N byte images; package dataset loads MNIST (LeCun, Cortes &
// Burges) from the GoMNIST module's original files, the page's subset, and
// photographs.
//
// # Speed
//
// The ideal denoiser reads each training digit's inked pixels only (about a
// fifth of MNIST's 784: exact algebra, see sparse), in float64, and skips
// the images whose weight is below e^−50 of the largest with a proven bound
// on the effect (Ideal). Its passes are cut into fixed chunks that run on
// every core natively and one after the other in WebAssembly, with the same
// bits. make bench compares it with ../shared/bench/numpy_reverse.py.
//
// # References
//
//   - Ho, Jain & Abbeel 2020, Denoising diffusion probabilistic models
//     (arXiv 2006.11239).
//   - Song, Meng & Ermon 2021, Denoising diffusion implicit models
//     (arXiv 2010.02502).
//   - Salimans & Ho 2022, Progressive distillation (v-prediction,
//     arXiv 2202.00512).
//   - Lin, Liu, Li & Yang 2023, Common diffusion noise schedules and sample
//     steps are flawed (zero terminal SNR, timestep spacings,
//     arXiv 2305.08891).
//   - Kamb & Ganguli 2024, An analytic theory of creativity in
//     convolutional diffusion models (arXiv 2412.20292).
//   - Kadkhodaie, Guth, Simoncelli & Mallat 2024, Generalization in
//     diffusion models arises from geometry-adaptive harmonic
//     representations (ICLR 2024, arXiv 2310.02557).
//   - Hugging Face diffusers, schedulers/scheduling_ddpm.py and
//     scheduling_ddim.py, and their tests (TestDiffusersDDIM).
package reverse
