#!/bin/sh
# Runs the libFuzzer targets built by build.sh, one after another, each for a bounded time.
#
#   Tests/Fuzz/run.sh SECONDS [target...]    (default: every target)
#
# Each target starts from its seeds in Tests/Fuzz/corpus/<target> (the template target also from
# Templates/) plus what earlier runs found
# (.build-fuzz/corpus/<target>; new inputs are written there, never into the seeds). A crash,
# leak, timeout or broken invariant leaves the reproducer in .build-fuzz/artifacts/<target>/
# and makes this script exit non-zero after the remaining targets have run. Replay one with
# `.build-fuzz/bin/fuzz-<target> .build-fuzz/artifacts/<target>/crash-…`.
set -u
cd "$(dirname "$0")/../.."

OUT=${FUZZ_BUILD_DIR:-.build-fuzz}
seconds=${1:?usage: run.sh SECONDS [target...]}
shift
targets=${*:-$(Tests/Fuzz/build.sh --list)}
failed=""
# The targets' temporary files (the template target's partials) stay inside the build directory.
rm -rf "$OUT/tmp" && mkdir -p "$OUT/tmp"
TMPDIR=$(cd "$OUT/tmp" && pwd)
export TMPDIR

for name in $targets; do
    mkdir -p "$OUT/corpus/$name" "$OUT/artifacts/$name" "$OUT/logs"
    log="$OUT/logs/$name.log"
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb keeps a runaway allocation
    # a finding instead of an out-of-memory kill of the machine.
    # The Swift runtime's own crash backtracer is switched off: libFuzzer handles the signal and
    # writes the reproducer.
    # The template target also starts from the real templates (read only, never copied here).
    extra=""
    [ "$name" = template ] && extra=Templates
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no "$OUT/bin/fuzz-$name" "$OUT/corpus/$name" "Tests/Fuzz/corpus/$name" $extra \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$OUT/artifacts/$name/" -print_final_stats=1 >"$log" 2>&1
    status=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | sed 's/[[:space:]][[:space:]]*/ /g')
    if [ $status -eq 0 ]; then
        echo "fuzz $name: ok, ${done_line:-no DONE line}"
    else
        echo "fuzz $name: FAILED (exit $status), see $log" >&2
        grep -E 'ERROR:|invariant failed|Fatal error|artifact_prefix|Test unit written' "$log" | head -n 8 >&2
        failed="$failed $name"
    fi
done

if [ -n "$failed" ]; then
    echo "fuzz: failures in:$failed (reproducers in $OUT/artifacts/)" >&2
    exit 1
fi
