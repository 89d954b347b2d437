package reverse

// Parameterisations. A network (or a closed-form denoiser) may predict x̂_0,
// ε̂, v̂ or the score; at a step t with a = √ᾱ_t and b = √(1 − ᾱ_t), and
// x_t = a·x_0 + b·ε, each determines the others given x_t:
//
//	ε̂ = (x_t − a·x̂_0)/b                       (EpsFromX0; b > 0 for t ≥ 1)
//	x̂_0 = (x_t − b·ε̂)/a                       (X0FromEps; undefined where a = 0)
//	v̂ = a·ε̂ − b·x̂_0                            (Salimans & Ho 2022)
//	x̂_0 = a·x_t − b·v̂,  ε̂ = b·x_t + a·v̂        (X0FromV, EpsFromV; valid for a = 0)
//	score ∇ log p(x_t) = −ε̂/b                   (Score)
//
// (the v identities use a² + b² = 1). Every function works element-wise, in
// float32 with float64 coefficients rounded once, and lets dst alias an
// input. a and b are taken as arguments so that a caller computes them once
// per step, from diffusion.Schedule's SqrtAlphaBar and SqrtOneMinusAlphaBar.

// EpsFromX0 writes ε̂ = (x_t − a·x̂_0)/b into dst.
func EpsFromX0(dst, xt, x0 []float32, a, b float64) {
	fa, inv := float32(a), float32(1/b)
	for i := range dst {
		dst[i] = float32(xt[i]-float32(fa*x0[i])) * inv
	}
}

// X0FromEps writes x̂_0 = (x_t − b·ε̂)/a into dst and reports true, or, where
// a = 0 (ᾱ_t = 0 under zero terminal SNR: x_t holds no trace of x_0, and an
// ε-prediction cannot say what x_0 was), leaves dst alone and reports false.
// This is why zero-terminal-SNR models predict v or x_0 (Lin et al. 2023).
func X0FromEps(dst, xt, eps []float32, a, b float64) bool {
	if a == 0 {
		return false
	}
	fb, inv := float32(b), float32(1/a)
	for i := range dst {
		dst[i] = float32(xt[i]-float32(fb*eps[i])) * inv
	}
	return true
}

// VFromX0 writes v̂ = a·ε̂ − b·x̂_0 with ε̂ from x̂_0 (EpsFromX0), which
// simplifies to v̂ = (a·x_t − x̂_0)/b.
func VFromX0(dst, xt, x0 []float32, a, b float64) {
	fa, inv := float32(a), float32(1/b)
	for i := range dst {
		dst[i] = float32(float32(fa*xt[i])-x0[i]) * inv
	}
}

// X0FromV writes x̂_0 = a·x_t − b·v̂ into dst.
func X0FromV(dst, xt, v []float32, a, b float64) {
	fa, fb := float32(a), float32(b)
	for i := range dst {
		dst[i] = float32(fa*xt[i]) - float32(fb*v[i])
	}
}

// EpsFromV writes ε̂ = b·x_t + a·v̂ into dst.
func EpsFromV(dst, xt, v []float32, a, b float64) {
	fa, fb := float32(a), float32(b)
	for i := range dst {
		dst[i] = float32(fb*xt[i]) + float32(fa*v[i])
	}
}

// Score writes the score of q(x_t), ∇_{x_t} log q(x_t) = −ε̂/b, into dst
// (Tweedie's formula read backwards: E[x_0 | x_t] = (x_t + b²·score)/a).
func Score(dst, eps []float32, b float64) {
	inv := float32(-1 / b)
	for i := range dst {
		dst[i] = eps[i] * inv
	}
}

// Clip clamps x̂_0 into [−1, 1], the range of the data (diffusers'
// clip_sample). It returns how many values it changed.
func Clip(x0 []float32) int {
	n := 0
	for i, v := range x0 {
		if v > 1 {
			x0[i] = 1
			n++
		} else if v < -1 {
			x0[i] = -1
			n++
		}
	}
	return n
}
