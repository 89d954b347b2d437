// Command serve serves the static site for development:
//
//	go run ./scripts/serve -addr 127.0.0.1:8080 -root .
//
// It uses dissolve/web/server, so it sends the precompressed wasm, the
// page's Content-Security-Policy and Cache-Control: no-cache. Run
// scripts/build.sh (or make serve) first to build web/dissolve.wasm.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"dissolve/web/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (host:port)")
	root := flag.String("root", ".", "directory to serve (the repository root)")
	flag.Parse()
	log.SetFlags(0)

	abs, err := filepath.Abs(*root)
	if err != nil {
		log.Fatal(err)
	}
	h, err := server.Dir(abs)
	if err != nil {
		log.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(filepath.Join(abs, "web", "dissolve.wasm")); err != nil {
		log.Printf("serve: warning: %s is missing; run scripts/build.sh (make serve does)", filepath.Join(abs, "web", "dissolve.wasm"))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("serve: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("serving %s on http://%s/ (Ctrl-C to stop)", abs, ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serve: %v", err)
	}
}
