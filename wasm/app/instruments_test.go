package app_test

import (
	"testing"
)

// Benchmarks of the instruments at 512² (3·512² numbers), the size whose
// frame budget the page must keep: each refresh must fit in a frame.
func BenchmarkInstruments(b *testing.B) {
	for _, c := range []struct{ name, patch string }{
		{"histogram-512", `{"size": 512, "t": 300}`},
		{"histogram-512-markov", `{"size": 512, "t": 300, "mode": "markov"}`},
		{"histogram-512-normalise-all", `{"size": 512, "t": 300, "compare": "normalise"}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := newEngine(&testing.T{}, c.patch)
			e.Instruments(-1)
			for b.Loop() {
				e.Instruments(-1)
			}
		})
		b.Run(c.name+"-one-pane", func(b *testing.B) {
			e := newEngine(&testing.T{}, c.patch)
			e.Instruments(-1)
			for b.Loop() {
				e.Instruments(0)
			}
		})
	}
	b.Run("spectrum-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "t": 300}`)
		e.Spectrum()
		for b.Loop() {
			e.Spectrum()
		}
	})
	b.Run("strip-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "t": 300}`)
		for b.Loop() {
			e.SnapshotStrip(11)
		}
	})
	b.Run("panes-modes-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "compare": "modes"}`)
		step := 0
		for b.Loop() {
			step = step%1000 + 1
			s := e.State()
			s.Step = step
			_ = e.SetState(s)
			e.Panes()
		}
	})
}
