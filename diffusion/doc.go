// Package diffusion is the mathematics of DDPM's forward process, the part of
// a diffusion model that turns a picture into noise, small enough to run
// live in a browser.
//
// # The lesson in formulas
//
// An image is a vector of 3·H·W numbers (see Planar), and "the image's
// distribution" is the distribution of those numbers. The forward process
// adds a little Gaussian noise T times (Ho et al. 2020, eq. 2):
//
//	q(x_t | x_{t−1}) = N(x_t; √α_t·x_{t−1}, (1 − α_t)·I),  α_t = 1 − β_t
//	x_t = √α_t·x_{t−1} + √(1 − α_t)·ε,  ε ~ N(0, I)            (MarkovStep)
//
// with a small, increasing β_t; the lesson uses T = 1000 and β_t from 1e-4 to
// 0.02, linearly (LessonConfig). Unrolled, the steps collapse into one
// (eq. 4):
//
//	ᾱ_t = α_1·α_2·…·α_t
//	x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε                               (ClosedForm)
//
// The lesson's warning: when unrolling, two noise terms add their variances,
// not their coefficients. A·ε₁ + B·ε₂ has variance A² + B², so writing it as
// (A + B)·ε is wrong (TwoStepVariance, Schedule.WrongSumStd).
//
// For the lesson's schedule ᾱ_T = 4.035829765375676e-05: x_T is close to
// N(0, I) but not exactly (√ᾱ_T ≈ 0.00635 of the signal remains;
// Schedule.PriorKL measures it). A zero-terminal-SNR rescaling (Lin et al.
// 2023) makes ᾱ_T exactly 0.
//
// Why not normalise x_0 in one shot, (x_0 − mean)/std? That gives mean 0
// and std 1 but keeps the shape of the distribution: it is not Gaussian.
// ZScore, Summarize and KSNormal make the difference measurable: the KS
// distance to N(0, 1) of a z-scored picture stays large, that of x_T is
// tiny.
//
// # Indexing
//
// Schedule tables have length T+1 and are indexed by the lesson's t: index 0
// is t = 0 (β = 0, α = ᾱ = 1, no noise), index t = 1..T is β_t, α_t, ᾱ_t.
// numpy's beta_t[i] (0-based, as in the lesson's code) is Beta[i+1].
//
// # What else is here
//
//   - Schedule: linear, scaled-linear, cosine and sigmoid schedules, with
//     SNR, posterior q(x_{t−1} | x_t, x_0) (Ho et al. 2020, eq. 6–7),
//     exact jumps q(x_{t+k} | x_t) and the prior KL.
//   - Noise: counter-based Gaussian noise, reproducible from (seed, stream,
//     index), bit-identical natively and in WebAssembly.
//   - Trajectory: one run of the Markov chain that can be scrubbed both
//     ways, each x_t reproducible, built as a Brownian-bridge tree split
//     at powers of two, with a node cache that Prefetch fills ahead of a
//     player, and Install fills with nodes computed elsewhere (a Web
//     Worker's trajectory with the same NoiseKey: a node does not depend
//     on x_0).
//   - Stats, Histogram: the numbers of a frame against N(0, 1).
//
// All frame arithmetic is float32 with every product rounded before it is
// added (no fused multiply-add), and nothing on the pixel path calls
// platform-dependent math, so a frame has the same bits natively and in the
// browser. Precisely: the noise, the forward frames and the trajectory are
// bit-identical on every build (the golden checksums pass natively, under
// GOAMD64=v3 and in WebAssembly). The float64 schedule tables are
// identical on amd64 at the default GOAMD64=v1 and in WebAssembly; on
// builds that fuse multiply-adds (GOAMD64=v3, arm64) the code here rounds
// every product explicitly, but math.Cos (the cosine schedule) and
// math.Erfc (NormalCDF) may fuse inside the standard library, so a few
// entries can differ there in the last bit. No pixel has been seen to
// change.
//
// # Speed
//
// docs/performance.md, written by make bench, times the kernels per
// 512×512×3 frame natively and in WebAssembly, against the lesson's
// formulas in vectorised NumPy (../shared/bench/numpy_forward.py) on the
// same machine. What made the difference, measured in wasm: no branch per
// channel when clipping to a byte (random clipping mispredicts), no
// function call per pixel (the byte conversion is inlined by hand), one
// uint32 store per pixel, re-sliced equal-length slices so bounds checks
// go away, a noise loop with no call in it, and a bridge node that draws
// its noise and sums in the same loop (fillBridge).
//
// # Sources
//
//   - J. Ho, A. Jain, P. Abbeel, "Denoising Diffusion Probabilistic Models",
//     2020, arXiv:2006.11239; code hojonathanho/diffusion,
//     diffusion_tf/diffusion_utils_2.py (linear and "quad" schedules).
//   - A. Nichol, P. Dhariwal, "Improved Denoising Diffusion Probabilistic
//     Models", 2021, arXiv:2102.09672; code openai/improved-diffusion,
//     gaussian_diffusion.py (cosine schedule, betas_for_alpha_bar).
//   - S. Lin, B. Liu, J. Li, X. Yang, "Common Diffusion Noise Schedules and
//     Sample Steps are Flawed", 2023, arXiv:2305.08891 (zero terminal SNR).
//   - Hugging Face diffusers, src/diffusers/schedulers/scheduling_ddpm.py
//     (schedule names, sigmoid schedule, rescale_zero_terminal_snr).
//   - G. Marsaglia, W. W. Tsang, "The Ziggurat Method for Generating Random
//     Variables", J. Stat. Softw. 5(8), 2000 (Gaussian noise).
package diffusion
