// Command schemajson writes web/data/schema.json, the build's copy of the
// state schema: what window.ddpm.schema() answers for the default state
// and the built-in pictures (app.Describe), plus
//
//	"export"        the export panel's defaults and limits, as the core's
//	                exportDefaults() answers them for the default state
//	"builtinFiles"  the built-in pictures' files (app.BuiltinFiles)
//
// The page builds its controls from it while the WebAssembly loads
// (web/schema.js), and the stage fetches the built-in pictures it names
// alongside the WebAssembly (web/stage.js); the running core's schema
// replaces it at the first frame. A file whose bytes would not change is
// left alone.
//
//	go run ./scripts/schemajson [-out web/data/schema.json]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"dissolve/wasm/app"
)

func main() {
	out := flag.String("out", "web/data/schema.json", "the file to write")
	flag.Parse()
	s := app.Default()
	data, err := json.MarshalIndent(app.Describe(s, &app.Library{}), "", " ")
	if err != nil {
		log.Fatal(err)
	}
	data = append(data, '\n')
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, data) {
		fmt.Printf("%s: %d bytes, unchanged\n", *out, len(data))
		return
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d bytes, written\n", *out, len(data))
}
