// Package compute is what a page's Web Worker computes: the reverse
// process of package reverse over a data set the worker was sent, with
// arguments and results shaped for a message protocol (JSON for the
// numbers, flat float32 and byte arrays for the pictures).
//
// It knows nothing of JavaScript: the worker's main package (wasm/worker,
// js && wasm) decodes a request into the argument structs here, calls an
// Engine method and hands the result's Arrays to JavaScript as typed
// arrays, and this package tests natively and in Node.
//
// # Operations
//
//   - Load: a data set from the bytes of a subset file
//     (dataset.ReadSubset; web/data/mnist-train.bin), kept under a name.
//   - Sample: one reverse run from seed, every visited x_t with the
//     denoiser's x̂_0 at it, the ideal denoiser's effective N per step, and
//     the end's nearest training image, distance and novelty.
//   - Grid: several seeds at once (reverse.Sampler.SampleBatch, the same
//     bits as one by one), each x_0 with its nearest training image.
//   - Loss: L_simple(t) (reverse.SimpleLoss) of a denoiser over the
//     training subset it knows and over held-out images.
//   - Chain: the forward Markov chain's nodes n_t = x_t − √ᾱ_t·x_0 at
//     given steps (diffusion.Trajectory, kept between requests), which do
//     not depend on x_0: the page installs them into its own trajectory
//     (diffusion.Trajectory.Install) and only adds √ᾱ_t·x_0. Given a
//     picture's key, it also converts x_t to RGBA with the x_0 sent by
//     Picture, so that the page only uploads the frame
//     (diffusion.Trajectory.InstallFrame).
//   - Picture: the page's x_0 at its processing size, kept (one at a time)
//     under its diffusion.PictureKey for Chain's frames.
//
// # Memory
//
// A worker's Markov chain has a budget, ChainBytes (96 MiB): the nodes
// cached by its kept trajectories together and the picture; one Chain
// answer is at most ChainReplyBytes. ChainMemory reports what is kept.
//
// # Pixels are float32
//
// x_t and x̂_0 travel as float32, the sampler's own numbers, not as bytes:
// x_t leaves [−1, 1] on the way back (x_T is N(0, I)), which a byte would
// clip and the page's histogram against N(0, 1) needs; and the same seed
// and settings must give the same bits in every worker, natively and on
// the page (a checksum of x_0 is compared across them). A 50-step run of a
// 28×28 digit is 51 frames × 784 × 4 B × 2 ≈ 320 kB, transferred without
// a copy; for longer runs or larger pictures Every keeps one frame in k.
//
// # Errors
//
// Every refused argument is a *diffusion.ParamError naming the field as
// the request spells it and its allowed range, e.g.
// "denoiser must be one of ideal, local, oracle, got \"best\"".
package compute
