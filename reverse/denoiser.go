package reverse

// Denoiser is the model of the reverse process: given x_t and its step t
// (1..T), it writes its estimate x̂_0 of the clean image into dst. Every
// parameterisation (ε̂, v̂, the score) follows from x̂_0 (see EpsFromX0).
//
// dst and xt have the image's length D and must not overlap. A Denoiser is
// not safe for concurrent use unless it says so.
type Denoiser interface {
	Denoise(dst, xt []float32, t int)
}
