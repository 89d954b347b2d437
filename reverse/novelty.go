package reverse

import (
	"math"
	"slices"
	"sync"
)

// Memorisation and novelty, measured. A sample that is a copy of a training
// image sits at distance ≈ 0 from it; a new image is about as far from its
// nearest training image as training images are from each other. So
//
//	novelty(x) = rms(x, X_{n*}) / median_i min_{j≠i} rms(X_i, X_j)
//
// with X_{n*} the training image nearest x and rms(a, b) = ‖a − b‖/√D. A
// copy scores 0, a typical new digit about 1 (and more where it is far
// from everything, as noise is).

// Match is a sample's nearest training image.
type Match struct {
	Index    int     // n*, the nearest training image
	Distance float64 // rms(x, X_{n*})
	Novelty  float64 // Distance / MedianNN of the data set
}

// Nearest returns the index of the training image nearest x and the RMS
// distance to it. x has the data set's dimension.
func Nearest(d *Dataset, x []float32) (int, float64) {
	sp := sparseOf(d)
	x64 := new(vec)
	var xx, sum float64
	for i, v := range x {
		f := float64(v)
		x64[i] = f
		xx += float64(f * f)
		sum += f
	}
	return nearest(d, sp, x64, xx, sum, -1)
}

// nearest is Nearest for x prepared as float64 with ‖x‖² and Σx, skipping
// image skip.
func nearest(d *Dataset, sp *sparse, x64 *vec, xx, sum float64, skip int) (int, float64) {
	base := float64(sp.bg * sum)
	best, bestD := -1, math.Inf(1)
	for n := range d.n {
		if n == skip {
			continue
		}
		d2 := float64(xx-float64(2*(base+sp.dot(x64, n)))) + d.sq[n]
		if d2 < bestD {
			best, bestD = n, d2
		}
	}
	return best, math.Sqrt(max(bestD, 0) / float64(d.Dim()))
}

type medianKey struct {
	d      *Dataset
	sample int
}

var medianCache sync.Map // medianKey → float64

// MedianNN returns the median, over `sample` training images spread evenly
// through the set (image k·N/sample for k = 0…sample−1; all of them if
// sample ≥ N), of the RMS distance from each to its nearest other training
// image: the scale of "new" for novelty. It is computed once per data set
// and sample size. It returns 0 for a set of one image.
func MedianNN(d *Dataset, sample int) float64 {
	if d.n < 2 {
		return 0
	}
	sample = min(max(sample, 1), d.n)
	key := medianKey{d, sample}
	if v, ok := medianCache.Load(key); ok {
		return v.(float64)
	}
	sp := sparseOf(d)
	x := make([]float32, d.Dim())
	x64 := new(vec)
	dist := make([]float64, sample)
	for k := range sample {
		i := k * d.n / sample
		d.Image(x, i)
		var sum float64
		for j, v := range x {
			x64[j] = float64(v)
			sum += x64[j]
		}
		_, dist[k] = nearest(d, sp, x64, d.sq[i], sum, i)
	}
	slices.Sort(dist)
	med := dist[sample/2]
	if sample%2 == 0 {
		med = (dist[sample/2-1] + dist[sample/2]) / 2
	}
	medianCache.Store(key, med)
	return med
}

// MedianSample is the sample size of MedianNN that Novelty uses.
const MedianSample = 256

// Novelty returns x's nearest training image, the distance to it and its
// novelty (see Match), with MedianNN(d, MedianSample) as the scale.
func Novelty(d *Dataset, x []float32) Match {
	n, dist := Nearest(d, x)
	m := Match{Index: n, Distance: dist}
	if med := MedianNN(d, MedianSample); med > 0 {
		m.Novelty = dist / med
	}
	return m
}
