#!/usr/bin/env bash
# `cuport ptx scan` end to end. Exit 0: passed; 77: skipped; else failed.
#   ptx_scan.sh file   CUPORT FILECHECK FILE.ptx
#       the output for FILE.ptx matches the CHECK lines in it; the exit
#       status is 1 (a form is unsupported)
#   ptx_scan.sh binary CUPORT BINARY
#       the PTX of an nvcc-built program (every translation unit of a
#       -rdc=true one) is found in its fatbinaries and fully supported
set -u
mode=$1 cuport=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }

case "$mode" in
file)
  filecheck=$3 input=$4
  "$cuport" ptx scan "$input" >"$work/out"
  status=$?
  cat "$work/out"
  [ $status -eq 1 ] || fail "exit status $status, expected 1 (unsupported forms)"
  "$filecheck" "$input" <"$work/out" || fail "output differs from the CHECK lines"
  echo PASSED
  ;;
binary)
  binary=$3
  [ -x "$binary" ] || skip "$binary was not built (nvcc missing)"
  "$cuport" ptx scan "$binary" >"$work/out"
  status=$?
  cat "$work/out"
  [ $status -eq 0 ] || fail "exit status $status, expected 0"
  units=$(grep -c '^scanning .*__nv_relfatbin' "$work/out")
  [ "$units" -ge 2 ] || fail "expected the PTX of 2 translation units, found $units"
  grep -q '^summary: .* 0 unsupported$' "$work/out" || fail "no summary"
  grep -q ' supported    call.uni$' "$work/out" || fail "call.uni not listed"
  echo PASSED
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
