#!/usr/bin/env bash
# make dist: a self-contained copy of the page in dist/ for any static host,
# under any sub-path (a GitHub Pages project site, a blog's /static/ddpm/):
#
#   dist/index.html                  the page (?embed=1 for iframes)
#   dist/sw.js                       its service worker (a reload without a network works)
#   dist/web/data/offline.js         the files it keeps and their version, which the
#                                    hashed wasm names below change (scripts/offline)
#   dist/web/*.js, *.css, *.svg      its scripts (ES modules, web/app.js imports the rest), styles and icon
#   dist/web/words-*.json            the page's words, one catalogue a language
#   dist/web/data/schema.json        the state schema, as the build wrote it
#   dist/web/stage.html              the canvas' iframe; its <meta name="dissolve-wasm">
#                                    names the wasm below
#   dist/web/dissolve.HASH.wasm      the build, named by the first 16 hex digits
#                                    of its SHA-256 (cache it forever)
#   dist/web/worker.HASH.wasm        the compute workers' build (the reverse process),
#                                    named the same way; index.html's
#                                    <meta name="dissolve-worker-wasm"> names it
#   dist/web/data/                   the MNIST digits the reverse process samples
#                                    from (written by the build)
#   dist/web/images/                 the built-in pictures
#   dist/web/lessons/example.json    an example teacher's path (?path=web/lessons/example.json)
#   dist/web/examples/host.html      an example blog post driving an embedded demo
#                                    through postMessage
#   *.gz, *.br                       precompressed siblings of the text files and
#                                    the wasm (for gzip_static / brotli_static hosts)
#
# Every URL inside is relative. The script checks that, and that the page
# refers to the hashed wasm, before it replaces dist/.
#
# Environment: GO (go binary), DIST (output folder, dist), SHA256SUM.
set -eu

: "${GO:=go}"
: "${DIST:=dist}"
: "${SHA256SUM:=sha256sum}"

cd "$(dirname "$0")/.."
GO="$GO" bash scripts/build.sh

tmp="$DIST.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/web/images" "$tmp/web/examples" "$tmp/web/lessons" "$tmp/web/data"
trap 'rm -rf "$tmp"' EXIT

cp index.html sw.js "$tmp/"
for f in web/*.js web/*.json web/*.css web/*.svg web/stage.html; do
	cp "$f" "$tmp/web/"
done
cp web/images/* "$tmp/web/images/"
cp web/data/schema.json "$tmp/web/data/"
cp web/examples/* "$tmp/web/examples/"
cp web/lessons/* "$tmp/web/lessons/"
cp web/data/*.bin web/data/*.bin.gz web/data/*.bin.br "$tmp/web/data/"

# point_meta FILE NAME FROM TO: FILE's <meta name="NAME" content="FROM">
# now says TO, or the script stops.
point_meta() {
	local file=$1 name=$2 from=$3 to=$4
	sed -i "s|<meta name=\"$name\" content=\"$from\">|<meta name=\"$name\" content=\"$to\">|" "$file"
	if ! grep -q "<meta name=\"$name\" content=\"$to\">" "$file"; then
		echo "dist: $file has no <meta name=\"$name\" content=\"$from\"> to point at $to" >&2
		exit 1
	fi
}

whash=$("$SHA256SUM" web/worker.wasm | cut -c1-16)
worker="worker.$whash.wasm"
cp web/worker.wasm "$tmp/web/$worker"
point_meta "$tmp/index.html" dissolve-worker-wasm web/worker.wasm "web/$worker"

hash=$("$SHA256SUM" web/dissolve.wasm | cut -c1-16)
wasm="dissolve.$hash.wasm"
cp web/dissolve.wasm "$tmp/web/$wasm"
point_meta "$tmp/web/stage.html" dissolve-wasm dissolve.wasm "$wasm"
# The page compiles the wasm early (web/boot.js) from its own meta.
point_meta "$tmp/index.html" dissolve-wasm web/dissolve.wasm "web/$wasm"

# The service worker's list and version, of the files as shipped.
"$GO" run ./scripts/offline -root "$tmp" -out "$tmp/web/data/offline.js" >/dev/null

# Relative URLs only: no src/href/url() starting with / or a scheme, and no
# fetch of an absolute path.
if grep -nE '(src|href)="(/|[a-z]+:)|url\(/|fetch\([`'"'"'"]/' "$tmp"/index.html "$tmp"/sw.js "$tmp"/web/*.html "$tmp"/web/examples/*.html "$tmp"/web/*.css "$tmp"/web/*.js "$tmp"/web/examples/*.js; then
	echo "dist: the lines above use an absolute URL; a sub-path host would break them" >&2
	exit 1
fi

files=()
while IFS= read -r f; do files+=("$f"); done < <(find "$tmp" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.json' -o -name '*.svg' -o -name '*.wasm' \) | sort)
"$GO" run ./scripts/compress "${files[@]}" >/dev/null

rm -rf "$DIST"
mv "$tmp" "$DIST"
trap - EXIT
echo "dist: $DIST/ ($(find "$DIST" -type f | wc -l) files, wasm $wasm)"
ls -l "$DIST/web/$wasm" "$DIST/web/$wasm.gz" "$DIST/web/$wasm.br" | awk '{print "dist:   " $5 "  " $NF}'
