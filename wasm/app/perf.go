package app

import (
	"math"
	"sort"
)

// Quantile is the median and 95th percentile of a set of durations, in
// milliseconds.
type Quantile struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
}

// Quantiles computes the nearest-rank median and 95th percentile of xs
// (zero for an empty set). xs is not modified.
func Quantiles(xs []float64) Quantile {
	if len(xs) == 0 {
		return Quantile{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return Quantile{P50: nearestRank(s, 0.50), P95: nearestRank(s, 0.95)}
}

// nearestRank is the smallest value with at least q of the sorted set at or
// below it.
func nearestRank(sorted []float64, q float64) float64 {
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
