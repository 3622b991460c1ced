#!/bin/sh
# The gmix demo (`make demo`): fit the Old Faithful eruptions with two
# full-covariance Gaussians, save the model, and use it.
#
# Usage: sh examples/demo.sh [PATH_TO_GMIX]    (run from the repository root)
set -eu

GMIX=${1:-build/cli/gmix}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/faithful.csv
# The model and the predictions go next to the binary (the build folder),
# where they can be looked at afterwards; a temporary folder otherwise.
OUT=$(cd "$(dirname "$GMIX")" 2>/dev/null && pwd) || OUT=
if [ -z "$OUT" ] || [ ! -w "$OUT" ]; then
  OUT=$(mktemp -d "${TMPDIR:-/tmp}/gmix-demo.XXXXXX")
fi
MODEL=$OUT/faithful.json

# Each command is echoed first, in bold on a terminal.
step() {
  if [ -t 1 ]; then
    printf '\n\033[1m$ %s\033[0m\n' "$*"
  else
    printf '\n$ %s\n' "$*"
  fi
}

step gmix fit examples/faithful.csv -k 2 --covariance full --seed 42 -o "$MODEL"
"$GMIX" fit "$DATA" -k 2 --covariance full --seed 42 -o "$MODEL"

step gmix predict "$MODEL" examples/faithful.csv "# first 8 rows, with their cluster"
"$GMIX" predict "$MODEL" "$DATA" -o "$OUT/faithful-labels.csv"
head -n 9 "$DATA" > "$OUT/faithful-head.csv"
head -n 9 "$OUT/faithful-labels.csv" | paste -d, "$OUT/faithful-head.csv" -
rm -f "$OUT/faithful-head.csv"

step gmix score "$MODEL" examples/faithful.csv "# mean log-likelihood per row"
"$GMIX" score "$MODEL" "$DATA"

step gmix sample "$MODEL" -n 5 --seed 1 --labels
"$GMIX" sample "$MODEL" -n 5 --seed 1 --labels

step gmix info "$MODEL"
"$GMIX" info "$MODEL"

printf '\nThe model is in %s.\n' "$MODEL"
