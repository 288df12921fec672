#!/usr/bin/env bash
# Drives one end-to-end check. Exit 0: passed; 77: skipped (a prerequisite
# such as nvcc is missing); anything else: failed.
#   run_sample.sh run    CUPORT BINARY        cuport run -- BINARY prints PASSED
#   run_sample.sh rpath  CUPORT NVCC SOURCE   binary with RPATH to NVIDIA's runtime
#   run_sample.sh perthread CUPORT NVCC SOURCE built with --default-stream per-thread
#   run_sample.sh static CUPORT NVCC SOURCE   static cudart: refused, fix named
#   run_sample.sh native CUPORT BINARY        without cuport: no driver
#   run_sample.sh passthrough CUPORT          argv, stdin, stdout, exit status
#   run_sample.sh cache  CUPORT BINARY        a second run loads its kernels
#                                             from the kernel cache
#   run_sample.sh report CUPORT BINARY STRING...  cuport run --report FILE --
#                                             BINARY passes and FILE holds every
#                                             STRING (fixed) and a summary goes
#                                             to stderr
#   run_sample.sh output CUPORT BINARY STRING...  cuport run -- BINARY exits 0
#                                             and prints every STRING (fixed,
#                                             stdout or stderr) in this order
set -u
mode=$1 cuport=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }

case "$mode" in
run)
  binary=$3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  "$cuport" run -- "$binary"
  status=$?
  [ $status -eq 0 ] || fail "exit status $status"
  ;;
rpath)
  nvcc=$3 source=$4
  [ "$nvcc" != none ] && [ -x "$nvcc" ] || skip "nvcc not found"
  cudalib=$(dirname "$(dirname "$nvcc")")/lib64
  "$nvcc" -cudart shared -o "$work/app" "$source" -Xlinker -rpath="$cudalib" ||
    fail "nvcc failed"
  readelf -d "$work/app" | grep -Eq 'RPATH|RUNPATH' || fail "no RPATH in binary"
  "$cuport" run -- "$work/app" | tee "$work/out"
  grep -q PASSED "$work/out" || fail "did not bind to cuport's runtime"
  ;;
perthread)
  nvcc=$3 source=$4
  [ "$nvcc" != none ] && [ -x "$nvcc" ] || skip "nvcc not found"
  "$nvcc" -cudart shared --default-stream per-thread -o "$work/app" "$source" ||
    fail "nvcc failed"
  nm -D "$work/app" | grep -q '_ptsz\|_ptds' || fail "no per-thread entry points imported"
  "$cuport" run -- "$work/app" | tee "$work/out"
  grep -q PASSED "$work/out" || fail "did not pass"
  ;;
static)
  nvcc=$3 source=$4
  [ "$nvcc" != none ] && [ -x "$nvcc" ] || skip "nvcc not found"
  "$nvcc" -o "$work/app" "$source" || fail "nvcc failed"
  "$cuport" run -- "$work/app" >"$work/out" 2>&1
  status=$?
  cat "$work/out"
  [ $status -ne 0 ] || fail "static binary was not refused"
  grep -q -- "-cudart shared" "$work/out" || fail "message does not name the fix"
  echo "PASSED"
  ;;
native)
  binary=$3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  ldd "$binary" | grep -q 'libcudart.so.13 => /' || skip "NVIDIA's libcudart.so.13 is not installed"
  env -u LD_PRELOAD "$binary" >"$work/out" 2>&1
  status=$?
  cat "$work/out"
  [ $status -ne 0 ] || fail "ran without a driver?"
  grep -q "driver version is insufficient" "$work/out" || fail "unexpected message"
  echo "PASSED"
  ;;
cache)
  binary=$3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  export CUPORT_CACHE_DIR="$work/cache" CUPORT_LOG=debug
  unset CUPORT_CACHE_DISABLE
  for run in first second; do
    "$cuport" run -- "$binary" >"$work/$run" 2>&1
    status=$?
    sed "s/^/$run run: /" "$work/$run"
    [ $status -eq 0 ] || fail "$run run: exit status $status"
    grep -q PASSED "$work/$run" || fail "$run run: wrong results"
  done
  grep -q "kernel cache miss" "$work/first" || fail "the first run did not compile"
  grep -q "kernel cache: stored" "$work/first" || fail "the first run stored nothing"
  grep -q "kernel cache hit" "$work/second" || fail "the second run compiled again"
  grep -q "kernel cache miss" "$work/second" && fail "the second run missed"
  echo "PASSED"
  ;;
output)
  binary=$3
  shift 3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  "$cuport" run -- "$binary" >"$work/out" 2>&1
  status=$?
  cat "$work/out"
  [ $status -eq 0 ] || fail "exit status $status"
  line=0
  for expected in "$@"; do
    found=$(tail -n +$((line + 1)) "$work/out" | grep -nF -m1 -- "$expected" | cut -d: -f1)
    [ -n "$found" ] || fail "missing (after line $line): $expected"
    line=$((line + found))
  done
  echo "PASSED"
  ;;
report)
  binary=$3
  shift 3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  "$cuport" run --report "$work/report.json" -- "$binary" >"$work/out" 2>"$work/err"
  status=$?
  cat "$work/out" "$work/err"
  [ $status -eq 0 ] || fail "exit status $status"
  grep -q PASSED "$work/out" || fail "the program did not pass"
  [ -s "$work/report.json" ] || fail "no report written"
  cat "$work/report.json"
  grep -q "cuport report (exit" "$work/err" || fail "no summary on stderr"
  for expected in '"termination": "exit"' "$@"; do
    grep -qF -- "$expected" "$work/report.json" || fail "report lacks: $expected"
  done
  echo "PASSED"
  ;;
passthrough)
  out=$(printf 'from stdin\n' | "$cuport" run -- /bin/sh -c 'read line; echo "$line|$1|$2"; exit 42' sh 'a b' -x)
  status=$?
  [ $status -eq 42 ] || fail "exit status $status, expected 42"
  [ "$out" = "from stdin|a b|-x" ] || fail "output '$out'"
  echo "PASSED"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
