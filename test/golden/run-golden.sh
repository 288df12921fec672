#!/usr/bin/env bash
# Runs the `// RUN:` lines of one golden test, lit style: %s is the test
# file, %cuport-ptx the translator driver, FileCheck and not the LLVM tools.
# Exit 0 when every RUN line succeeds.
set -euo pipefail
file=$1 tool=$2 bindir=$3
grep -q '// RUN:' "$file" || { echo "$file has no RUN line"; exit 1; }
grep '// RUN:' "$file" | sed 's|.*// RUN: *||' | while IFS= read -r line; do
  command=${line//%cuport-ptx/$tool}
  command=${command//%s/$file}
  command=${command//FileCheck/$bindir/FileCheck}
  command=${command//not /$bindir/not }
  echo "RUN: $command"
  bash -o pipefail -c "$command"
done
