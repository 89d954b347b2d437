package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, root, name, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The list holds the page's files and not their precompressed siblings,
// the tests, the examples or dot files; the version changes with any
// listed file's bytes or name, and only then.
func TestList(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"index.html", "sw.js", "web/app.js", "web/style.css", "web/favicon.svg", "web/words-en.json",
		"web/stage.html", "web/dissolve.abc.wasm", "web/dissolve.abc.wasm.br", "web/app.js.gz", "web/images/cat.jpg",
		"web/data/schema.json", "web/data/mnist-train.bin", "web/data/mnist-train.bin.br", "web/data/offline.js",
		"web/lessons/example.json", "web/examples/host.html", "web/e2e/page_test.go", "web/.dissolve.wasm.tmp"} {
		write(t, root, f, "bytes of "+f)
	}
	m, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"./", "index.html", "web/app.js", "web/data/mnist-train.bin", "web/data/schema.json", "web/dissolve.abc.wasm",
		"web/favicon.svg", "web/images/cat.jpg", "web/lessons/example.json", "web/stage.html", "web/style.css", "web/words-en.json"}
	if !slices.Equal(m.Files, want) {
		t.Errorf("files %q\nwant  %q", m.Files, want)
	}
	if len(m.Version) != 16 {
		t.Errorf("version %q, want 16 hex digits", m.Version)
	}
	if s := string(Script(m)); !strings.HasPrefix(strings.SplitN(s, "\n", 2)[1], "self.dissolveOffline = {\"version\":\""+m.Version) {
		t.Errorf("script %q", s)
	}

	// Not listed: no new version.
	write(t, root, "web/app.js.gz", "other")
	write(t, root, "web/examples/host.html", "other")
	if m2, _ := List(root); m2.Version != m.Version {
		t.Errorf("a file outside the list changed the version")
	}
	// A new deployment: a new hashed wasm name, or new bytes.
	os.Rename(filepath.Join(root, "web/dissolve.abc.wasm"), filepath.Join(root, "web/dissolve.abd.wasm"))
	m3, _ := List(root)
	if m3.Version == m.Version {
		t.Errorf("a new wasm name kept the version")
	}
	write(t, root, "web/app.js", "new code")
	if m4, _ := List(root); m4.Version == m3.Version {
		t.Errorf("new bytes kept the version")
	}
	if _, err := List(t.TempDir()); err == nil {
		t.Errorf("a folder without index.html was listed")
	}
}
