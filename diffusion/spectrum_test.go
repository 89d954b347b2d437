package diffusion_test

import (
	"fmt"
	"math"
	"testing"

	"dissolve/diffusion"
)

// White noise of variance σ² has P(u, v) = σ² in expectation at every
// frequency (Parseval), so every radial bin must sit near σ². The bins
// average many frequencies (about πk of them for bin k), and each |X|² is
// an exponential variable; half of them are independent (a real tile's
// spectrum is conjugate-symmetric), so a bin's relative standard error is
// about 1/√(πk·r/2) for r tiles. Each bin must be within five of those
// (the window correlates neighbouring frequencies a little), and their
// mean within 3%.
func TestPowerSpectrumWhiteNoiseIsFlat(t *testing.T) {
	for _, tc := range []struct {
		n      int
		window bool
		sigma  float64
	}{
		{64, false, 1},
		{64, true, 1},
		{128, false, 0.5},
		{96, true, 2}, // not a power of two
	} {
		t.Run(fmt.Sprintf("n=%d window=%v sigma=%g", tc.n, tc.window, tc.sigma), func(t *testing.T) {
			ps := diffusion.NewPowerSpectrum(tc.n, tc.window)
			const tiles = 64
			x := make([]float32, tc.n*tc.n)
			mean := make([]float64, ps.Bins())
			var out []float64
			for r := 0; r < tiles; r++ {
				diffusion.Noise{Seed: 42}.Fill(x, uint64(r))
				for i := range x {
					x[i] *= float32(tc.sigma)
				}
				out = ps.Radial(out, x, 0, tc.n)
				for k, v := range out {
					mean[k] += v / tiles
				}
			}
			want := tc.sigma * tc.sigma
			for k := 2; k < len(mean); k++ { // bins 0 and 1 hold too few frequencies to average
				tol := 5 / math.Sqrt(math.Pi*float64(k)*tiles/2)
				if rel := math.Abs(mean[k]/want - 1); rel > tol {
					t.Errorf("bin %d: power %.4g, want %.4g ± %.0f%% (off by %.0f%%)", k, mean[k], want, 100*tol, 100*rel)
				}
			}
			// Averaged over all bins the level is much tighter.
			s := 0.0
			for k := 2; k < len(mean); k++ {
				s += mean[k]
			}
			if avg := s / float64(len(mean)-2); math.Abs(avg/want-1) > 0.03 {
				t.Errorf("mean level %.4g, want %.4g ± 3%%", avg, want)
			}
		})
	}
}

// A plane wave cos(2π(k_x·x + k_y·y)/n) has all its power at the two
// frequencies ±(k_y, k_x), at radius √(k_x² + k_y²): the radial spectrum
// must peak in that bin, and (without a window, the wave being periodic on
// the tile) hold nothing anywhere else. Its power there: |X|² = (n²/2)² at
// each of the two frequencies, divided by n², averaged over the bin.
func TestPowerSpectrumSinusoidPeak(t *testing.T) {
	for _, tc := range []struct{ n, kx, ky int }{
		{64, 5, 0},
		{64, 0, 9},
		{64, 3, 4}, // radius 5
		{128, 20, 21},
		{60, 7, 0}, // not a power of two
	} {
		t.Run(fmt.Sprintf("n=%d k=(%d,%d)", tc.n, tc.kx, tc.ky), func(t *testing.T) {
			n := tc.n
			x := make([]float32, n*n)
			for y := 0; y < n; y++ {
				for i := 0; i < n; i++ {
					x[y*n+i] = float32(math.Cos(2 * math.Pi * float64(tc.kx*i+tc.ky*y) / float64(n)))
				}
			}
			want := int(math.Round(math.Hypot(float64(tc.kx), float64(tc.ky))))
			for _, window := range []bool{false, true} {
				ps := diffusion.NewPowerSpectrum(n, window)
				p := ps.Radial(nil, x, 0, n)
				peak := 0
				for k := range p {
					if p[k] > p[peak] {
						peak = k
					}
				}
				if peak != want {
					t.Errorf("window=%v: peak in bin %d, want %d (%v)", window, peak, want, p)
				}
				if window {
					continue
				}
				total := 0.0
				for k, v := range p {
					if k != want {
						total += v
					}
				}
				if total > 1e-9*p[want] {
					t.Errorf("power outside the peak: %g (peak %g)", total, p[want])
				}
				// Exact power: 2 frequencies × (n²/2)² / n², over the number of
				// frequencies in bin want (counted independently here).
				count := 0
				for u := 0; u < n; u++ {
					for v := 0; v < n; v++ {
						fu, fv := min(u, n-u), min(v, n-v)
						if int(math.Round(math.Hypot(float64(fu), float64(fv)))) == want {
							count++
						}
					}
				}
				exact := 2 * math.Pow(float64(n*n)/2, 2) / float64(n*n) / float64(count)
				if math.Abs(p[want]/exact-1) > 1e-6 { // the wave is rounded to float32
					t.Errorf("peak power %.12g, want %.12g", p[want], exact)
				}
			}
		})
	}
}

// Radial reads a tile out of a larger plane through off and stride: a
// constant tile c has all its power at frequency 0, |X(0, 0)|²/n² = n²c²,
// wherever it sits.
func TestPowerSpectrumTileOfAPlane(t *testing.T) {
	const w, h, n = 50, 40, 16
	plane := make([]float32, w*h)
	for i := range plane {
		plane[i] = 9 // outside the tile
	}
	off := 7*w + 11
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			plane[off+y*w+x] = 0.5
		}
	}
	p := diffusion.NewPowerSpectrum(n, false).Radial(nil, plane, off, w)
	if math.Abs(p[0]-n*n*0.25) > 1e-12 {
		t.Errorf("P(0) = %g, want %g", p[0], n*n*0.25)
	}
	for k := 1; k < len(p); k++ {
		if p[k] > 1e-20 {
			t.Errorf("P(%d) = %g, want 0", k, p[k])
		}
	}
}

func ExamplePowerSpectrum() {
	// A wave with 8 cycles across a 64×64 tile: all its power is at
	// frequency 8/64 = 0.125 cycles per pixel.
	const n = 64
	x := make([]float32, n*n)
	for y := 0; y < n; y++ {
		for i := 0; i < n; i++ {
			x[y*n+i] = float32(math.Sin(2 * math.Pi * 8 * float64(i) / n))
		}
	}
	p := diffusion.NewPowerSpectrum(n, false).Radial(nil, x, 0, n)
	best := 0
	for k := range p {
		if p[k] > p[best] {
			best = k
		}
	}
	fmt.Printf("peak at %d/%d = %.3f cycles per pixel\n", best, n, float64(best)/n)
	// Output: peak at 8/64 = 0.125 cycles per pixel
}

// The DFT is linear: the spectrum of a·x + b·y from cached coefficients is
// the spectrum of the tile a·x + b·y itself.
func TestPowerSpectrumRadialOfCombination(t *testing.T) {
	const n = 32
	x := make([]float32, n*n)
	y := make([]float32, n*n)
	diffusion.Noise{Seed: 3}.Fill(x, 0)
	diffusion.Noise{Seed: 3}.Fill(y, 1)
	for i := range x {
		x[i] += float32(math.Cos(float64(i%n) / 3)) // something not white
	}
	ps := diffusion.NewPowerSpectrum(n, true)
	cx := ps.Coefficients(nil, x, 0, n)
	cy := ps.Coefficients(nil, y, 0, n)
	for _, ab := range [][2]float64{{1, 0}, {0.3, 0.9}, {0.999, 0.04}} {
		z := make([]float32, n*n)
		for i := range z {
			z[i] = float32(ab[0]*float64(x[i]) + ab[1]*float64(y[i]))
		}
		want := ps.Radial(nil, z, 0, n)
		got := ps.RadialOf(nil, ab[0], cx, ab[1], cy)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-6*want[k] {
				t.Errorf("a=%g b=%g bin %d: %g, want %g", ab[0], ab[1], k, got[k], want[k])
			}
		}
	}
}
