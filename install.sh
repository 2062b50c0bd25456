#!/usr/bin/env bash
# One-command set-up on a fresh Debian machine: system packages, the Python package
# (editable, with the train and test extras, and its compiled site-gain loop) and KenLM's lmplz/build_binary
# built into build/kenlm/bin.
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

APT_PACKAGES=(cmake g++ make
  libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev
  zlib1g-dev libbz2-dev liblzma-dev
  tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk fonts-arphic-uming)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# KenLM's source: its tools are built from it, and ocrfix's compiled site-gain loop against its headers
KENLM_VERSION=0.3.0
SRC="$ROOT/build/kenlm-src"
KENLM_SRC="$SRC/kenlm-$KENLM_VERSION"
if [ ! -f "$KENLM_SRC/lm/virtual_interface.hh" ]; then
  echo "install: KenLM $KENLM_VERSION source"
  rm -rf "$SRC"; mkdir -p "$SRC"
  python3 -m pip download -q --no-deps --no-binary kenlm "kenlm==$KENLM_VERSION" -d "$SRC"
  tar -xzf "$SRC/kenlm-$KENLM_VERSION.tar.gz" -C "$SRC"
fi

echo "install: python package (editable) and its dependencies"
OCRFIX_KENLM_SRC="$KENLM_SRC" python3 -m pip install -q -e ".[train,test]"
if python3 -c "import ocrfix.lm._site_gains" 2>/dev/null; then
  echo "install: compiled site-gain loop built"
else
  echo "install: compiled site-gain loop not usable; the corrector runs its Python look-ups (same edits, slower)"
fi

BIN="$ROOT/build/kenlm/bin"
if [ -x "$BIN/lmplz" ] && [ -x "$BIN/build_binary" ]; then
  echo "install: KenLM tools already built in $BIN"
else
  echo "install: building KenLM lmplz/build_binary (about 2 minutes)"
  rm -rf "$SRC/build"; mkdir -p "$SRC/build" "$BIN"
  if ! (cd "$SRC/build" && cmake "$KENLM_SRC" -DCMAKE_BUILD_TYPE=Release \
          && make -j"$(nproc)" lmplz build_binary) > "$ROOT/build/kenlm-build.log" 2>&1; then
    tail -30 "$ROOT/build/kenlm-build.log"; echo "install: KenLM build failed (log: build/kenlm-build.log)" >&2; exit 1
  fi
  cp "$SRC/build/bin/lmplz" "$SRC/build/bin/build_binary" "$BIN/"
  rm -rf "$SRC/build"
  echo "install: KenLM tools in $BIN"
fi
echo "install: done. Try: ocrfix correct ../shared/seeds/page01.ocr.txt"
