#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SECONDS CORPUS...: a time-boxed libFuzzer run seeded
# with CORPUS (read only; new inputs go to a scratch directory). Exit 0 when
# no crash, leak or sanitizer report was found; 77 when the fuzzer could not
# be built (no clang here).
set -u
fuzzer=$1 seconds=$2
shift 2
[ -x "$fuzzer" ] || { echo "SKIPPED: $fuzzer not built (clang++-19 missing)"; exit 77; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dict=()
for dir in "$@"; do
  [ -f "$dir/fuzz.dict" ] && dict=(-dict="$dir/fuzz.dict")
done
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$scratch/" "${dict[@]}" "$scratch" "$@" 2>&1 | tail -5
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "FAILED: fuzzer exit status $status; reproducer(s):"
  ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* 2>/dev/null
  exit 1
fi
echo "PASSED"
