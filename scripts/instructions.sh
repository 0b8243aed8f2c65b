#!/usr/bin/env bash
# Counts what `danvan summary` and `danvan check` cost on a generated ledger, in instructions and
# simulated cache misses (valgrind's cachegrind), on one thread: the same numbers on every run,
# where wall-clock times on a shared machine move by 10-20% from one run to the next and hide a
# change of a few percent. Use it to compare two builds of a change to the reading path; confirm
# with scripts/bench.sh, which times the real thing.
#
#   scripts/instructions.sh [ROWS]     ROWS (default 1000000) may also come from the environment
#
# Environment: ROWS, WORKDIR (default target/bench), SEED (default 2024), DANVAN (a danvan binary
# to count instead of building this checkout's), LL (the last-level cache simulated, in bytes;
# default 524288, one core's second-level cache on the benchmark machine: what a thread's
# working set must fit in to stay near the core).
#
# Prints, for each command, the instructions, first-level data misses and last-level data
# misses, and check's ratio to summary for each; keeps cachegrind's files as
# $WORKDIR/cg.summary.out and $WORKDIR/cg.check.out, for `cg_annotate` (per function and line)
# and `cg_diff` (two builds). Installs valgrind when it is missing. Runs each command about 50
# times slower than natively: a million rows take half a minute each.
set -euo pipefail

ROWS=${1:-${ROWS:-1000000}}
WORKDIR=${WORKDIR:-target/bench}
SEED=${SEED:-2024}
LL=${LL:-524288}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
GEN=$TARGET_DIR/release/examples/gen_ledger

if ! command -v valgrind >/dev/null; then
    echo "== installing valgrind" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

cargo build --release --example gen_ledger
if [ -z "${DANVAN:-}" ]; then
    cargo build --release
    DANVAN=$TARGET_DIR/release/danvan
fi

# The benchmark's generator, seed and style (scripts/bench.sh), at ROWS rows.
LEDGER=$WORKDIR/instructions-$ROWS.csv
STAMP="rows=$ROWS seed=$SEED style=machine gen=$(sha256sum "$ROOT/examples/gen_ledger.rs" | cut -c1-16)"
if [ "$(cat "$LEDGER.stamp" 2>/dev/null)" != "$STAMP" ]; then
    echo "== generating $LEDGER" >&2
    "$GEN" --rows "$ROWS" --seed "$SEED" --style machine >"$LEDGER.tmp"
    mv "$LEDGER.tmp" "$LEDGER"
    echo "$STAMP" >"$LEDGER.stamp"
fi

# count NAME ARGS...: runs danvan ARGS under cachegrind; prints "instructions d1 ll".
count() {
    local name=$1
    shift
    valgrind --tool=cachegrind --cache-sim=yes --LL="$LL,8,64" \
        --cachegrind-out-file="$WORKDIR/cg.$name.out" \
        "$DANVAN" "$@" --threads 1 >/dev/null 2>"$WORKDIR/cg.$name.log" || true
    awk '/I *refs:/ {gsub(",", "", $4); i = $4}
         /D1 *misses:/ {gsub(",", "", $4); d = $4}
         /LLd misses:/ {gsub(",", "", $4); l = $4}
         END {print i, d, l}' "$WORKDIR/cg.$name.log"
}

read -r SI SD SL < <(count summary summary "$LEDGER" --by unit,area,year --format csv --quiet)
read -r CI CD CL < <(count check check "$LEDGER" --quiet)
if [ -z "$SI" ] || [ -z "$CI" ]; then
    echo "cachegrind gave no counts: see $WORKDIR/cg.summary.log and $WORKDIR/cg.check.log" >&2
    exit 1
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
echo "ledger: $ROWS rows, seed $SEED; one thread; last level simulated: $LL bytes"
echo "| command | instructions | D1 misses | LL misses |"
echo "|---|---:|---:|---:|"
echo "| summary --by unit,area,year | $SI | $SD | $SL |"
echo "| check | $CI | $CD | $CL |"
echo "| check / summary | $(ratio "$CI" "$SI") | $(ratio "$CD" "$SD") | $(ratio "$CL" "$SL") |"
