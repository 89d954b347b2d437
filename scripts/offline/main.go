// Command offline writes web/data/offline.js, the list of files the page's
// service worker (sw.js, at the site's root) keeps for a visit without a
// network, and the version of that set:
//
//	self.dissolveOffline = {"version": "3f2a…", "files": ["./", "index.html", "web/app.js", …]};
//
// The files are the page's own: index.html (also as "./", the folder's
// address), the scripts, styles, icon, words and stage of web/, the
// WebAssembly builds (dissolve and worker; make dist's hashed names), the
// built-in pictures, the schema, the data sets of web/data (the MNIST
// subsets, the photographs) and the example teacher's path. The
// precompressed siblings (.gz, .br) are left out: the browser stores what
// the server sent, already decoded.
//
// The version is the first 16 hex digits of the SHA-256 of every listed
// file's name and bytes, so a new deployment (make dist's new hashed
// wasm names, or any changed file) has a new version and the service
// worker replaces its cache. A file whose bytes would not change is left
// alone.
//
//	go run ./scripts/offline [-root .] [-out web/data/offline.js]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// patterns are the page's files, relative to the root (filepath.Match).
var patterns = []string{
	"index.html",
	"web/*.js", "web/*.css", "web/*.svg", "web/*.json", "web/stage.html",
	"web/*.wasm",
	"web/images/*",
	"web/data/schema.json", "web/data/*.bin",
	"web/lessons/*.json",
}

// Manifest is what offline.js holds.
type Manifest struct {
	Version string   `json:"version"`
	Files   []string `json:"files"`
}

// List returns the manifest of the site at root.
func List(root string) (Manifest, error) {
	seen := map[string]bool{}
	var files []string
	for _, p := range patterns {
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return Manifest{}, err
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return Manifest{}, err
			}
			rel = filepath.ToSlash(rel)
			info, err := os.Stat(m)
			if err != nil || !info.Mode().IsRegular() || seen[rel] || strings.HasPrefix(filepath.Base(rel), ".") {
				continue
			}
			seen[rel] = true
			files = append(files, rel)
		}
	}
	sort.Strings(files)
	if !seen["index.html"] {
		return Manifest{}, fmt.Errorf("%s has no index.html", root)
	}
	h := sha256.New()
	for _, f := range files {
		fh, err := os.Open(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return Manifest{}, err
		}
		fmt.Fprintf(h, "%s\x00", f)
		_, err = io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return Manifest{}, err
		}
		h.Write([]byte{0})
	}
	// The folder's own address serves index.html.
	return Manifest{Version: hex.EncodeToString(h.Sum(nil))[:16], Files: append([]string{"./"}, files...)}, nil
}

// Script is offline.js for m.
func Script(m Manifest) []byte {
	data, _ := json.Marshal(m)
	return []byte("// Written by scripts/offline: the files sw.js keeps for a visit without a network.\nself.dissolveOffline = " + string(data) + ";\n")
}

func main() {
	root := flag.String("root", ".", "the site's root (where index.html and sw.js are)")
	out := flag.String("out", "web/data/offline.js", "where to write the list")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("offline: ")
	m, err := List(*root)
	if err != nil {
		log.Fatal(err)
	}
	data := Script(m)
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, data) {
		fmt.Printf("offline: %s unchanged (version %s, %d files)\n", *out, m.Version, len(m.Files))
		return
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("offline: %s: version %s, %d files\n", *out, m.Version, len(m.Files))
}
