package app

import (
	"bytes"
	"testing"

	"dissolve/diffusion"
)

func TestMemo(t *testing.T) {
	var m memo[string, int]
	calls := 0
	get := func(key string, v int) int {
		return m.Get(key, func(old int) int { calls++; return old + v })
	}
	steps := []struct {
		key        string
		add, want  int
		wantCalls  int
		wantHasKey bool
	}{
		{"a", 1, 1, 1, true},   // empty: computed from the zero value
		{"a", 5, 1, 1, true},   // same key: kept
		{"b", 10, 11, 2, true}, // another key: computed from the old value
		{"a", 100, 111, 3, true},
	}
	if _, ok := m.Peek("a"); ok || m.Has("a") {
		t.Fatal("the zero memo holds a value")
	}
	for i, s := range steps {
		if got := get(s.key, s.add); got != s.want || calls != s.wantCalls {
			t.Errorf("step %d: Get(%q) = %d after %d computations, want %d after %d", i, s.key, got, calls, s.want, s.wantCalls)
		}
		if v, ok := m.Peek(s.key); !ok || v != s.want || !m.Has(s.key) {
			t.Errorf("step %d: Peek(%q) = %d, %v", i, s.key, v, ok)
		}
	}
	if m.Has("b") {
		t.Error("the memo holds two keys")
	}
	m.Keep("a")
	if !m.Has("a") {
		t.Error("Keep dropped the value of its key")
	}
	m.Keep("b")
	if _, ok := m.Peek("a"); ok {
		t.Error("Keep kept the value of another key")
	}
}

// The numbers of every source, whole or sampled, are the numbers of its
// picture: ToRGBA of values is rgba, and a stride reads every stride-th.
func TestSourceValuesArePixels(t *testing.T) {
	img, err := (&Library{}).Picture("gradient", 48)
	if err != nil {
		t.Fatal(err)
	}
	s := Default()
	s.Compare, s.CompareSchedule = CompareSchedules, diffusion.Sigmoid
	sched, err := diffusion.NewSchedule(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	in := &paneInputs{sched: sched, secondCfg: s.SecondConfig(), x0: diffusion.FromImage(img, 48), seed: 7}
	all := []Source{ClosedForm.Source(), Markov.Source(),
		{Kind: PaneSecond, Law: LawClosedForm, Second: true}, {Kind: PaneSecond, Law: LawChain, Second: true},
		{Kind: PaneWrongSum, Law: LawWrongSum}, {Kind: PaneX0, Law: LawX0}, {Kind: PaneZScore, Law: LawZScore}}
	n := in.x0.N()
	for _, src := range all {
		for _, step := range []int{0, 1, 333, 1000} {
			want := make([]byte, 4*n)
			in.rgba(src, step, want)
			v := in.values(src, step, nil, 1)
			got := make([]byte, 4*n)
			diffusion.ToRGBA(got, v)
			if !bytes.Equal(got, want) {
				t.Errorf("%+v at t = %d: the numbers are not the picture", src, step)
			}
			full := append([]float32(nil), v...)
			for _, stride := range []int{2, 7} {
				sv := in.values(src, step, nil, stride)
				for k, x := range sv {
					if x != full[k*stride] {
						t.Errorf("%+v at t = %d, stride %d: value %d is %g, want %g", src, step, stride, k, x, full[k*stride])
						break
					}
				}
			}
		}
	}
}
