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
		// Passive parameters are checked too: embed=abc used to turn embed
		// mode on without a word.
		{query: "embed=abc&t=5", want: []string{`embed must be 0 or 1, got "abc"`}},
		{query: "embed=", want: []string{`embed must be 0 or 1, got ""`}},
		{query: "embed=0&embed=true&parentOrigin=https://blog.example", want: nil},
		{query: "parentOrigin=*", want: []string{`parentOrigin must be an origin such as https://blog.example, got "*"`}},
		{query: "parentOrigin=https%3A%2F%2Fblog.example%2Fpost", want: []string{`parentOrigin must be an origin`}},
		// ";" does not separate parameters: it used to drop both t and T
		// with "invalid semicolon separator in query".
		{query: "t=5;T=10&seed=3", want: []string{`the URL parameters "t", "T" were left out: "t=5;T=10" joins them with ;`}, check: func(t *testing.T, s app.State) {
			if s.Seed != 3 || s.Step != 0 || s.T != 1000 {
				t.Errorf("seed=3 should be kept and t, T left as they were: %+v", s)
			}
		}},
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

// Each refusal of an unknown name carries the name as .field (the page's
// err.field), wherever the name came from.
func TestUnknownNamesCarryTheirField(t *testing.T) {
	_, err := app.ParsePatchJSON([]byte(`{"tt": 5}`))
	if fe := app.AsFieldError(err); fe == nil || fe.Field != "tt" || fe.Code != app.CodeUnknown {
		t.Errorf("setState {tt: 5}: %#v, want field tt, code unknown", err)
	}
	_, errs := app.ParseQuery("tt=5")
	if len(errs) != 1 {
		t.Fatalf("?tt=5: %v, want one error", errs)
	}
	if fe := app.AsFieldError(errs[0]); fe == nil || fe.Field != "tt" || fe.Code != app.CodeUnknownParam {
		t.Errorf("?tt=5: %#v, want field tt, code unknown-param", errs[0])
	}
	_, err = app.ParsePath([]byte(`[{"text": "hi", "tt": 5}]`), app.Default(), lib())
	if fe := app.AsFieldError(err); fe == nil || fe.Field != "tt" {
		t.Errorf("a path's stop {tt: 5}: %v, want field tt", err)
	}
}

func TestParseOrigin(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://blog.example", "https://blog.example"},
		{"https://Blog.Example/", "https://blog.example"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://blog.example/post", ""},
		{"https://blog.example?x", ""},
		{"https://blog.example#x", ""},
		{"https://user@blog.example", ""},
		{"ftp://blog.example", ""},
		{"null", ""},
		{"*", ""},
		{"", ""},
		{"https://", ""},
		{"https://blog.example:443", ""},
		{"http://blog.example:80/", ""},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"https://blog%2Eexample", ""},
		{"https://bücher.example", ""},
		{"https://blog.example:", ""},
	} {
		got, ok := app.ParseOrigin(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
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
