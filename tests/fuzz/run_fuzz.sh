#!/bin/sh
# Run each libFuzzer target for SECONDS seconds, starting from its committed
# seed corpus, under the sanitizers it was built with (make fuzz: ASan and
# UBSan). libFuzzer's own output stays visible. Exits non-zero if any
# target crashed, leaked, tripped a sanitizer or a check, or timed out.
#
#   run_fuzz.sh BIN_DIR SECONDS [TARGET...]     (targets: csv npy model_json fit)
#
# New corpus entries go to a temporary folder (the committed seeds are only
# read); a crashing input is written to FUZZ_ARTIFACTS (default: a
# temporary folder, named in the output) for a regression test.
set -u
bin=$1
seconds=$2
shift 2
targets=${*:-csv npy model_json fit}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gmix-fuzz.XXXXXX")
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"
# A single input that runs longer than this is a hang (generous: a loaded
# machine stalls the sanitizers for seconds; the inputs take well under one).
timeout=${FUZZ_TIMEOUT:-60}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=""
for t in $targets; do
  mkdir -p "$work/$t"
  echo "== fuzz_$t: $seconds s from $here/corpus/$t"
  "$bin/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" "$work/$t" "$here/corpus/$t"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "== fuzz_$t FAILED (exit $rc); input kept in $artifacts"
    failed="$failed $t"
  fi
  rm -rf "${work:?}/$t"
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed"
  exit 1
fi
rm -rf "$work"
echo "fuzz: every target ran $seconds s with no report"
