package app_test

import (
	"errors"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

func lib() *app.Library { return &app.Library{} }

func TestApplyPatchJSON(t *testing.T) {
	tests := []struct {
		name    string
		patch   string
		wantErr string // substring of the error; "" means valid
		check   func(t *testing.T, s app.State)
	}{
		{name: "t", patch: `{"t": 250}`, check: func(t *testing.T, s app.State) {
			if s.Step != 250 {
				t.Errorf("t = %d, want 250", s.Step)
			}
		}},
		{name: "integer-valued float", patch: `{"t": 250.0}`},
		{name: "schedule and T together", patch: `{"schedule": "cosine", "T": 500, "t": 500}`, check: func(t *testing.T, s app.State) {
			if s.Schedule != "cosine" || s.T != 500 || s.Step != 500 {
				t.Errorf("got %+v", s)
			}
		}},
		{name: "markov", patch: `{"mode": "markov", "seed": 7, "size": 64, "playing": false}`},
		{name: "lang", patch: `{"lang": "ko"}`},
		{name: "empty object", patch: `{}`},
		{name: "t beyond T", patch: `{"t": 1001}`, wantErr: "t must be an integer in 0..T (1000), got 1001"},
		{name: "negative t", patch: `{"t": -1}`, wantErr: "t must be an integer in 0..T (1000)"},
		{name: "fractional t", patch: `{"t": 2.5}`, wantErr: "t must be an integer in 0..T, got 2.5"},
		{name: "string t", patch: `{"t": "3"}`, wantErr: `t must be an integer in 0..T, got "3"`},
		{name: "null from NaN", patch: `{"betaStart": null}`, wantErr: "betaStart must be a number in (0, 1), got null"},
		{name: "T zero", patch: `{"T": 0}`, wantErr: "T must be an integer in 1..10000, got 0"},
		{name: "T too large", patch: `{"T": 10001}`, wantErr: "T must be an integer in 1..10000, got 10001"},
		{name: "beta range", patch: `{"betaStart": 0.5, "betaEnd": 0.1}`, wantErr: "betaEnd"},
		{name: "beta one", patch: `{"betaEnd": 1}`, wantErr: "betaEnd"},
		{name: "unknown schedule", patch: `{"schedule": "quadratic"}`, wantErr: "schedule must be one of"},
		{name: "unknown mode", patch: `{"mode": "reverse"}`, wantErr: `mode must be one of closed, markov, got "reverse"`},
		{name: "size small", patch: `{"size": 16}`, wantErr: "size must be an integer in 32..1024, got 16"},
		{name: "speed NaN string", patch: `{"speed": "NaN"}`, wantErr: "speed must be a number"},
		{name: "speed zero", patch: `{"speed": 0}`, wantErr: "speed must be a number of steps per second in 1..5000, got 0"},
		{name: "seed negative", patch: `{"seed": -1}`, wantErr: "seed must be an integer in 0..4294967295, got -1"},
		{name: "seed too big", patch: `{"seed": 4294967296}`, wantErr: "seed must be an integer in 0..4294967295"},
		{name: "upload before any", patch: `{"image": "upload"}`, wantErr: "image must be one of astronaut"},
		{name: "unknown image", patch: `{"image": "../etc/passwd"}`, wantErr: "image must be one of"},
		{name: "lang", patch: `{"lang": "fr"}`, wantErr: `lang must be one of en, ko, got "fr"`},
		{name: "bool as number", patch: `{"playing": 1}`, wantErr: "playing must be true or false, got 1"},
		{name: "unknown field", patch: `{"tt": 1}`, wantErr: `unknown field "tt"; the fields are t, T`},
		{name: "not an object", patch: `[1,2]`, wantErr: "state patch must be an object"},
		{name: "not JSON", patch: `{t: 1}`, wantErr: "state patch must be an object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Default()
			p, err := app.ParsePatchJSON([]byte(tc.patch))
			var s app.State
			if err == nil {
				s, err = before.Apply(p, lib())
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.check != nil {
					tc.check(t, s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
			if before != app.Default() {
				t.Fatal("a failed Apply changed its receiver")
			}
		})
	}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	s := app.Default()
	p, err := app.ParsePatchJSON([]byte(`{"schedule": "cosine", "t": 5000}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Apply(p, lib())
	if err == nil {
		t.Fatal("want an error for t = 5000")
	}
	if got != s {
		t.Errorf("a failed patch returned a changed state: %+v", got)
	}
}

func TestShrinkingTClampsT(t *testing.T) {
	s := app.Default()
	s.Step = 900
	n, err := s.Apply(app.Patch{"T": 100}, lib())
	if err != nil {
		t.Fatal(err)
	}
	if n.Step != 100 {
		t.Errorf("t = %d after T = 100, want 100", n.Step)
	}
}

func TestFieldErrorsAreTyped(t *testing.T) {
	_, err := app.Default().Apply(app.Patch{"size": 2000}, lib())
	var fe *app.FieldError
	if !errors.As(err, &fe) || fe.Field != "size" || fe.Code != app.CodeRange || *fe.Min != 32 || *fe.Max != 1024 {
		t.Fatalf("err = %#v, want a *FieldError for size", err)
	}
}
