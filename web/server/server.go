// Package server serves the static site (the repository root) for
// development and for the browser tests.
//
// It serves files only: no directory listings, no dot files (so .git stays
// private), GET and HEAD only. A request for x.wasm is answered from a
// precompressed sibling x.wasm.br or x.wasm.gz when the client accepts that
// encoding and the sibling is at least as new as x.wasm; the Content-Type
// always comes from the original extension. Every response carries the
// page's Content-Security-Policy, X-Content-Type-Options: nosniff and
// Cache-Control: no-cache, so a rebuilt wasm is picked up on reload.
//
// The package is pure Go and has no build tags; it runs natively.
package server

import (
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
)

// ContentSecurityPolicy is the policy sent with every response. It matches
// the CSP meta tag of index.html and web/stage.html: scripts and styles only
// from the origin, WebAssembly compilation allowed, images also from blob:
// and data: URLs (uploaded pictures and exports).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:"

// contentTypes fixes the types the page depends on, independent of the
// host's /etc/mime.types (which mime.TypeByExtension would consult).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".wasm": "application/wasm",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".avif": "image/avif",
	".svg":  "image/svg+xml",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/markdown; charset=utf-8",
}

// encodings lists the precompressed siblings in order of preference.
var encodings = []struct{ token, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// Handler serves the files of an fs.FS. Create it with New or Dir.
type Handler struct {
	fsys fs.FS
}

// New returns a handler serving fsys. Files opened from fsys must implement
// io.Seeker (those of os.DirFS, os.Root.FS and testing/fstest.MapFS do).
func New(fsys fs.FS) *Handler {
	return &Handler{fsys: fsys}
}

// Dir returns a handler serving the directory dir. It opens dir as an
// os.Root, so neither ".." nor a symbolic link can reach outside it.
func Dir(dir string) (*Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return New(root.FS()), nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-cache")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	name, ok := fsName(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	if hidden(name) {
		http.NotFound(w, r)
		return
	}

	info, err := fs.Stat(h.fsys, name)
	if err != nil {
		// Missing, or refused by os.Root (a symbolic link leaving the
		// root): either way, not found, without file system details.
		http.NotFound(w, r)
		return
	}
	if info.IsDir() {
		// Serve the directory's index.html, never a listing. A directory
		// asked for without its trailing slash is redirected first, so the
		// page's relative URLs resolve inside it.
		index := path.Join(name, "index.html")
		ii, err := fs.Stat(h.fsys, index)
		if err != nil || !ii.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/") {
			// From the file's name, not the request's path: "//dist" would
			// give "//dist/", a protocol-relative URL to the host "dist".
			target := "/" + name + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		name, info = index, ii
	}
	if !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	hdr.Set("Content-Type", contentType(name))
	serveName, serveInfo := name, info
	if enc, sib, si := h.precompressed(name, info, r.Header.Get("Accept-Encoding"), hdr); enc != "" {
		hdr.Set("Content-Encoding", enc)
		serveName, serveInfo = sib, si
		// http.ServeContent sends no Content-Length with a Content-Encoding;
		// the page reads it to say how much it is loading (web/boot.js).
		// A range of the encoded bytes is ServeContent's to size.
		if r.Header.Get("Range") == "" {
			hdr.Set("Content-Length", strconv.FormatInt(si.Size(), 10))
		}
	}
	// The ETag names the exact bytes sent (file, size, modification time to
	// the nanosecond), so a rebuild within the same second is not answered
	// 304 from the browser's copy, and the encodings never share a tag.
	hdr.Set("ETag", fmt.Sprintf(`"%x-%x%s"`, serveInfo.ModTime().UnixNano(), serveInfo.Size(), path.Ext(serveName)))

	f, err := h.fsys.Open(serveName)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "file system does not support seeking", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, serveInfo.ModTime(), rs)
}

// precompressed picks the sibling of name to send for the given
// Accept-Encoding header. It sets Vary: Accept-Encoding whenever a usable
// sibling exists, whether or not this client gets it. A sibling older than
// the original is stale (the original was rebuilt without recompressing) and
// is ignored.
func (h *Handler) precompressed(name string, info fs.FileInfo, acceptEncoding string, hdr http.Header) (enc, sibling string, si fs.FileInfo) {
	for _, e := range encodings {
		s, err := fs.Stat(h.fsys, name+e.suffix)
		if err != nil || !s.Mode().IsRegular() || s.ModTime().Before(info.ModTime()) {
			continue
		}
		hdr.Set("Vary", "Accept-Encoding")
		if enc == "" && accepts(acceptEncoding, e.token) {
			enc, sibling, si = e.token, name+e.suffix, s
		}
	}
	return enc, sibling, si
}

// fsName turns a URL path into an fs.FS name. It rejects any ".." segment
// outright rather than cleaning it away, and anything fs.ValidPath rejects.
func fsName(urlPath string) (string, bool) {
	if !strings.HasPrefix(urlPath, "/") {
		return "", false
	}
	if strings.ContainsAny(urlPath, "\\\x00") {
		return "", false
	}
	for _, seg := range strings.Split(urlPath, "/") {
		if seg == ".." {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean(urlPath), "/")
	if name == "" {
		name = "."
	}
	return name, fs.ValidPath(name)
}

// hidden reports whether any segment of name starts with a dot (.git,
// .ci, .gitignore).
func hidden(name string) bool {
	if name == "." {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// contentType is the media type for name's extension; unknown extensions
// get application/octet-stream (with nosniff, the browser will not guess).
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// accepts reports whether an Accept-Encoding header value accepts coding:
// listed by name, or covered by "*", with a q-value above zero. An explicit
// entry for the coding wins over "*".
func accepts(header, coding string) bool {
	named, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		token = strings.ToLower(strings.TrimSpace(token))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch token {
		case coding:
			named = q
		case "*":
			star = q
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}
