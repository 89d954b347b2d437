package app

import (
	"slices"

	"dissolve/diffusion"
)

// Panes and their sources. The canvas shows one or more panes of the same
// picture with the same seed at the one cursor t. What a pane shows is its
// Source, and State.Sources is the one place that decides a state's panes:
// the single view is the one-pane case. Everything that shows a pane reads
// it through paneInputs: the canvas (Engine.Panes), x_t on its own
// (Engine.Frame, Engine.Xt), the histogram, the spectrum, the snapshot
// strip and the exports (Movie). The package doc says where a new kind of
// pane goes.

// Pane kinds: the page's keys for the pane labels (PaneFrame.Kind,
// PaneStats.Kind, InstrumentReport.Kinds).
const (
	PaneClosed   = "closed"   // closed form, the state's schedule
	PaneMarkov   = "markov"   // Markov chain, the state's schedule
	PaneSecond   = "second"   // the state's mode under CompareSchedule
	PaneWrongSum = "wrongsum" // √ᾱ_t x_0 + W_t ε
	PaneX0       = "x0"       // x_0 itself
	PaneZScore   = "zscore"   // (x_0 − mean)/std
)

// Law is how a pane's numbers are made from x_0, a schedule and ε.
type Law int

const (
	// LawClosedForm is x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with one ε for every
	// t (diffusion.ClosedForm).
	LawClosedForm Law = iota
	// LawChain is the Markov chain x_t = √α_t·x_{t−1} + √(1 − α_t)·ε_t,
	// fresh noise at every step (diffusion.Trajectory).
	LawChain
	// LawWrongSum is the lesson's wrong algebra √ᾱ_t·x_0 + W_t·ε, W_t =
	// Schedule.WrongSumStd(t) (the coefficients of the ε's added instead
	// of their variances), with the closed form's ε.
	LawWrongSum
	// LawX0 is x_0 itself, whatever t.
	LawX0
	// LawZScore is x_0 normalised in one shot, (x_0 − mean)/std
	// (diffusion.ZScore), whatever t.
	LawZScore
)

// Source is what one pane shows.
type Source struct {
	Kind   string // the page's key for the pane (PaneClosed, …)
	Law    Law
	Second bool // under State.SecondConfig's schedule instead of the state's
}

// Source is x_t of the state's schedule in mode m: the single view, the
// exports, the snapshot strip and the spectrum show it.
func (m Mode) Source() Source {
	if m == Markov {
		return Source{Kind: PaneMarkov, Law: LawChain}
	}
	return Source{Kind: PaneClosed, Law: LawClosedForm}
}

// Sources returns the panes of s, left to right: x_t of the state's mode
// alone (CompareNone), or the comparison's 2 or 3 panes.
func (s State) Sources() []Source {
	xt := s.Mode.Source()
	closed, chain := ClosedForm.Source(), Markov.Source()
	switch s.Compare {
	case CompareSchedules:
		second := xt
		second.Kind, second.Second = PaneSecond, true
		return []Source{xt, second}
	case CompareModes:
		return []Source{closed, chain}
	case CompareWrongSum:
		return []Source{closed, {Kind: PaneWrongSum, Law: LawWrongSum}}
	case CompareNormalise:
		return []Source{{Kind: PaneX0, Law: LawX0}, {Kind: PaneZScore, Law: LawZScore}, xt}
	}
	return []Source{xt}
}

// PaneKinds returns the kinds of the panes of s, left to right (Sources).
func (s State) PaneKinds() []string {
	src := s.Sources()
	kinds := make([]string, len(src))
	for i, p := range src {
		kinds[i] = p.Kind
	}
	return kinds
}

// XtPane is the index in Sources of the pane that shows x_t in the closed
// form or the chain: the state's mode when both are on screen
// (CompareModes), the closed form beside the wrong sum whatever the mode,
// the third pane of CompareNormalise.
func (s State) XtPane() int {
	src := s.Sources()
	if i := slices.Index(src, s.Mode.Source()); i >= 0 {
		return i
	}
	if i := slices.Index(src, ClosedForm.Source()); i >= 0 {
		return i
	}
	return 0
}

// making is how a source's numbers are computed.
type making int

const (
	makeLinear making = iota // a·x_0 + b·ε with the closed form's one ε: one pass
	makeChain                // a diffusion.Trajectory, read at t
	makeStill                // a fixed array, whatever t
)

func (src Source) making() making {
	switch src.Law {
	case LawChain:
		return makeChain
	case LawX0, LawZScore:
		return makeStill
	}
	return makeLinear
}

// paneInputs are what every source reads: the schedule, x_0 and the seed,
// and what they derive (ε, the chains, the second schedule, the z-score),
// each made when first needed and kept for the key it was made for. The
// engine keeps one for the page, a Movie one for its export's size, a
// thumbnail one for its sampled pixels.
type paneInputs struct {
	sched     *diffusion.Schedule
	secondCfg diffusion.Config // the schedule of Second sources
	x0        *diffusion.Planar
	seed      uint32
	// chainBytes, when > 0, is the memory each chain may keep in computed
	// nodes (diffusion.Trajectory.SetCacheBytes): room for Engine.Prefetch
	// to work ahead, and a cap even below a whole path (the page's memory
	// ceiling, README "Memory").
	chainBytes int
	chainsRead int // how many chains the state reads (keepChains): they share chainBytes
	// frames are the chains' node frames to reuse (nil: none kept): a
	// chain let go gives its frames to the next one.
	frames *diffusion.Frames

	// A thumbnail's ε is the parent's at the picture's indices pick.
	parent *paneInputs
	pick   []int

	eps         memo[epsKey, []float32]
	chain       memo[chainKey, *diffusion.Trajectory]
	second      memo[diffusion.Config, *diffusion.Schedule]
	secondChain memo[chainKey, *diffusion.Trajectory]
	z           memo[*diffusion.Planar, [2]float64] // x_0's mean and 1/std (zScoreOf)
	x0Stats     memo[*diffusion.Planar, diffusion.Stats]
	scratch     []float32 // a whole frame: x_t of Engine.Xt, a chain's frame to sample
}

type epsKey struct {
	n    int
	seed uint32
}

type chainKey struct {
	sched *diffusion.Schedule
	x0    *diffusion.Planar
	seed  uint32
}

// chainKey is the key of the chain of the state's schedule.
func (in *paneInputs) chainKey() chainKey { return chainKey{in.sched, in.x0, in.seed} }

// frameKey is everything the pixels of one source depend on.
type frameKey struct {
	src       Source
	step      int
	sched     *diffusion.Schedule
	secondCfg diffusion.Config
	x0        *diffusion.Planar
	seed      uint32
}

func (in *paneInputs) frameKey(src Source, t int) frameKey {
	k := frameKey{src: src, step: t, sched: in.sched, x0: in.x0, seed: in.seed}
	if src.Second {
		k.secondCfg = in.secondCfg
	}
	if src.making() == makeStill {
		k.step = 0
	}
	return k
}

// schedule is the state's schedule, or the second one.
func (in *paneInputs) schedule(second bool) *diffusion.Schedule {
	if !second {
		return in.sched
	}
	return in.second.Get(in.secondCfg, func(*diffusion.Schedule) *diffusion.Schedule {
		s, err := diffusion.NewSchedule(in.secondCfg)
		if err != nil { // only the name differs from a valid config
			return in.sched
		}
		return s
	})
}

// epsilon is ε of the closed form: one fixed draw, Noise{seed} stream 0,
// per seed and size.
func (in *paneInputs) epsilon() []float32 {
	return in.eps.Get(epsKey{len(in.x0.Pix), in.seed}, func(old []float32) []float32 {
		eps := grow(old, len(in.x0.Pix)) // every number is written below
		if in.parent != nil {
			pe := in.parent.epsilon()
			for k, i := range in.pick {
				eps[k] = pe[i]
			}
			return eps
		}
		diffusion.Noise{Seed: uint64(in.seed)}.Fill(eps, 0)
		return eps
	})
}

// trajectory is the Markov chain from x_0 with the seed's noise, under the
// state's schedule or the second one.
func (in *paneInputs) trajectory(second bool) *diffusion.Trajectory {
	m := &in.chain
	if second {
		m = &in.secondChain
	}
	s := in.schedule(second)
	return m.Get(chainKey{s, in.x0, in.seed}, func(*diffusion.Trajectory) *diffusion.Trajectory {
		tr := diffusion.NewTrajectoryFrames(s, in.x0.Pix, uint64(in.seed), in.frames)
		in.budget(tr, second) // below a whole path if need be: the page's memory ceiling
		return tr
	})
}

// chainsShown reports whether s reads the chain of its schedule and the
// chain of the second one: a pane of s shows it, or x_t of its mode is
// it (Engine.Xt, the statistics). The reverse direction reads neither.
func chainsShown(s State) (first, second bool) {
	if s.Direction == Reverse {
		return false, false
	}
	for _, src := range append(s.Sources(), s.Mode.Source()) {
		if src.making() == makeChain {
			if src.Second {
				second = true
			} else {
				first = true
			}
		}
	}
	return first, second
}

// keepChains lets go of the chains s does not read (another picture, seed
// or schedule, or no pane of s shows them) and shares chainBytes between
// the ones it does: half each when both are read, the second never more
// than a path (it is never prefetched).
func (in *paneInputs) keepChains(s State) {
	first, second := chainsShown(s)
	in.dropChain(&in.chain, first, in.chainKey())
	if second {
		in.dropChain(&in.secondChain, true, chainKey{in.schedule(true), in.x0, in.seed})
	} else {
		in.dropChain(&in.secondChain, false, chainKey{})
	}
	in.chainsRead = 0
	if first {
		in.chainsRead++
	}
	if second {
		in.chainsRead++
	}
	for _, m := range []*memo[chainKey, *diffusion.Trajectory]{&in.chain, &in.secondChain} {
		if m.ok {
			in.budget(m.val, m == &in.secondChain)
		}
	}
}

// dropChain empties m unless read is true and m holds the chain of key;
// the chain it lets go gives its frames to in.frames, for the next chain.
func (in *paneInputs) dropChain(m *memo[chainKey, *diffusion.Trajectory], read bool, key chainKey) {
	if !m.ok || (read && m.key == key) {
		return
	}
	m.val.Release()
	*m = memo[chainKey, *diffusion.Trajectory]{}
}

// budget gives tr its share of chainBytes (see keepChains); none when
// chainBytes is 0 (a movie's inputs: a whole path).
func (in *paneInputs) budget(tr *diffusion.Trajectory, second bool) {
	if in.chainBytes <= 0 {
		return
	}
	b := in.chainBytes / max(1, in.chainsRead)
	if second {
		b = min(b, tr.PathFrames()*4*len(in.x0.Pix))
	}
	tr.SetCacheBytes(b)
}

// stats summarises x_0.
func (in *paneInputs) stats() diffusion.Stats {
	return in.x0Stats.Get(in.x0, func(diffusion.Stats) diffusion.Stats { return diffusion.Summarize(in.x0.Pix) })
}

// zScoreOf is diffusion.ZScoreOf of x_0: the mean and 1/std that
// normalise it in one shot, (x_0 − mean)/std.
func (in *paneInputs) zScoreOf() (mean, inv float64) {
	z := in.z.Get(in.x0, func([2]float64) [2]float64 {
		m, v := diffusion.ZScoreOf(in.x0.Pix)
		return [2]float64{m, v}
	})
	return z[0], z[1]
}

// law returns the coefficients (a, b, c) with which the numbers of src at
// t are a·x_0 + c + b·ε, ε ~ N(0, I): what the histogram predicts. For the
// closed form and the chain it is q(x_t | x_0) = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I).
func (in *paneInputs) law(src Source, t int) (a, b, c float64) {
	s := in.schedule(src.Second)
	switch src.Law {
	case LawWrongSum:
		return s.SqrtAlphaBar(t), s.WrongSumStd(t), 0
	case LawX0:
		return 1, 0, 0
	case LawZScore:
		st := in.stats()
		if st.Std == 0 {
			return 0, 0, 0
		}
		return 1 / st.Std, 0, -st.Mean / st.Std
	}
	return s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t), 0
}

// rgba writes the picture of src at t to dst (4·W·H bytes) in one pass.
func (in *paneInputs) rgba(src Source, t int, dst []byte) {
	switch src.making() {
	case makeChain:
		in.trajectory(src.Second).RGBAAt(t, dst)
	case makeStill:
		if src.Law == LawZScore {
			diffusion.ZScoreRGBA(dst, in.x0.Pix) // no frame of z-scores kept
			break
		}
		diffusion.ToRGBA(dst, in.x0.Pix)
	default:
		a, b, _ := in.law(src, t)
		diffusion.ClosedFormRGBA(dst, in.x0.Pix, in.epsilon(), float32(a), float32(b))
	}
}

// values writes the numbers of src at t to dst, only at the indices 0,
// stride, 2·stride, … (dst[k] is index k·stride), so that statistics of a
// large picture can be taken on an even sample, and returns dst (grown if
// needed). The numbers have the bits of the picture's (rgba).
func (in *paneInputs) values(src Source, t int, dst []float32, stride int) []float32 {
	x0 := in.x0.Pix
	n := (len(x0) + stride - 1) / stride
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	switch src.making() {
	case makeChain:
		tr := in.trajectory(src.Second)
		if stride == 1 {
			tr.At(t, dst)
			break
		}
		in.scratch = grow(in.scratch, len(x0))
		tr.At(t, in.scratch)
		for k := range dst {
			dst[k] = in.scratch[k*stride]
		}
	case makeStill:
		if src.Law == LawZScore {
			mean, inv := in.zScoreOf()
			for k := range dst {
				dst[k] = float32((float64(x0[k*stride]) - mean) * inv) // diffusion.ZScore's bits
			}
			break
		}
		for k := range dst {
			dst[k] = x0[k*stride]
		}
	default:
		a, b, _ := in.law(src, t)
		fa, fb := float32(a), float32(b)
		eps := in.epsilon()
		if stride == 1 {
			diffusion.ClosedForm(dst, x0, eps, fa, fb)
			break
		}
		for k := range dst {
			i := k * stride
			// Products rounded before the sum (no fused multiply-add), as
			// in diffusion.ClosedForm: the same bits as the picture.
			dst[k] = float32(fa*x0[i]) + float32(fb*eps[i])
		}
	}
	return dst
}

// thumbnail returns the inputs of a thumbnail whose longer side is at most
// side pixels: every step-th pixel of x_0 across and down (nearest
// neighbour, no averaging, so the noise keeps its grain), ε at the same
// pixels, the same schedules and seed. In closed form a thumbnail's pixels
// are exactly the picture's own at those places. A chain cannot be read at
// a subset of pixels, so a thumbnail's chain is one of its own on the
// sampled x_0 with the same seed: the same law and picture, other noise.
func (in *paneInputs) thumbnail(side int) *paneInputs {
	w, h := in.x0.W, in.x0.H
	step := max(1, (max(w, h)+side-1)/side)
	tw, th := (w+step-1)/step, (h+step-1)/step
	pick := make([]int, 0, 3*tw*th) // planar indices of the sampled pixels
	for ch := 0; ch < 3; ch++ {
		for y := 0; y < th; y++ {
			for x := 0; x < tw; x++ {
				pick = append(pick, ch*w*h+y*step*w+x*step)
			}
		}
	}
	x0 := &diffusion.Planar{W: tw, H: th, Pix: make([]float32, len(pick))}
	for k, i := range pick {
		x0.Pix[k] = in.x0.Pix[i]
	}
	return &paneInputs{sched: in.sched, secondCfg: in.secondCfg, x0: x0, seed: in.seed, parent: in, pick: pick}
}
