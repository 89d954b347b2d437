package app_test

import (
	"strings"
	"testing"

	"dissolve/reverse"
	"dissolve/wasm/app"
)

func TestReverseFields(t *testing.T) {
	tests := []struct {
		patch   string
		wantErr string
		check   func(s app.State) bool
	}{
		{patch: `{"direction": "reverse", "sampler": "ddpm", "variance": "large"}`, check: func(s app.State) bool {
			c := s.SamplerConfig()
			return s.Direction == app.Reverse && c.Method == reverse.DDPM && c.Variance == reverse.Large && c.Steps == s.T
		}},
		{patch: `{"sampler": "ddim", "eta": 0.5, "steps": 20}`, check: func(s app.State) bool {
			c := s.SamplerConfig()
			return c.Method == reverse.DDIM && c.Eta == 0.5 && c.Steps == 20 && c.Spacing == reverse.Trailing
		}},
		{patch: `{"T": 20}`, check: func(s app.State) bool { return s.Steps == 20 }}, // 50 steps clamped to T
		{patch: `{"T": 20, "steps": 30}`, wantErr: "steps must be an integer in 1..T (20), got 30"},
		{patch: `{"dataset": "photos"}`, check: func(s app.State) bool { return s.DatasetSize == 3 }},
		{patch: `{"dataset": "photos", "datasetSize": 4}`, wantErr: "datasetSize must be an integer in 1..dataset (3), got 4"},
		{patch: `{"datasetSize": 500}`, check: func(s app.State) bool { return s.DatasetSize == 500 }},
		{patch: `{"datasetSize": 0}`, wantErr: "datasetSize must be an integer in 1..dataset (10000), got 0"},
		{patch: `{"dataset": "uploads"}`, wantErr: `dataset must be one of digits, photos, got "uploads"`},
		{patch: `{"direction": "backward"}`, wantErr: `direction must be one of forward, reverse, got "backward"`},
		{patch: `{"eta": 1.5}`, wantErr: "eta must be a number in 0..1, got 1.5"},
		{patch: `{"denoiser": "network"}`, wantErr: `denoiser must be one of ideal, local, oracle, got "network"`},
		{patch: `{"variance": "medium"}`, wantErr: `variance must be one of small, large`},
	}
	for _, tc := range tests {
		p, err := app.ParsePatchJSON([]byte(tc.patch))
		s := app.Default()
		if err == nil {
			s, err = s.Apply(p, lib())
		}
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want %q", tc.patch, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.patch, err)
		case tc.check != nil && !tc.check(s):
			t.Errorf("%s: got %+v", tc.patch, s)
		}
	}
}

// A forward link stays as it was; a reverse link carries its settings
// and reads back to the same state.
func TestReverseLinks(t *testing.T) {
	if q := app.Default().Query(); strings.Contains(q, "direction") || strings.Contains(q, "sampler") {
		t.Errorf("a forward link names reverse fields: %s", q)
	}
	s := app.Default()
	s.Direction, s.Sampler, s.Steps, s.Eta, s.Denoiser, s.DatasetSize = app.Reverse, app.SamplerDDIM, 20, 0.25, app.DenoiserLocal, 1000
	q := s.Query()
	p, errs := app.ParseQuery(q)
	got, applyErrs := app.Default().ApplyEach(p, lib())
	if len(errs)+len(applyErrs) != 0 || got != s {
		t.Errorf("%s → %+v %v %v", q, got, errs, applyErrs)
	}
}
