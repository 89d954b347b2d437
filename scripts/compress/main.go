// Command compress writes precompressed siblings of files for
// dissolve/web/server: NAME.gz (gzip, level 9) and NAME.br (brotli,
// quality 11 unless -brotli says otherwise, via github.com/andybalholm/brotli).
//
//	go run ./scripts/compress web/dissolve.wasm
//	go run ./scripts/compress -brotli 9 web/data/mnist-train.bin
//
// (Quality 11 on the 7.9 MB digit file takes about a minute in this pure-Go
// brotli; quality 9 takes a few seconds for a file a few percent larger.)
//
// Each sibling is written to a temporary file and renamed into place, so a
// server never sees a half-written one. It prints one line per input with
// the three sizes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

var quality = flag.Int("brotli", brotli.BestCompression, "brotli quality, 0..11")

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compress [-brotli Q] FILE...\nwrites FILE.gz (gzip -9) and FILE.br (brotli Q, default 11) next to each FILE")
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	log.SetFlags(0)
	if *quality < 0 || *quality > 11 {
		log.Fatalf("compress: -brotli must be in 0..11, got %d", *quality)
	}
	for _, name := range flag.Args() {
		if err := compress(name); err != nil {
			log.Fatalf("compress: %v", err)
		}
	}
}

func compress(name string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := write(zw, raw); err != nil {
		return fmt.Errorf("gzip %s: %w", name, err)
	}
	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: *quality, LGWin: 24})
	if err := write(bw, raw); err != nil {
		return fmt.Errorf("brotli %s: %w", name, err)
	}
	if err := replace(name+".gz", gz.Bytes()); err != nil {
		return err
	}
	if err := replace(name+".br", br.Bytes()); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes raw, %d gzip, %d brotli\n", name, len(raw), gz.Len(), br.Len())
	return nil
}

func write(w io.WriteCloser, p []byte) error {
	if _, err := w.Write(p); err != nil {
		return err
	}
	return w.Close()
}

// replace writes data to name atomically (temporary file, then rename).
func replace(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
