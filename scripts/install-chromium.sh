#!/usr/bin/env bash
# Finds a Chromium for the browser tests and prints its path on stdout.
# Looks at $CHROMIUM, then chromium and chromium-browser on PATH. If there
# is none and we are root on a machine with apt-get, installs Debian's
# chromium package; otherwise exits 1 saying how to install it.
# The Korean page needs a Korean font to show Hangul rather than empty
# boxes: when fontconfig knows none, it installs Debian's fonts-noto-cjk
# the same way (or says how to, without failing).
# Messages go to stderr, so `path=$(scripts/install-chromium.sh)` works.
set -eu

: "${CHROMIUM:=}"
: "${APT_GET:=apt-get}"
: "${FC_LIST:=fc-list}"
: "${KOREAN_FONT_PACKAGE:=fonts-noto-cjk}"

can_install() {
	[ "$(id -u)" = 0 ] && command -v "$APT_GET" >/dev/null 2>&1
}

# ensure_korean_font installs a Korean font if fontconfig lists none.
ensure_korean_font() {
	if command -v "$FC_LIST" >/dev/null 2>&1 && [ -n "$("$FC_LIST" :lang=ko family 2>/dev/null | head -n 1)" ]; then
		return 0
	fi
	if can_install; then
		echo "install-chromium: no Korean font; installing Debian's $KOREAN_FONT_PACKAGE" >&2
		if DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends "$KOREAN_FONT_PACKAGE" >&2 ||
			{ "$APT_GET" update >&2 && DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends "$KOREAN_FONT_PACKAGE" >&2; }; then
			return 0
		fi
	fi
	echo "install-chromium: no Korean font: the Korean page will show empty boxes (sudo apt-get install $KOREAN_FONT_PACKAGE)" >&2
}

if [ -n "$CHROMIUM" ]; then
	# An explicit choice is used as is, never replaced by an install.
	if path=$(command -v "$CHROMIUM") && [ -x "$path" ]; then
		ensure_korean_font
		echo "$path"
		exit 0
	fi
	echo "install-chromium: CHROMIUM=$CHROMIUM is not an executable; unset it or point it at a Chromium binary" >&2
	exit 1
fi

find_chromium() {
	local name
	for name in chromium chromium-browser; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return 0
		fi
	done
	return 1
}

if path=$(find_chromium); then
	ensure_korean_font
	echo "$path"
	exit 0
fi

if can_install; then
	echo "install-chromium: no chromium on PATH; installing Debian's chromium package" >&2
	"$APT_GET" update >&2
	DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y chromium >&2
	if path=$(find_chromium); then
		"$path" --version >&2 || true
		ensure_korean_font
		echo "$path"
		exit 0
	fi
	echo "install-chromium: installed the chromium package but found no chromium on PATH" >&2
	exit 1
fi

cat >&2 <<'MSG'
install-chromium: Chromium not found, and cannot install it here (not root, or no apt-get).
The browser tests need it. On Debian or Ubuntu:
    sudo apt-get update && sudo apt-get install -y chromium
or point CHROMIUM at an existing Chromium or Chrome binary:
    CHROMIUM=/path/to/chromium make test
MSG
exit 1
