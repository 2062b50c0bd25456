#!/usr/bin/env bash
# One-command set-up on a fresh Debian 12 / Ubuntu 24.04 machine: system packages, a project
# virtual environment in .venv (the system Python stays untouched: PEP 668), the Python package
# (editable, with every extra, its compiled site-gain and layout loops and the kenlm module built inside the
# venv) and KenLM's lmplz/build_binary built into build/kenlm/bin.
# Idempotent: every step is skipped when its result is already there.
# PYTHON=python3.12 bash install.sh picks the interpreter the venv is made from.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
PY=${PYTHON:-python3}
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

command -v "$PY" >/dev/null || { echo "install: $PY not found; install Python >= 3.11 (apt-get install python3)" >&2; exit 1; }
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "install: $PY is older than 3.11" >&2; exit 1; }

APT_PACKAGES=(cmake g++ make
  libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev
  zlib1g-dev libbz2-dev liblzma-dev
  tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk fonts-arphic-uming)
# Debian splits venv/ensurepip and the C headers (Python.h, for the kenlm module) out of python3
"$PY" -c 'import ensurepip, venv' 2>/dev/null || [ -x "$VPY" ] || APT_PACKAGES+=(python3-venv)
"$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || APT_PACKAGES+=(python3-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$VPY" ]; then
  echo "install: virtual environment .venv (from $(command -v "$PY"))"
  "$PY" -m venv "$VENV"
fi

# KenLM's source: its tools are built from it, and ocrfix's compiled site-gain loop against its headers
KENLM_VERSION=0.3.0
SRC="$ROOT/build/kenlm-src"
KENLM_SRC="$SRC/kenlm-$KENLM_VERSION"
if [ ! -f "$KENLM_SRC/lm/virtual_interface.hh" ]; then
  echo "install: KenLM $KENLM_VERSION source"
  rm -rf "$SRC"; mkdir -p "$SRC"
  "$VPY" -m pip download -q --no-deps --no-binary kenlm "kenlm==$KENLM_VERSION" -d "$SRC"
  tar -xzf "$SRC/kenlm-$KENLM_VERSION.tar.gz" -C "$SRC"
fi

# every optional extra in pyproject.toml (tests, training, ...): the checkout is a developer's
EXTRAS=$("$VPY" -c 'import tomllib; print(",".join(tomllib.load(open("pyproject.toml", "rb"))["project"].get("optional-dependencies", {})))')
echo "install: python package (editable, extras: $EXTRAS) and its dependencies into .venv (the kenlm module compiles: about 2 minutes)"
OCRFIX_KENLM_SRC="$KENLM_SRC" "$VPY" -m pip install -q -e ".[$EXTRAS]"
if "$VPY" -c "import ocrfix.lm._site_gains" 2>/dev/null; then
  echo "install: compiled site-gain loop built"
else
  echo "install: compiled site-gain loop not usable; the corrector runs its Python look-ups (same edits, slower)"
fi
if "$VPY" -c "import ocrfix.formats._layout_kernel" 2>/dev/null; then
  echo "install: compiled layout loops built"
else
  echo "install: compiled layout loops not built; the layout analysis runs its Python loops (same output, slower)"
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
echo "install: done. Try: .venv/bin/ocrfix correct examples/news.ocr.txt (or '. .venv/bin/activate', then ocrfix ...)"
