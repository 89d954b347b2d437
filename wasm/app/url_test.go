package app_test

import (
	"strings"
	"testing"

	"dissolve/wasm/app"
)

func TestParseQueryKeepsTheValidParameters(t *testing.T) {
	p, errs := app.ParseQuery("?schedule=cosine&T=500&t=250&mode=markov&play=0&seed=7&image=tiny&size=64&lang=ko&embed=1&path=lessons%2Fmy.json")
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	s, errs := app.Default().ApplyEach(p, lib())
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := app.Default()
	want.Schedule, want.T, want.Step, want.Mode, want.Playing = "cosine", 500, 250, app.Markov, false
	want.Seed, want.Image, want.Size, want.Lang = 7, "tiny", 64, "ko"
	if s != want {
		t.Errorf("state = %+v\nwant    %+v", s, want)
	}
}

func TestParseQueryReportsEachBadParameter(t *testing.T) {
	tests := []struct {
		query string
		want  []string // substrings, one per error, in order
		check func(t *testing.T, s app.State)
	}{
		{query: "T=abc&t=20", want: []string{`T must be an integer in 1..10000, got "abc"`}, check: func(t *testing.T, s app.State) {
			if s.Step != 20 || s.T != 1000 {
				t.Errorf("the valid t was lost or T changed: %+v", s)
			}
		}},
		{query: "t=5000", want: []string{"t must be an integer in 0..T (1000), got 5000"}},
		{query: "T=100&t=500", want: []string{"t must be an integer in 0..T (100), got 500"}, check: func(t *testing.T, s app.State) {
			if s.T != 100 {
				t.Errorf("T = %d, want 100 (valid on its own)", s.T)
			}
		}},
		{query: "play=maybe", want: []string{`play must be 0 or 1, got "maybe"`}},
		{query: "schedule=nope&size=5", want: []string{"schedule must be one of", "size must be an integer in 32..1024, got 5"}},
		{query: "bogus=1", want: []string{`unknown URL parameter "bogus"`}},
		{query: "betaStart=0&speed=1e9", want: []string{"betaStart must be", "speed must be"}},
		{query: "seed=-3", want: []string{"seed must be an integer in 0..4294967295"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			p, errs := app.ParseQuery(tc.query)
			s, applyErrs := app.Default().ApplyEach(p, lib())
			errs = append(errs, applyErrs...)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tc.want))
			}
			for i, e := range errs {
				if !strings.Contains(e.Error(), tc.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, e, tc.want[i])
				}
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestQueryRoundTrip(t *testing.T) {
	states := []app.State{app.Default()}
	s := app.Default()
	s.Schedule, s.T, s.Step, s.BetaStart, s.BetaEnd = "sigmoid", 777, 123, 0.000123456789, 0.0345
	s.ZeroTerminalSNR, s.Mode, s.Playing, s.Speed, s.Seed = true, app.Markov, false, 37.5, 4294967295
	s.Image, s.Size, s.Lang = "checkerboard", 100, "ko"
	states = append(states, s)
	for _, want := range states {
		p, errs := app.ParseQuery(want.Query())
		if len(errs) != 0 {
			t.Fatalf("errors: %v", errs)
		}
		got, errs := app.Default().ApplyEach(p, lib())
		if len(errs) != 0 {
			t.Fatalf("errors: %v", errs)
		}
		if got != want {
			t.Errorf("round trip of %q\n got %+v\nwant %+v", want.Query(), got, want)
		}
	}
}
