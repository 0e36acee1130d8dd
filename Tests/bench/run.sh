#!/usr/bin/env bash
# `make bench`: one table of what Hookline costs, as ratios against baselines in the same run
# (see bench.py for the rows). Results in .bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 Tests/bench/bench.py "$@"
