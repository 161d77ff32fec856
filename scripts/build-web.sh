#!/usr/bin/env bash
# Builds the browser version of the game into a self-contained folder
# (default: dist/): index.html, the loader, the js and wasm, and the levels,
# corpora and replays the game ships with. Installs what it needs if missing:
# the wasm32 target (rustup), wasm-bindgen-cli at exactly the version in
# Cargo.lock (cargo install, under ~/.cache/raw-weights/tools) and wasm-opt
# (npm's binaryen, pinned in web/tools/package.json).
#
#   scripts/build-web.sh [OUT_DIR]
#   scripts/serve-web.sh            # then open http://127.0.0.1:8000/
#
# WASM_OPT (default "-O1") is passed to wasm-opt; "-Oz" saves a little more
# size for several more minutes of build; "none" skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-dist}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/raw-weights/target}
tools=${RAW_WEIGHTS_TOOLS:-$HOME/.cache/raw-weights/tools}
wasm_opt_flags=${WASM_OPT:--O1}
started=$(date +%s)
say() { echo "build-web: $* ($(( $(date +%s) - started ))s)"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$version" ] || { echo "build-web: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
bindgen="$tools/bin/wasm-bindgen"
if ! "$bindgen" --version 2>/dev/null | grep -q " $version\$"; then
    say "installing wasm-bindgen-cli $version"
    # Not --locked: its lockfile names a crate version the registry may lack.
    cargo install --quiet wasm-bindgen-cli --version "$version" --root "$tools"
fi

if [ "$wasm_opt_flags" != none ] && [ ! -x web/tools/node_modules/.bin/wasm-opt ]; then
    say "installing the web tools (npm)"
    npm ci --prefix web/tools --no-audit --no-fund --silent
fi

say "building the game for wasm32 (profile wasm-release)"
cargo build --profile wasm-release --target wasm32-unknown-unknown --bin raw-weights
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/raw-weights.wasm"

say "wasm-bindgen"
# The output folder is emptied first: refuse anything that is not a build folder.
case $(realpath -m "$out") in
    / | "$HOME" | "$root" | "$root"/src* | "$root"/web* | "$root"/levels* | "$root"/scripts* | \
        "$root"/tests* | "$root"/assets* | "$root"/replays* | "$root"/docs* | "$root"/.git*)
        echo "build-web: refusing to empty $out; name a build folder such as dist" >&2
        exit 1
        ;;
esac
rm -rf "$out"
mkdir -p "$out"
"$bindgen" --target web --no-typescript --out-dir "$out" --out-name app "$wasm"

if [ "$wasm_opt_flags" != none ]; then
    say "wasm-opt $wasm_opt_flags"
    # The features Rust's wasm32 target turns on (and SIMD, .cargo/config.toml), so wasm-opt keeps them.
    web/tools/node_modules/.bin/wasm-opt $wasm_opt_flags --strip-debug --strip-producers \
        --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        -o "$out/app_bg.wasm" "$out/app_bg.wasm"
fi

cp web/index.html web/loader.js "$out/"
mkdir -p "$out/levels" "$out/corpora" "$out/replays"
cp levels/*.ron "$out/levels/"
cp assets/corpora/*.txt "$out/corpora/"
cp replays/*.replay.ron "$out/replays/"

raw=$(stat -c %s "$out/app_bg.wasm")
gz=$(gzip -9 -c "$out/app_bg.wasm" | wc -c)
case $out in /*) where=$out ;; *) where=$root/$out ;; esac
say "done: $where"
awk -v raw="$raw" -v gz="$gz" 'BEGIN { printf "build-web: app_bg.wasm %.2f MB raw, %.2f MB gzip\n", raw / 1e6, gz / 1e6 }'
# The download's ceiling: a classroom on a school network waits for every byte.
ceiling=${WEB_GZIP_CEILING:-8000000}
if [ "$gz" -gt "$ceiling" ]; then
    echo "build-web: app_bg.wasm is $gz bytes gzipped, above the ceiling of $ceiling" >&2
    exit 1
fi
