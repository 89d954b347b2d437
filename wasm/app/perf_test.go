package app_test

import (
	"testing"

	"dissolve/wasm/app"
)

func TestQuantiles(t *testing.T) {
	tests := []struct {
		xs   []float64
		want app.Quantile
	}{
		{nil, app.Quantile{}},
		{[]float64{7}, app.Quantile{P50: 7, P95: 7}},
		{[]float64{4, 1, 3, 2}, app.Quantile{P50: 2, P95: 4}},
		// 1..100: nearest rank 50 and 95.
		{seq(100), app.Quantile{P50: 50, P95: 95}},
	}
	for _, tc := range tests {
		if got := app.Quantiles(tc.xs); got != tc.want {
			t.Errorf("Quantiles(%v) = %+v, want %+v", tc.xs, got, tc.want)
		}
	}
}

func seq(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[n-1-i] = float64(i + 1) // descending, to check sorting
	}
	return xs
}
