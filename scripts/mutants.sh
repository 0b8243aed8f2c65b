#!/usr/bin/env bash
# Mutation testing: cargo-mutants changes the readers, the request and the sums one small edit at a
# time and checks that some test fails. What is mutated, and the mutants known to change no
# output (with the reason for each), are in .cargo/mutants.toml. Too slow for CI; run it before
# every change to a reader.
#
#   scripts/mutants.sh                                # every file listed in .cargo/mutants.toml
#   SHARD=1/4 scripts/mutants.sh                      # one slice of them (k/n, k from 0)
#   FILES="ledger/date spec" scripts/mutants.sh       # some of them (paths under src/, no .rs)
#   ITERATE=1 scripts/mutants.sh                      # only what the last run did not catch
#
# Results go to target/mutants-out/mutants.out (caught.txt, missed.txt, timeout.txt, unviable.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest

mkdir -p "${OUT:-target/mutants-out}"
args=(--no-shuffle --output "${OUT:-target/mutants-out}")
if [[ -n ${SHARD:-} ]]; then args+=(--shard "$SHARD"); fi
if [[ -n ${ITERATE:-} ]]; then args+=(--iterate); fi
# --file would add to the config's list rather than narrow it; a name pattern narrows.
if [[ -n ${FILES:-} ]]; then
  args+=(--re "^src/($(echo "$FILES" | xargs | tr ' ' '|'))\.rs:")
fi
exec cargo mutants "${args[@]}" "$@"
