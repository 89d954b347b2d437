//go:build browser

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// TestPlainStaticHost: make dist's output served by Python's http.server,
// a static server that knows nothing of precompressed files, sends no CSP
// header and guesses types from its own table, still loads, and runs the
// reverse direction in its workers. (#13: static hosts as they are.)
func TestPlainStaticHost(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed for this test (Debian: apt-get install python3)")
	}
	dist := buildDist(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := exec.Command(py, "-m", "http.server", "--bind", "127.0.0.1", "--directory", dist, fmt.Sprint(port))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ { // wait for the server to listen
		resp, err := http.Get(base + "/index.html")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 600 { // 30 s: a loaded machine starts Python slowly
			t.Fatalf("python3 -m http.server did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/index.html?direction=reverse&play=0&t=0&seed=1&lang=en")
	waitReady(t, ctx)
	var s reverseStats
	evalJSON(t, ctx, `(async () => { await ddpm.reverseReady(); return ddpm.stats(); })()`, &s)
	if s.Novelty >= 0.05 || s.Visited != 0 {
		t.Errorf("reverse on a plain static host: %+v", s)
	}
}
