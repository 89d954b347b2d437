//go:build browser

package e2e

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// startFramesHost serves, on another origin than the demo, a page that
// embeds the demo (src) and, beside it, a same-origin sibling frame and a
// sandboxed frame without allow-same-origin (an opaque origin): each of
// them, and the host itself, can send the demo a request and records the
// answers. window.msgs holds the demo's messages to the host (as
// startHostServer's page does); answers to the sibling and the sandboxed
// frame are forwarded to the host as {from, data} in window.others.
func startFramesHost(t *testing.T, src string) string {
	t.Helper()
	demoOrigin := src[:strings.Index(src[len("http://"):], "/")+len("http://")]
	// Each frame posts to the demo (the host's first frame) and hands the
	// answers it gets to the host.
	frame := func(name string) string {
		return html.EscapeString(fmt.Sprintf(`<script>
addEventListener('message', (e) => { if (e.source === parent.frames[0]) parent.postMessage({from: %q, data: e.data}, '*'); });
addEventListener('message', (e) => { if (e.source === parent && e.data && e.data.send) parent.frames[0].postMessage(e.data.send, '*'); });
</script>`, name))
	}
	page := fmt.Sprintf(`<!doctype html>
<html><head><meta charset="utf-8"><title>a blog post with other frames</title>
<style>iframe { display: block; width: 640px; height: 720px; border: 0 } .small { width: 40px; height: 40px }</style>
</head><body>
<iframe id="demo" src="%s" title="the demo"></iframe>
<iframe id="sibling" class="small" srcdoc="%s" title="a sibling"></iframe>
<iframe id="sandboxed" class="small" sandbox="allow-scripts" srcdoc="%s" title="a sandboxed frame"></iframe>
<script>
window.msgs = [];
window.others = [];
const demo = document.getElementById('demo');
addEventListener('message', (e) => {
  if (e.source === demo.contentWindow) msgs.push({ origin: e.origin, data: e.data });
  else if (e.data && e.data.from) others.push(e.data);
});
window.send = (m) => demo.contentWindow.postMessage(m, %q);
// sendFrom(name, m): the sibling or the sandboxed frame sends m.
window.sendFrom = (name, m) => document.getElementById(name).contentWindow.postMessage({send: m}, '*');
</script>
</body></html>`, html.EscapeString(src), frame("sibling"), frame("sandboxed"), demoOrigin)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// waitDemoReady waits (up to 90 s: a loaded machine) for ddpm:ready.
func waitDemoReady(t *testing.T, ctx context.Context) {
	t.Helper()
	evalJSON(t, ctx, `(async () => {
		const end = performance.now() + 90000;
		while (!msgs.some((m) => m.data.type === 'ddpm:ready')) {
			if (performance.now() > end) throw new Error('no ddpm:ready');
			await new Promise((r) => setTimeout(r, 50));
		}
		return true;
	})()`, nil)
}

// otherAnswer waits for the answer to request id that the frame name
// forwarded.
func otherAnswer(t *testing.T, ctx context.Context, name, id string) map[string]any {
	t.Helper()
	var got map[string]any
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		const end = performance.now() + 20000;
		for (;;) {
			const m = others.find((o) => o.from === %q && o.data && o.data.id === %q);
			if (m) return m.data;
			if (performance.now() > end) throw new Error('no answer to %s; the frames got ' + JSON.stringify(others).slice(0, 1000));
			await new Promise((r) => setTimeout(r, 20));
		}
	})()`, name, id, id), &got)
	return got
}

// TestMessagesOnlyFromTheParent: a sibling frame, a sandboxed frame with
// an opaque origin, and the opener of a popup cannot change the demo's
// state (each is answered ddpm:error with code "sender"); they can read
// it; the embedding page can change it. With parentOrigin in the embed's
// URL, only a parent on that origin can. (Issue #13, defect 3: all three
// could change schedule and t.)
func TestMessagesOnlyFromTheParent(t *testing.T) {
	demo := startServer(t, repoRoot(t))
	host := startFramesHost(t, demo+"/index.html?embed=1&play=0&t=0")
	ctx := newBrowser(t)
	navigate(t, ctx, host+"/")
	waitDemoReady(t, ctx)
	before := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State

	change := `{type: 'ddpm:setState', state: {t: 777, schedule: 'cosine'}, id: '%s'}`
	for _, name := range []string{"sibling", "sandboxed"} {
		id := name + "-set"
		evalJSON(t, ctx, fmt.Sprintf(`sendFrom(%q, `+change+`)`, name, id), nil)
		got := otherAnswer(t, ctx, name, id)
		if got["type"] != "ddpm:error" || got["code"] != "sender" || !strings.Contains(fmt.Sprint(got["message"]), "only from the page that embeds the demo") {
			t.Errorf("%s's setState was answered %v, want ddpm:error with code sender", name, got)
		}
		for _, play := range []string{"ddpm:play", "ddpm:pause"} {
			id := name + "-" + play
			evalJSON(t, ctx, fmt.Sprintf(`sendFrom(%q, {type: %q, id: %q})`, name, play, id), nil)
			if got := otherAnswer(t, ctx, name, id); got["code"] != "sender" {
				t.Errorf("%s's %s was answered %v, want a refusal", name, play, got)
			}
		}
		// Reading is open to anyone.
		evalJSON(t, ctx, fmt.Sprintf(`sendFrom(%q, {type: 'ddpm:getState', id: %q})`, name, name+"-get"), nil)
		if got := otherAnswer(t, ctx, name, name+"-get"); got["type"] != "ddpm:state" {
			t.Errorf("%s's getState was answered %v", name, got)
		}
	}
	if got := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; got == nil || *got != *before {
		t.Errorf("after the other frames' requests: %+v, want unchanged %+v", got, before)
	}

	// The parent can.
	if got := ask(t, ctx, `{type: 'ddpm:setState', state: {t: 321, schedule: 'cosine'}}`).Data.State; got == nil || got.Step != 321 || got.Schedule != "cosine" {
		t.Errorf("the parent's setState: %+v, want t = 321, cosine", got)
	}

	// A popup: the demo on its own (not embedded) takes no changes from
	// its opener, nor from itself.
	evalJSON(t, ctx, fmt.Sprintf(`(() => {
		window.popupMsgs = [];
		addEventListener('message', (e) => { if (window.popup && e.source === popup) popupMsgs.push(e.data); });
		window.popup = open(%q, 'demo-popup');
		return true;
	})()`, demo+"/index.html?t=5&play=0"), nil)
	askPopup := func(req, id string) map[string]any {
		var got map[string]any
		evalJSON(t, ctx, fmt.Sprintf(`(async () => {
			const end = performance.now() + 60000;
			for (let k = 0; ; k++) {
				const id = %q + '-' + k;
				popup.postMessage(Object.assign(%s, {id}), %q);
				for (let i = 0; i < 25; i++) {
					await new Promise((r) => setTimeout(r, 40));
					const m = popupMsgs.find((m) => m && m.id === id);
					if (m) return m;
				}
				if (performance.now() > end) throw new Error('the popup did not answer ' + id);
			}
		})()`, id, req, demo), &got)
		return got
	}
	s0 := askPopup(`{type: 'ddpm:getState'}`, "popup-get0") // also waits until it answers
	got := askPopup(`{type: 'ddpm:setState', state: {t: 777, schedule: 'cosine'}}`, "popup-set")
	if got["type"] != "ddpm:error" || got["code"] != "sender" || !strings.Contains(fmt.Sprint(got["message"]), "not embedded") {
		t.Errorf("the opener's setState was answered %v, want a refusal (not embedded)", got)
	}
	s1 := askPopup(`{type: 'ddpm:getState'}`, "popup-get1")
	st0, _ := s0["state"].(map[string]any)
	st1, _ := s1["state"].(map[string]any)
	if st0 == nil || st1 == nil || st1["t"] != st0["t"] || st1["schedule"] != st0["schedule"] || st1["t"] != float64(5) {
		t.Errorf("the popup's state %v then %v: want t = 5 and the schedule unchanged", st0, st1)
	}
	evalJSON(t, ctx, `popup.close()`, nil)
	if errs := consoleErrors(ctx); len(errs) > 0 {
		t.Errorf("console errors:\n  %s", strings.Join(errs, "\n  "))
	}
}

// TestMessagesParentOrigin: ?parentOrigin= names the one origin whose page
// may drive the embed.
func TestMessagesParentOrigin(t *testing.T) {
	demo := startServer(t, repoRoot(t))
	// The host's origin is not known before it is served: serve the demo
	// URL through a redirect-free indirection (the page reads its origin).
	var hostURL string
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		origin := r.URL.Query().Get("allow")
		if origin == "self" {
			origin = hostURL
		}
		src := demo + "/index.html?embed=1&play=0&parentOrigin=" + origin
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>host</title><iframe id="demo" src="%s"></iframe><script>
window.msgs = [];
addEventListener('message', (e) => { if (e.source === document.getElementById('demo').contentWindow) msgs.push({ origin: e.origin, data: e.data }); });
window.send = (m) => document.getElementById('demo').contentWindow.postMessage(m, %q);
</script>`, html.EscapeString(src), demo)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	hostURL = ts.URL
	ctx := newBrowser(t)

	// On the named origin: notices and changes.
	navigate(t, ctx, hostURL+"/?allow=self")
	waitDemoReady(t, ctx)
	if got := ask(t, ctx, `{type: 'ddpm:setState', state: {t: 42}}`).Data.State; got == nil || got.Step != 42 {
		t.Errorf("the parent on parentOrigin: %+v, want t = 42", got)
	}

	// Another origin named: the parent may read, not change; no notices.
	navigate(t, ctx, hostURL+"/?allow=https://blog.example")
	// No ddpm:ready comes: wait for the answer to a getState (answered
	// once the demo is ready).
	var answered bool
	evalJSON(t, ctx, `(async () => {
		const end = performance.now() + 90000;
		for (let k = 0; !msgs.some((m) => typeof m.data.id === 'string' && m.data.id.startsWith('first')); k++) {
			// Sent again: the first ones may reach the frame before the demo's page is in it.
			if (k % 10 === 0) send({type: 'ddpm:getState', id: 'first' + k});
			if (performance.now() > end) throw new Error('the demo did not answer getState');
			await new Promise((r) => setTimeout(r, 50));
		}
		return true;
	})()`, &answered)
	m := ask(t, ctx, `{type: 'ddpm:setState', state: {t: 42}}`)
	if m.Data.Type != "ddpm:error" || !strings.Contains(m.Data.Message, "only from https://blog.example") {
		t.Errorf("a parent not on parentOrigin: %+v, want a refusal naming https://blog.example", m.Data)
	}
	var notices int
	evalJSON(t, ctx, `msgs.filter((m) => m.data.type === 'ddpm:ready' || (m.data.type === 'ddpm:state' && m.data.id === undefined)).length`, &notices)
	if notices != 0 {
		t.Errorf("%d notices went to a parent not on parentOrigin", notices)
	}
}

// TestMessagesBurst: 1,000 heavy setState requests in a burst are all
// answered, in order, the last one's state is the demo's, they cost far
// fewer than 1,000 changes (merged), and the demo keeps animating and
// answering. (Issue #13, defect 3: such a burst held an embed at 3 fps
// for over 3 minutes.)
func TestMessagesBurst(t *testing.T) {
	demo := startServer(t, repoRoot(t))
	host := startHostServer(t, demo+"/index.html?embed=1&play=0&t=0", "")
	ctx := newBrowser(t)
	navigate(t, ctx, host+"/")
	waitDemoReady(t, ctx)
	evalJSON(t, ctx, `document.getElementById('demo').scrollIntoView({block: 'center'})`, nil)

	from := msgCount(t, ctx)
	const n = 1000
	evalJSON(t, ctx, fmt.Sprintf(`(() => {
		const sizes = [512, 256, 384];
		const schedules = ['linear', 'cosine', 'sigmoid'];
		for (let i = 0; i < %d; i++) {
			send({type: 'ddpm:setState', id: i, state: {size: sizes[i %% 3], seed: i, schedule: schedules[i %% 3], mode: i %% 2 ? 'markov' : 'closed', t: i %% 1000, playing: false}});
		}
	})()`, n), nil)
	var res struct {
		IDs     []int          `json:"ids"`
		Types   []string       `json:"types"`
		Applies int            `json:"applies"`
		Last    map[string]any `json:"last"`
	}
	evalJSON(t, ctx, fmt.Sprintf(`(async () => {
		const end = performance.now() + 180000;
		const answers = () => msgs.slice(%d).filter((m) => typeof m.data.id === 'number');
		while (answers().length < %d && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
		const a = answers();
		// Each apply answers its requests together: count the groups.
		let applies = 0;
		for (let i = 0; i < a.length; i++) if (i === 0 || a[i].data.merged !== a[i - 1].data.merged || JSON.stringify(a[i].data.state) !== JSON.stringify(a[i - 1].data.state)) applies++;
		return {ids: a.map((m) => m.data.id), types: [...new Set(a.map((m) => m.data.type + ':' + (m.data.merged > 0)))], applies, last: a.length ? a[a.length - 1].data.state : null};
	})()`, from, n), &res)
	t.Logf("%d requests answered in order by %d changes", len(res.IDs), res.Applies)
	if len(res.IDs) != n {
		t.Fatalf("%d of %d requests answered", len(res.IDs), n)
	}
	for i, id := range res.IDs {
		if id != i {
			t.Fatalf("answer %d is to request %d: out of order", i, id)
		}
	}
	if len(res.Types) != 1 || res.Types[0] != "ddpm:state:true" {
		t.Errorf("answers %q, want every one ddpm:state with merged > 0", res.Types)
	}
	if res.Applies > n/10 {
		t.Errorf("%d changes for %d requests, want them merged (at most %d)", res.Applies, n, n/10)
	}
	want := map[string]any{"size": 512.0, "seed": 999.0, "schedule": "linear", "mode": "markov", "t": 999.0}
	for k, v := range want {
		if res.Last[k] != v {
			t.Errorf("after the burst %s = %v, want %v (the last request's)", k, res.Last[k], v)
		}
	}

	// Still animating and answering: played, t moves and the host hears of it.
	from = msgCount(t, ctx)
	ask(t, ctx, `{type: 'ddpm:setState', state: {t: 0, speed: 200, playing: true}}`)
	waitMessage(t, ctx, from, `m.type === 'ddpm:state' && m.id === undefined && m.state.t > 20`)
	if s := ask(t, ctx, `{type: 'ddpm:getState'}`).Data.State; s == nil || s.Seed != 999 {
		t.Errorf("getState after the burst: %+v", s)
	}
	if errs := consoleErrors(ctx); len(errs) > 0 {
		t.Errorf("console errors:\n  %s", strings.Join(errs, "\n  "))
	}
}
