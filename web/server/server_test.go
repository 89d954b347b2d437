package server_test

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"dissolve/web/server"
)

var (
	old = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now = old.Add(time.Hour)
)

func file(body string, mod time.Time) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(body), Mode: 0o644, ModTime: mod}
}

// site is a small tree with the shapes the real root has: an index page,
// a wasm file with fresh precompressed siblings, a script whose .gz sibling
// is stale, a directory without an index and a dot directory.
func site() fstest.MapFS {
	return fstest.MapFS{
		"index.html":           file("<p>root</p>", old),
		"secret.txt":           file("outside web", old),
		"web/index.html":       file("<p>web</p>", old),
		"web/app.js":           file("app()", now),
		"web/app.js.gz":        file("GZ-STALE", old),
		"web/style.css":        file("body{}", old),
		"web/dissolve.wasm":    file("RAW-WASM", old),
		"web/dissolve.wasm.gz": file("GZ-WASM", old),
		"web/dissolve.wasm.br": file("BR-WASM", now),
		"web/images/cat.png":   file("PNG", old),
		"web/images/cat.jpg":   file("JPG", old),
		"web/data.unknownext":  file("???", old),
		".git/config":          file("[core]", old),
		"web/.hidden":          file("dot", old),
	}
}

func TestHandler(t *testing.T) {
	h := server.New(site())
	tests := []struct {
		name       string
		method     string
		target     string
		accept     string // Accept-Encoding
		wantStatus int
		wantType   string // media type without parameters; "" = don't check
		wantEnc    string // Content-Encoding
		wantVary   bool
		wantBody   string // "" = don't check
		wantLoc    string
	}{
		{name: "root serves index.html", target: "/", wantStatus: 200, wantType: "text/html", wantBody: "<p>root</p>"},
		{name: "index.html by name is not redirected", target: "/index.html", wantStatus: 200, wantType: "text/html", wantBody: "<p>root</p>"},
		{name: "query string ignored", target: "/index.html?mode=markov&t=250", wantStatus: 200, wantBody: "<p>root</p>"},
		{name: "subdirectory index", target: "/web/", wantStatus: 200, wantType: "text/html", wantBody: "<p>web</p>"},
		{name: "directory without slash redirects", target: "/web?x=1", wantStatus: 301, wantLoc: "/web/?x=1"},
		// It used to answer Location: //web/, which leaves for the host "web".
		{name: "doubled slash redirects on the origin", target: "//web", wantStatus: 301, wantLoc: "/web/"},
		{name: "doubled slashes redirect on the origin", target: "///web//?x=1", wantStatus: 200, wantType: "text/html", wantBody: "<p>web</p>"},
		{name: "inner doubled slash redirects on the origin", target: "//web//images/..//", wantStatus: 400},
		{name: "no directory listing", target: "/web/images/", wantStatus: 404},
		{name: "no directory listing without slash", target: "/web/images", wantStatus: 404},
		{name: "javascript", target: "/web/app.js", wantStatus: 200, wantType: "text/javascript", wantBody: "app()"},
		{name: "css", target: "/web/style.css", wantStatus: 200, wantType: "text/css", wantBody: "body{}"},
		{name: "png", target: "/web/images/cat.png", wantStatus: 200, wantType: "image/png"},
		{name: "jpeg", target: "/web/images/cat.jpg", wantStatus: 200, wantType: "image/jpeg"},
		{name: "unknown extension", target: "/web/data.unknownext", wantStatus: 200, wantType: "application/octet-stream"},
		{name: "missing", target: "/nope.js", wantStatus: 404},

		{name: "wasm prefers brotli", target: "/web/dissolve.wasm", accept: "gzip, deflate, br, zstd", wantStatus: 200, wantType: "application/wasm", wantEnc: "br", wantVary: true, wantBody: "BR-WASM"},
		{name: "wasm gzip only", target: "/web/dissolve.wasm", accept: "gzip", wantStatus: 200, wantType: "application/wasm", wantEnc: "gzip", wantVary: true, wantBody: "GZ-WASM"},
		{name: "wasm identity", target: "/web/dissolve.wasm", accept: "", wantStatus: 200, wantType: "application/wasm", wantVary: true, wantBody: "RAW-WASM"},
		{name: "wasm br refused by q=0", target: "/web/dissolve.wasm", accept: "br;q=0, gzip;q=0.5", wantStatus: 200, wantType: "application/wasm", wantEnc: "gzip", wantVary: true, wantBody: "GZ-WASM"},
		{name: "wasm star", target: "/web/dissolve.wasm", accept: "*", wantStatus: 200, wantEnc: "br", wantVary: true, wantBody: "BR-WASM"},
		{name: "wasm star but not br", target: "/web/dissolve.wasm", accept: "*;q=1, BR;q=0", wantStatus: 200, wantEnc: "gzip", wantVary: true, wantBody: "GZ-WASM"},
		{name: "wasm identity only", target: "/web/dissolve.wasm", accept: "identity", wantStatus: 200, wantVary: true, wantBody: "RAW-WASM"},
		{name: "stale sibling ignored", target: "/web/app.js", accept: "gzip", wantStatus: 200, wantType: "text/javascript", wantBody: "app()"},
		{name: "sibling asked for directly", target: "/web/dissolve.wasm.br", wantStatus: 200, wantBody: "BR-WASM"},

		{name: "dot-dot rejected", target: "/web/../secret.txt", wantStatus: 400},
		{name: "encoded dot-dot rejected", target: "/web/%2e%2e/secret.txt", wantStatus: 400},
		{name: "leading dot-dot rejected", target: "/../secret.txt", wantStatus: 400},
		{name: "backslash rejected", target: `/web\..\secret.txt`, wantStatus: 400},
		{name: "git directory hidden", target: "/.git/config", wantStatus: 404},
		{name: "dot file hidden", target: "/web/.hidden", wantStatus: 404},

		{name: "HEAD allowed", method: "HEAD", target: "/web/app.js", wantStatus: 200, wantType: "text/javascript"},
		{name: "POST refused", method: "POST", target: "/index.html", wantStatus: 405},
		{name: "PUT refused", method: "PUT", target: "/index.html", wantStatus: 405},
		{name: "DELETE refused", method: "DELETE", target: "/index.html", wantStatus: 405},
		{name: "OPTIONS refused", method: "OPTIONS", target: "/", wantStatus: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tc.target, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)

			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tc.wantStatus, body)
			}
			// Security headers go out on every response, errors included.
			for k, want := range map[string]string{
				"Content-Security-Policy": server.ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Cache-Control":           "no-cache",
			} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tc.wantType != "" {
				mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
				if err != nil || mt != tc.wantType {
					t.Errorf("Content-Type = %q, want %s", res.Header.Get("Content-Type"), tc.wantType)
				}
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.wantEnc {
				t.Errorf("Content-Encoding = %q, want %q", got, tc.wantEnc)
			}
			if got := res.Header.Get("Vary") == "Accept-Encoding"; got != tc.wantVary {
				t.Errorf("Vary = %q, want Accept-Encoding: %v", res.Header.Get("Vary"), tc.wantVary)
			}
			// The size on the wire is known before the body (web/boot.js's
			// "Loading (N MB)…"), for a precompressed file too.
			if tc.wantStatus == 200 && method == http.MethodGet && res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %q for a body of %d bytes", res.Header.Get("Content-Length"), len(body))
			}
			if tc.wantBody != "" && string(body) != tc.wantBody {
				t.Errorf("body = %q, want %q", body, tc.wantBody)
			}
			if method == http.MethodHead && len(body) != 0 {
				t.Errorf("HEAD returned a body of %d bytes", len(body))
			}
			if tc.wantStatus == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q, want \"GET, HEAD\"", res.Header.Get("Allow"))
			}
			if tc.wantLoc != "" && res.Header.Get("Location") != tc.wantLoc {
				t.Errorf("Location = %q, want %q", res.Header.Get("Location"), tc.wantLoc)
			}
		})
	}
}

// TestETagRevalidation checks that a no-cache revalidation of an unchanged
// file gets 304, and that the compressed and raw variants carry different
// tags.
func TestETagRevalidation(t *testing.T) {
	h := server.New(site())
	get := func(accept, ifNoneMatch string) *http.Response {
		req := httptest.NewRequest("GET", "/web/dissolve.wasm", nil)
		req.Header.Set("Accept-Encoding", accept)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	br := get("br", "").Header.Get("ETag")
	raw := get("", "").Header.Get("ETag")
	if br == "" || raw == "" || br == raw {
		t.Fatalf("ETags br=%q raw=%q: want two different non-empty tags", br, raw)
	}
	if res := get("br", br); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with matching ETag: status %d, want 304", res.StatusCode)
	}
	if res := get("", br); res.StatusCode != http.StatusOK {
		t.Errorf("revalidation of raw with the br ETag: status %d, want 200", res.StatusCode)
	}
}

// TestDirSymlinkEscape checks that Dir refuses a symbolic link pointing
// outside the served directory, and serves ordinary files inside it.
func TestDirSymlinkEscape(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "ok.txt"), []byte("ok"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Skipf("cannot make symlinks here: %v", err)
	}
	h, err := server.Dir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target string
		status int
		body   string
	}{
		{"/ok.txt", 200, "ok"},
		{"/link.txt", 404, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		if rec.Code != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.target, rec.Code, tc.status)
		}
		if tc.body != "" && rec.Body.String() != tc.body {
			t.Errorf("GET %s: body %q, want %q", tc.target, rec.Body.String(), tc.body)
		}
	}
}

func TestDirMissing(t *testing.T) {
	if _, err := server.Dir(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Fatal("Dir of a missing directory: want an error")
	}
}
