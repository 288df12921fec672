#!/usr/bin/env bash
# The samples built with PTX for every architecture (samples/CMakeLists.txt,
# CUPORT_PTX_ARCHS). Exit 0: passed; 77: skipped (not built: no nvcc);
# anything else: failed.
#   run_archs.sh translate CUPORT "ARCHS" BINARY...
#       `cuport ptx scan` finds the compute_XX PTX of every arch of ARCHS in
#       each BINARY (every translation unit of a -rdc=true one) and
#       translates all of it
#   run_archs.sh run CUPORT ARCH BINARY...
#       each BINARY, run through `cuport run` with CUPORT_PTX_ARCH=ARCH
#       and two CPU devices (peerCopy needs them), loads its compute_ARCH
#       PTX (if it has kernels) and prints PASSED
set -u
mode=$1 cuport=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }
failures=0
failed() { echo "FAILED: $*"; failures=$((failures + 1)); }

case "$mode" in
translate)
  archs=$3
  shift 3
  for binary in "$@"; do
    [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
    name=$(basename "$binary")
    "$cuport" ptx scan "$binary" >"$work/out" 2>&1
    status=$?
    grep -E '^(scanning|summary)' "$work/out" | sed "s|^|$name: |"
    [ $status -eq 0 ] || { failed "$name: exit status $status"; cat "$work/out"; continue; }
    grep -q '^summary: .* 0 unsupported$' "$work/out" || failed "$name: no summary"
    for arch in $archs; do
      grep -q ":compute_$arch\$" "$work/out" || failed "$name: no compute_$arch PTX scanned"
    done
  done
  ;;
run)
  arch=$3
  shift 3
  for binary in "$@"; do
    [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
    name=$(basename "$binary")
    CUPORT_PTX_ARCH=$arch CUPORT_CPU_DEVICES=2 CUPORT_LOG=info "$cuport" run -- "$binary" >"$work/out" 2>"$work/err"
    status=$?
    if [ $status -ne 0 ] || ! grep -q PASSED "$work/out"; then
      failed "$name on compute_$arch: exit status $status"
      tail -n 20 "$work/out" "$work/err"
      continue
    fi
    # A program without kernels (deviceQuery) loads no PTX at all.
    if ! grep -q "loading the PTX of" "$work/err" && ! nm -C "$binary" | grep -qE ' [tT] __device_stub__'; then
      echo "$name on compute_$arch: PASSED (no kernels)"
      continue
    fi
    grep -q "loading the PTX of .*compute_$arch\b" "$work/err" ||
      { failed "$name: the compute_$arch PTX was not the one loaded"; grep 'PTX' "$work/err"; continue; }
    echo "$name on compute_$arch: PASSED"
  done
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
[ $failures -eq 0 ] || fail "$failures failure(s)"
echo PASSED
