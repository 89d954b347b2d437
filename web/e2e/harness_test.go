//go:build browser

// Package e2e drives the page in headless Chromium with chromedp.
//
// The tests carry the build tag "browser" so that a plain `go test ./...`
// needs no browser; `make test` always runs them:
//
//	make e2e                     # builds the wasm first
//	CHROMIUM=/usr/bin/chromium go test -tags browser -count=1 ./web/e2e/
//
// A test serves the repository root with dissolve/web/server on
// 127.0.0.1:0, starts its own Chromium with a fresh profile, and waits on
// window.ddpm.ready, never on fixed sleeps:
//
//	base := startServer(t, repoRoot(t))
//	ctx := newBrowser(t)
//	navigate(t, ctx, base+"/index.html")
//	waitReady(t, ctx)
//	var st map[string]any
//	evalJSON(t, ctx, `window.ddpm.getState()`, &st)
//	png := screenshot(t, ctx, "stage", "#stage")
//	assertClean(t, ctx, base)
//
// Screenshots and Chromium's own log go to web/e2e/out/ (git-ignored).
// Without a Chromium the tests fail with the install hint; they never skip.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"dissolve/web/server"
)

// outDir holds screenshots and browser logs, relative to this package.
const outDir = "out"

// testTimeout bounds one test's browser (start, navigation, every action),
// unless the test binary's own -timeout ends sooner.
const testTimeout = 4 * time.Minute

// readyTimeout bounds the wait for window.ddpm.ready.
const readyTimeout = 60 * time.Second

// chromiumFlags are the flags that work on the project's machines (see
// DESIGN.md, "Browser tests that hold"), on top of chromedp's defaults.
var chromiumFlags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true),
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("enable-unsafe-swiftshader", true),
	chromedp.Flag("disable-dev-shm-usage", true),
	chromedp.WindowSize(1280, 900),
}

// repoRoot returns the absolute path of the repository root (go test runs
// in the package directory, web/e2e).
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

// startServer serves root with dissolve/web/server on 127.0.0.1 at a free
// port and returns the base URL ("http://127.0.0.1:PORT", no trailing
// slash). The server closes when the test ends.
func startServer(t testing.TB, root string) string {
	t.Helper()
	h, err := server.Dir(root)
	if err != nil {
		t.Fatalf("serving %s: %v", root, err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// chromiumPath finds the browser as scripts/install-chromium.sh does:
// $CHROMIUM, then chromium, then chromium-browser on PATH. It never
// installs anything; a missing browser fails the test with the hint.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		full, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("CHROMIUM=%s is not an executable: %v", p, err)
		}
		return full
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if full, err := exec.LookPath(name); err == nil {
			return full
		}
	}
	t.Fatal("Chromium not found: the browser tests need it and do not skip. " +
		"Run `make test` (it installs Debian's chromium as root), or " +
		"`bash scripts/install-chromium.sh`, or `apt-get install chromium`, " +
		"or set CHROMIUM=/path/to/chromium.")
	return ""
}

// newBrowser starts a headless Chromium for this test (fresh profile in
// t.TempDir(), 1280x900 window) and returns a chromedp context on its tab.
// The context ends at the earlier of testTimeout and the test binary's
// deadline; the browser is closed when the test ends. From the first moment
// of the tab, a recorder collects console errors and warnings, uncaught
// exceptions, browser log entries and the URL of every network request; read
// them with consoleErrors, consoleWarnings, requests and offOriginRequests.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	return newBrowserFor(t, testTimeout)
}

// newBrowserFor is newBrowser with a browser that lasts d instead of
// testTimeout (the long runs: TestMonkey's, TestSoak).
func newBrowserFor(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	sideBySide(t)
	exe := chromiumPath(t)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(outDir, safeName(t.Name())+".chromium.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(d)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, ok := d.Deadline(); ok && td.Add(-5*time.Second).Before(deadline) {
			deadline = td.Add(-5 * time.Second)
		}
	}
	base, cancelBase := context.WithDeadline(context.Background(), deadline)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(logFile),
	)
	opts = append(opts, chromiumFlags...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)

	rec := &recorder{}
	ctx, cancelCtx := chromedp.NewContext(allocCtx,
		chromedp.WithListener(rec.listen),
		// chromedp's own messages go to the browser's log file: t.Logf
		// would panic if one of its goroutines logged after the test.
		chromedp.WithLogf(func(format string, args ...any) {
			fmt.Fprintf(logFile, "chromedp: "+format+"\n", args...)
		}),
	)
	// Cleanups run last-in first-out: close the tab, then wait for the
	// browser process to exit, then close its log.
	t.Cleanup(func() {
		logFile.Close()
		cancelBase()
	})
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelCtx)

	// The first Do starts the browser and binds it to ctx.
	if err := chromedp.Do(ctx); err != nil {
		logFile.Sync()
		out, _ := os.ReadFile(logPath)
		t.Fatalf("starting %s: %v\nChromium's output (%s):\n%s", exe, err, logPath, tail(string(out), 4000))
	}
	// No service worker (web/offline.js) unless the test asks for one
	// (withServiceWorker): each would copy the page's files into its cache.
	if !serviceWorkerTests[t.Name()] {
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: "window.dissolveOffline = false;"}); err != nil {
			t.Fatal(err)
		}
	}
	return context.WithValue(ctx, recorderKey{}, rec)
}

// serviceWorkerTests are the tests whose pages register the service
// worker (web/offline.js); the others' pages run online only.
var serviceWorkerTests = map[string]bool{
	"TestOfflineAfterFirstVisit": true,
	"TestOfflineNewDeployment":   true,
}

// sideBySide lets a top-level browser test run beside others (at most
// go test's -parallel at once; make e2e sets E2E_PARALLEL): a browser test
// spends most of its time waiting for frames, timers and the page, so two
// at once keep a 2-core machine busy where one leaves it two-thirds idle.
// It is called as a test starts its browser, so every test's deadline
// counts from when it really runs. Subtests run in their parent's turn,
// and E2E_SERIAL=1 runs every test alone (for timing a test, say).
func sideBySide(t testing.TB) {
	tt, ok := t.(*testing.T)
	if !ok || strings.Contains(tt.Name(), "/") || os.Getenv("E2E_SERIAL") == "1" {
		return
	}
	if _, twice := sideBySideTests.LoadOrStore(tt, true); twice {
		return // a test's second browser
	}
	tt.Parallel()
}

var sideBySideTests sync.Map

// navigate loads url in the tab and waits for its load event.
func navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v%s", url, err, recorded(ctx))
	}
}

// waitReady waits for window.ddpm.ready (the promise the page resolves when
// its first frame is drawn) and returns the state it resolves to. Until
// window.ddpm exists, the page itself is asked again at each animation
// frame: no fixed sleeps. It fails after readyTimeout, listing what the
// recorder saw.
func waitReady(t testing.TB, ctx context.Context) map[string]any {
	t.Helper()
	rctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var state map[string]any
	err := evalJSONErr(rctx, `(async () => {
		while (!(window.ddpm && window.ddpm.ready)) {
			await new Promise(r => requestAnimationFrame(r));
		}
		return await window.ddpm.ready;
	})()`, &state)
	if err != nil {
		t.Fatalf("waiting for window.ddpm.ready: %v%s", err, recorded(ctx))
	}
	return state
}

// evalJSON evaluates the JavaScript expression in the page's main frame,
// awaits it if it is a promise, and decodes its JSON value into out (nil to
// ignore the value). A thrown exception or rejected promise fails the test.
func evalJSON(t testing.TB, ctx context.Context, expr string, out any) {
	t.Helper()
	if err := evalJSONErr(ctx, expr, out); err != nil {
		t.Fatalf("evaluating %s: %v%s", abbreviate(expr), err, recorded(ctx))
	}
}

// evalJSONErr is evalJSON returning the error instead of failing; use it to
// check that a call throws (the error text holds the exception's message).
func evalJSONErr(ctx context.Context, expr string, out any) error {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding %s into %T: %w", abbreviate(string(raw)), out, err)
	}
	return nil
}

// screenshot captures a PNG through DevTools (a WebGL canvas's toDataURL can
// be blank after compositing; this is not) and saves it as
// web/e2e/out/NAME.png. With a CSS selector it captures that element (the
// stage iframe, say); without, the full page. It returns the PNG bytes.
func screenshot(t testing.TB, ctx context.Context, name string, selector ...string) []byte {
	t.Helper()
	var action chromedp.Action[[]byte]
	switch len(selector) {
	case 0:
		action = chromedp.FullScreenshot(100)
	case 1:
		action = chromedp.Screenshot(chromedp.CSS(selector[0]))
	default:
		t.Fatalf("screenshot %s: at most one selector, got %q", name, selector)
	}
	png, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("screenshot %s %q: %v%s", name, selector, err, recorded(ctx))
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(outDir, safeName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: web/e2e/%s", path)
	return png
}

// assertClean fails the test if the page logged an error or an uncaught
// exception, or made a request off base's origin. Warnings are logged.
func assertClean(t testing.TB, ctx context.Context, base string) {
	t.Helper()
	seen := map[string]int{}
	var warnings []string
	for _, w := range consoleWarnings(ctx) {
		if seen[w]++; seen[w] == 1 {
			warnings = append(warnings, w)
		}
	}
	for _, w := range warnings {
		t.Logf("console warning (%d×): %s", seen[w], w)
	}
	if errs := consoleErrors(ctx); len(errs) > 0 {
		t.Errorf("console errors and uncaught exceptions:\n  %s", strings.Join(errs, "\n  "))
	}
	if off := offOriginRequests(ctx, base); len(off) > 0 {
		t.Errorf("requests leaving %s:\n  %s", base, strings.Join(off, "\n  "))
	}
}

// consoleErrors returns the console errors (console.error, console.assert),
// uncaught exceptions and unhandled rejections, error entries of the
// browser log (failed loads, CSP violations), and Go runtime crashes
// (wasm_exec.js prints a Go panic with console.log), in order.
func consoleErrors(ctx context.Context) []string {
	return recorderOf(ctx).messages(levelError)
}

// consoleWarnings returns console.warn calls and warning entries of the
// browser log, in order.
func consoleWarnings(ctx context.Context) []string {
	return recorderOf(ctx).messages(levelWarning)
}

// requests returns the URL of every request the tab sent, in order, from
// the page and its same-site iframes (the stage). A cross-site iframe would
// be a target of its own that the recorder does not see; the page's CSP
// (default-src 'self') refuses those, and consoleErrors reports the refusal.
func requests(ctx context.Context) []string {
	r := recorderOf(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}

// assertOneWasmLoad checks that the wasm was downloaded once: the page
// compiles it while it loads (web/boot.js) and the stage iframe
// instantiates that module instead of fetching its own.
func assertOneWasmLoad(t testing.TB, ctx context.Context) {
	t.Helper()
	var loads []string
	for _, u := range requests(ctx) {
		if p, err := url.Parse(u); err == nil && strings.HasSuffix(p.Path, ".wasm") {
			loads = append(loads, u)
		}
	}
	if len(loads) != 1 {
		t.Errorf("the wasm was requested %d times, want once (by web/boot.js): %q", len(loads), loads)
	}
}

// offOriginRequests returns the requested URLs whose origin (scheme, host
// and port) differs from base's. data:, blob: and about: URLs never leave
// the browser and are not counted.
func offOriginRequests(ctx context.Context, base string) []string {
	b, err := url.Parse(base)
	if err != nil {
		return []string{fmt.Sprintf("bad base URL %q: %v", base, err)}
	}
	var off []string
	for _, s := range requests(ctx) {
		u, err := url.Parse(s)
		if err != nil {
			off = append(off, s)
			continue
		}
		switch u.Scheme {
		case "data", "blob", "about":
			continue
		}
		if u.Scheme != b.Scheme || u.Host != b.Host {
			off = append(off, s)
		}
	}
	return off
}

type level int

const (
	levelWarning level = iota
	levelError
)

type message struct {
	level level
	text  string
}

// recorder collects what the tab reports. Its listen method runs in
// chromedp's event loop, in the order Chromium sent the events and before
// the reply to any later command, so after an evalJSON returns, everything
// the page logged before it is recorded.
type recorder struct {
	mu       sync.Mutex
	msgs     []message
	requests []string
}

type recorderKey struct{}

func recorderOf(ctx context.Context) *recorder {
	r, ok := ctx.Value(recorderKey{}).(*recorder)
	if !ok {
		panic("e2e: context does not come from newBrowser")
	}
	return r
}

// goCrash matches what the Go runtime prints when a wasm program dies.
var goCrash = regexp.MustCompile(`^(panic: |fatal error: |Go program has already exited)`)

func (r *recorder) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := consoleText(ev.Args)
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			r.add(levelError, "console."+string(ev.Type)+": "+text+where(ev.StackTrace))
		case runtime.ConsoleAPICalledTypeWarning:
			r.add(levelWarning, "console.warn: "+text+where(ev.StackTrace))
		default:
			if goCrash.MatchString(text) {
				r.add(levelError, "Go runtime: "+text)
			}
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n    at ")
			text += " " + desc
		}
		r.add(levelError, fmt.Sprintf("exception: %s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1))
	case *log.EventEntryAdded:
		e := ev.Entry
		text := fmt.Sprintf("log %s: %s", e.Source, e.Text)
		if e.URL != "" {
			text += " (" + e.URL + ")"
		}
		switch e.Level {
		case log.EntryLevelError:
			r.add(levelError, text)
		case log.EntryLevelWarning:
			r.add(levelWarning, text)
		}
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			r.mu.Lock()
			r.requests = append(r.requests, ev.Request.URL)
			r.mu.Unlock()
		}
	}
}

func (r *recorder) add(l level, text string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, message{l, text})
	r.mu.Unlock()
}

func (r *recorder) messages(l level) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		if m.level == l {
			out = append(out, m.text)
		}
	}
	return out
}

// consoleText renders console arguments roughly as DevTools does: strings
// as they are, other values by their JSON value or description.
func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
			parts = append(parts, s)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func where(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// recorded summarises the recorder for a failure message.
func recorded(ctx context.Context) string {
	r, ok := ctx.Value(recorderKey{}).(*recorder)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, m := range r.messages(levelError) {
		b.WriteString("\n  error: " + m)
	}
	for _, m := range r.messages(levelWarning) {
		b.WriteString("\n  warning: " + m)
	}
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		b.WriteString("\n  (the test's browser deadline has passed)")
	}
	if b.Len() == 0 {
		return ""
	}
	return "\nthe page reported:" + b.String()
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
