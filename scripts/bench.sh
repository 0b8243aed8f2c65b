#!/usr/bin/env bash
# Reproducible benchmark: danvan against DuckDB (and Miller, when `mlr` is installed) on a large
# generated ledger.
#
#   scripts/bench.sh [ROWS]            ROWS (default 5000000) may also come from the environment
#
# Environment: ROWS, WORKDIR (default target/bench), SEED (default 2024), RUNS (default 5),
# SHAPES (default "quoted unquoted vi models units"; "" for none: the other ledger shapes below),
# UNIT_ROWS (rows of the distinct-units ledger, default 2/5 of ROWS), MAIN (default 1; 0 skips
# the benchmark ledger's timings and measures the shapes alone),
# WITH_MODELS (default 0; 1 passes the generated registry to danvan with --models, so that a model id
# is never "unknown" whichever way danvan treats ledgers read without a registry), DANVAN (a danvan
# binary to measure instead of building this checkout's).
#
# What it does, in order: installs hyperfine, GNU time and the duckdb Python module when missing;
# builds the generator and danvan in release mode; generates $WORKDIR/big.csv (machine style, with
# its registry) unless one with the same rows, seed and generator source is already there; warms
# the page cache; checks that danvan's totals equal DuckDB's exactly (fails loudly if not); times
# every tool with hyperfine; measures danvan's peak RSS at ROWS and ROWS/5; prints a Markdown
# report, also saved as $WORKDIR/report.md. Then, for each of SHAPES, it generates that ledger,
# checks danvan's totals against DuckDB's exactly and times both, with peak RSS:
#   quoted    every field quoted, 20% of notes with the delimiter and doubled quotes
#   unquoted  the same data quoted only where needed (quoted / unquoted is the cost of quotes)
#   vi        Vietnamese Excel style: BOM, `;`, dd/mm/yyyy, 1.250.000, CRLF
#   (each of these three also times `danvan check`, against the summary of the same ledger)
#   models    2,500 models, `--by model,month` (about 180,000 groups at 5,000,000 rows)
#   units     UNIT_ROWS rows, each its own unit, `--by unit` (also timed: `--sort total --top 10`,
#             the table, the HTML page and `--percent`) A danvan command that fails is reported,
#             not fatal,
# so the script is useful while danvan is unfinished; the exit code is 1 if anything failed.
set -euo pipefail

ROWS=${1:-${ROWS:-5000000}}
SHAPES=${SHAPES-quoted unquoted vi models units}
UNIT_ROWS=${UNIT_ROWS:-$((ROWS * 2 / 5))}
MAIN=${MAIN:-1}
WORKDIR=${WORKDIR:-target/bench}
SEED=${SEED:-2024}
RUNS=${RUNS:-5}
WITH_MODELS=${WITH_MODELS:-0}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)

GEN=$TARGET_DIR/release/examples/gen_ledger
DANVAN_GIVEN=${DANVAN:-}
DANVAN=${DANVAN:-$TARGET_DIR/release/danvan}
# Commands are kept as shell strings (for hyperfine) and run with `bash -c`.
DUCK="python3 $(printf %q "$ROOT/scripts/duckdb_sum.py")"
FAILED=0

say() { printf '\n== %s\n' "$*" >&2; }
fail() {
    printf '\n!!!!!!!!!! %s\n' "$*" >&2
    FAILED=1
}

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v hyperfine >/dev/null || { say "installing hyperfine"; apt_install hyperfine; }
[ -x /usr/bin/time ] || { say "installing GNU time"; apt_install time; }
python3 -c 'import duckdb' 2>/dev/null || { say "installing duckdb"; python3 -m pip install --quiet duckdb; }

# ---------------------------------------------------------------- build
say "building (release)"
cargo build --release --example gen_ledger
DANVAN_BUILT=1
if [ -n "$DANVAN_GIVEN" ]; then
    say "measuring the given danvan: $DANVAN"
elif ! cargo build --release; then
    fail "cargo build --release of danvan failed: only DuckDB is measured"
    DANVAN_BUILT=0
fi

# ---------------------------------------------------------------- data
# ensure_ledger FILE ROWS: (re)generate FILE and FILE's registry unless the stamp beside it says it
# was made from the same rows, seed and generator source.
ensure_ledger() { # FILE ROWS [GENERATOR OPTIONS...]
    local file=$1 rows=$2 stamp
    shift 2
    stamp="rows=$rows seed=$SEED style=machine $* gen=$(sha256sum "$ROOT/examples/gen_ledger.rs" | cut -c1-16)"
    if [ -f "$file" ] && [ -f "$file.models.csv" ] && [ "$(cat "$file.stamp" 2>/dev/null)" = "$stamp" ]; then
        say "reusing $file ($rows rows)"
        return
    fi
    say "generating $file ($rows rows)"
    rm -f "$file.stamp"
    "$GEN" --rows "$rows" --seed "$SEED" --style machine "$@" --models "$file.models.csv.tmp" >"$file.tmp"
    mv "$file.tmp" "$file"
    mv "$file.models.csv.tmp" "$file.models.csv"
    echo "$stamp" >"$file.stamp"
}
BIG=$WORKDIR/big.csv
SMALL_ROWS=$((ROWS / 5))
SMALL=$WORKDIR/small.csv
ensure_ledger "$BIG" "$ROWS"
ensure_ledger "$SMALL" "$SMALL_ROWS"

say "warming the page cache"
cat "$BIG" >/dev/null

# danvan's commands, as arrays and as one shell string for hyperfine.
models_for() { if [ "$WITH_MODELS" = 1 ]; then printf -- '--models %q' "$1.models.csv"; fi; }
summary_cmd() { # FILE [EXTRA...]
    local file=$1
    shift
    printf '%q summary %q --by unit,area,year --format csv --quiet %s %s' \
        "$DANVAN" "$file" "$(models_for "$file")" "$*"
}
check_cmd() { printf '%q check %q --quiet %s' "$DANVAN" "$1" "$(models_for "$1")"; }
DUCK_CMD="$DUCK $(printf %q "$BIG")"

# probe NAME CMD: run CMD once; keep stdout/stderr in $WORKDIR/NAME.{out,err}; echo the exit code.
probe() {
    local rc=0
    bash -c "$2" >"$WORKDIR/$1.out" 2>"$WORKDIR/$1.err" || rc=$?
    echo "$rc"
}
show_err() { sed -n '1,15p' "$WORKDIR/$1.err" | sed 's/^/    /' >&2; }

# ---------------------------------------------------------------- correctness
say "DuckDB totals"
bash -c "$DUCK_CMD" >"$WORKDIR/duckdb.csv"
say "danvan totals"
DANVAN_OK=0  # danvan summary ran and exited 0: it is timed
TOTALS_OK=0
if [ "$DANVAN_BUILT" = 1 ]; then
    rc=$(probe summary "$(summary_cmd "$BIG")")
    [ "$rc" = 0 ] && DANVAN_OK=1
    if [ "$rc" != 0 ]; then
        fail "danvan summary exited $rc"
        show_err summary
    elif ! bash -c "$DUCK --normalize $(printf %q "$WORKDIR/summary.out")" >"$WORKDIR/danvan.csv"; then
        fail "danvan summary output is not the expected CSV (see $WORKDIR/summary.out)"
    elif ! diff -u "$WORKDIR/duckdb.csv" "$WORKDIR/danvan.csv" >"$WORKDIR/totals.diff"; then
        fail "TOTALS DIFFER between DuckDB and danvan ($(grep -c '^[-+][^-+]' "$WORKDIR/totals.diff") lines; $WORKDIR/totals.diff):"
        sed -n '1,30p' "$WORKDIR/totals.diff" >&2
    else
        say "totals agree: $(($(wc -l <"$WORKDIR/danvan.csv") - 1)) groups identical"
        TOTALS_OK=1
    fi
fi

# ---------------------------------------------------------------- timing
# bench NAME LABEL CMD [hyperfine options...]: one hyperfine run per command, so that a failing
# command cannot abort the others; results in $WORKDIR/NAME.json.
BENCHES=()
bench() {
    local name=$1 label=$2 cmd=$3
    shift 3
    say "timing: $label"
    if hyperfine --warmup 1 --runs "$RUNS" "$@" --export-json "$WORKDIR/$name.json" \
        --command-name "$label" "$cmd"; then
        BENCHES+=("$name")
    else
        fail "hyperfine failed for: $label"
    fi
}
rm -f "$WORKDIR"/*.json
if [ "$MAIN" = 1 ]; then
bench duckdb "DuckDB 2 threads (python3 -c …)" "$DUCK_CMD"
# DuckDB runs inside Python here: time the import alone too, so the report can also give the
# ratio to DuckDB's own work (the CLI would not pay it).
bench duckdb_import "python3 -c 'import duckdb' (startup only)" "python3 -c 'import duckdb'"
if [ "$DANVAN_OK" = 1 ]; then
    bench danvan "danvan summary" "$(summary_cmd "$BIG")"
    rc=$(probe threads1 "$(summary_cmd "$BIG" --threads 1)")
    if [ "$rc" = 0 ]; then
        bench danvan_t1 "danvan summary --threads 1" "$(summary_cmd "$BIG" --threads 1)"
    else
        fail "danvan summary --threads 1 exited $rc"
        show_err threads1
    fi
fi
if [ "$DANVAN_BUILT" = 1 ]; then
    rc=$(probe check "$(check_cmd "$BIG")")
    case $rc in
    0) bench check "danvan check" "$(check_cmd "$BIG")" ;;
    1)  # problems found: the run still read everything, so it is timed, but it is reported.
        fail "danvan check found problems in the generated ledger (exit 1):"
        show_err check
        bench check "danvan check (exit 1)" "$(check_cmd "$BIG")" --ignore-failure
        ;;
    *)
        fail "danvan check exited $rc"
        show_err check
        ;;
    esac
fi
# The clerk's reports read through the same engine: each is compared with danvan summary above.
MODELS_CMD="$(printf '%q models --models %q %q --by unit --format csv --quiet' "$DANVAN" "$BIG.models.csv" "$BIG")"
TREE_CMD="$(printf '%q summary %q --by area --tree --format csv --quiet %s' "$DANVAN" "$BIG" "$(models_for "$BIG")")"
if [ "$DANVAN_BUILT" = 1 ]; then
    for report in models tree; do
        cmd=MODELS_CMD
        label="danvan models --by unit"
        if [ "$report" = tree ]; then cmd=TREE_CMD; label="danvan summary --by area --tree"; fi
        rc=$(probe "$report" "${!cmd}")
        if [ "$rc" = 0 ]; then
            bench "$report" "$label" "${!cmd}"
        else
            fail "$label exited $rc"
            show_err "$report"
        fi
    done
fi
# The year-end report (one read of the ledger for every section, plus the SHA-256 of the inputs),
# compared with summary --by unit,area,year; and a workbook of 100,000 groups.
REPORT_CMD="$(printf '%q report --year 2024 --models %q %q -o %q --quiet' "$DANVAN" "$BIG.models.csv" "$BIG" "$WORKDIR/report.html")"
XLSX_LEDGER=$WORKDIR/groups100k.csv
if [ ! -f "$XLSX_LEDGER" ]; then
    python3 -c 'import sys
w = sys.stdout.write
w("date,amount,unit\n")
for i in range(100000):
    w(f"2024-01-01,{i % 997}.5,Unit {i:06d}\n")' >"$XLSX_LEDGER"
fi
XLSX_CMD="$(printf '%q summary %q --format xlsx -o %q --quiet' "$DANVAN" "$XLSX_LEDGER" "$WORKDIR/groups100k.xlsx")"
if [ "$DANVAN_BUILT" = 1 ]; then
    for job in report xlsx; do
        cmd=REPORT_CMD
        label="danvan report --year 2024 (HTML)"
        if [ "$job" = xlsx ]; then cmd=XLSX_CMD; label="danvan summary --format xlsx, 100,000 groups"; fi
        rc=$(probe "$job" "${!cmd}")
        if [ "$rc" = 0 ]; then
            bench "$job" "$label" "${!cmd}"
        else
            fail "$label exited $rc"
            show_err "$job"
        fi
    done
fi
if command -v mlr >/dev/null; then
    # Miller sums in floating point: timed for comparison only, its totals are not checked.
    bench mlr "Miller (float sums)" "mlr --icsv --ocsv put '\$year = sub(\$date, \"-.*\", \"\")' \
then stats1 -a sum,count -f amount -g unit,area,year,measure $(printf %q "$BIG")"
fi

fi

# ---------------------------------------------------------------- memory
# peak_rss NAME CMD: prints the maximum resident set size in MiB, or "failed (exit N)".
peak_rss() {
    local rc=0
    /usr/bin/time -v bash -c "exec $2 >/dev/null 2>$(printf %q "$WORKDIR/$1.rss.err")" \
        2>"$WORKDIR/$1.rss" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "failed (exit $rc)"
    else
        awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$WORKDIR/$1.rss"
    fi
}
RSS_DUCK="not run"
RSS_BIG="not run"
RSS_SMALL="not run"
RSS_CHECK="not run"
RSS_MODELS="not run"
RSS_TREE="not run"
RSS_REPORT="not run"
if [ "$MAIN" = 1 ]; then
    say "peak memory"
    RSS_DUCK=$(peak_rss duckdb "$DUCK_CMD")
    if [ "$DANVAN_OK" = 1 ]; then
        RSS_BIG=$(peak_rss big "$(summary_cmd "$BIG")")
        RSS_CHECK=$(peak_rss check "$(check_cmd "$BIG")")
        cat "$SMALL" >/dev/null
        RSS_SMALL=$(peak_rss small "$(summary_cmd "$SMALL")")
    fi
    RSS_MODELS=$(peak_rss models "$MODELS_CMD")
    RSS_TREE=$(peak_rss tree "$TREE_CMD")
    RSS_REPORT=$(peak_rss report "$REPORT_CMD")
fi
HTML_KB=$( [ -f "$WORKDIR/report.html" ] && echo $(( $(wc -c <"$WORKDIR/report.html") / 1024 )) || echo "not written")

# ---------------------------------------------------------------- other shapes
# mean_of NAME: hyperfine's mean in seconds from $WORKDIR/NAME.json, or "–".
mean_of() {
    python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' \
        "$WORKDIR/$1.json" 2>/dev/null || echo "–"
}
SHAPE_ROWS=()
# shape NAME ROWS BY STYLE "GENERATOR OPTIONS" [EXTRA danvan summary runs as "LABEL|OPTIONS"...]:
# generates the shape's ledger, checks danvan = DuckDB on every group, times both, measures
# peak RSS, and adds one line per run to the shapes table. A run labelled `check` (options
# ignored) is `danvan check` on the ledger, given what the summary is given, with its ratio to
# the summary of that ledger.
shape() {
    local name=$1 rows=$2 by=$3 style=$4 gen=$5 file dv duck checked groups rc
    shift 5
    file=$WORKDIR/shape-$name.csv
    # shellcheck disable=SC2086 # the generator options are words
    ensure_ledger "$file" "$rows" $gen
    cat "$file" >/dev/null
    dv="$(printf '%q summary %q --by %s --quiet' "$DANVAN" "$file" "$by")"
    duck="$DUCK $(printf %q "$file") --by $by --style $style"
    say "shape $name: DuckDB totals"
    bash -c "$duck" >"$WORKDIR/shape-$name.duckdb.csv"
    checked="**different**"
    rc=$(probe "shape-$name" "$dv --format csv")
    if [ "$rc" != 0 ]; then
        fail "shape $name: danvan summary exited $rc"
        show_err "shape-$name"
        checked="failed (exit $rc)"
    elif ! bash -c "$DUCK --normalize $(printf %q "$WORKDIR/shape-$name.out") --by $by" \
        >"$WORKDIR/shape-$name.danvan.csv"; then
        fail "shape $name: danvan's output is not the expected CSV"
    elif ! diff -u "$WORKDIR/shape-$name.duckdb.csv" "$WORKDIR/shape-$name.danvan.csv" \
        >"$WORKDIR/shape-$name.diff"; then
        fail "shape $name: TOTALS DIFFER between DuckDB and danvan ($WORKDIR/shape-$name.diff)"
        sed -n '1,20p' "$WORKDIR/shape-$name.diff" >&2
    else
        checked="equal"
    fi
    groups=$(($(wc -l <"$WORKDIR/shape-$name.duckdb.csv") - 1))
    # Timed: DuckDB writing its result itself, as its CLI would (Python's checking mode above
    # spends seconds of its own per million groups).
    bench "shape-$name-duckdb" "DuckDB, shape $name" "$duck --copy"
    local duck_mean duck_rss
    duck_mean=$(mean_of "shape-$name-duckdb")
    duck_rss=$(peak_rss "shape-$name-duckdb" "$duck --copy")
    local runs=("summary --by $by --format csv|--format csv") label opts mean rss ratio cmd i=0
    local summary_mean=""
    runs+=("$@")
    for run in "${runs[@]}"; do
        label=${run%%|*}
        opts=${run#*|}
        i=$((i + 1))
        # `check` is compared with the summary of the same ledger (issue 14: at most 1.3×),
        # the summary runs with DuckDB.
        if [ "$label" = check ]; then
            cmd="$(printf '%q check %q --quiet' "$DANVAN" "$file")"
        else
            cmd="$dv $opts"
        fi
        bench "shape-$name-$i" "danvan $label, shape $name" "$cmd"
        mean=$(mean_of "shape-$name-$i")
        rss=$(peak_rss "shape-$name-$i" "$cmd")
        if [ "$label" = check ]; then
            ratio=$(python3 -c 'import sys; a, b = sys.argv[1:]; print("%.2f× summary" % (float(a) / float(b)))' \
                "$mean" "$summary_mean" 2>/dev/null || echo "–")
        else
            ratio=$(python3 -c 'import sys; a, b = sys.argv[1:]; print("%.2f" % (float(a) / float(b)))' \
                "$mean" "$duck_mean" 2>/dev/null || echo "–")
        fi
        [ -n "$summary_mean" ] || summary_mean=$mean
        SHAPE_ROWS+=("| $name | $rows | $groups | \`$label\` | $mean | $duck_mean | $ratio | $rss | $duck_rss | $checked |")
    done
}
for s in $SHAPES; do
    case $s in
    quoted) shape quoted "$ROWS" unit,area,year machine "--quote all --tricky 200" "check|" ;;
    unquoted) shape unquoted "$ROWS" unit,area,year machine "--tricky 200" "check|" ;;
    vi) shape vi "$ROWS" unit,area,year vi "--style vi" "check|" ;;
    models) shape models "$ROWS" model,month machine "--model-count 2500" ;;
    units)
        shape units "$UNIT_ROWS" unit machine "--units distinct" \
            "summary --by unit --sort total --top 10 --format csv|--sort total --top 10 --format csv" \
            "summary --by unit (table)|--format table" \
            "summary --by unit (HTML)|--format html" \
            "summary --by unit --percent|--percent --format csv"
        ;;
    *) fail "unknown shape $s (quoted, unquoted, vi, models, units)" ;;
    esac
done

# ---------------------------------------------------------------- report
REPORT=$WORKDIR/report.md
{
    echo "## danvan benchmark"
    echo
    echo "- ledger: $ROWS rows, $(du -m "$BIG" | cut -f1) MB, seed $SEED, machine style$([ "$WITH_MODELS" = 1 ] && echo ", danvan given --models")"
    echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "- danvan $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '(no commit)'), DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)'), $(hyperfine --version)"
    echo "- totals: $([ "$TOTALS_OK" = 1 ] && echo 'danvan = DuckDB, every group' || echo '**NOT CHECKED OR DIFFERENT** (see above)')"
    echo
    python3 - "$WORKDIR" "${BENCHES[@]}" <<'EOF'
import json, sys
workdir, names = sys.argv[1], sys.argv[2:]
res = {}
for n in names:
    r = json.load(open(f"{workdir}/{n}.json"))["results"][0]
    res[n] = r
duck = res.get("duckdb", {}).get("mean")
start = res.get("duckdb_import", {}).get("mean")
engine = duck - start if duck and start else None
print("| tool | mean s | ± s | ratio to DuckDB | ratio to DuckDB without Python startup |")
print("|---|---:|---:|---:|---:|")
for n in names:
    r = res[n]
    ratio = f"{r['mean'] / duck:.2f}" if duck else "–"
    ratio2 = f"{r['mean'] / engine:.2f}" if engine and n != "duckdb_import" else "–"
    print(f"| {r['command']} | {r['mean']:.3f} | {r['stddev'] or 0:.3f} | {ratio} | {ratio2} |")
for n, what in (("models", "models --by unit"), ("tree", "summary --by area --tree"),
                ("report", "report --year 2024")):
    if n in res and "danvan" in res:
        print(f"\n{what} / summary --by unit,area,year: {res[n]['mean'] / res['danvan']['mean']:.2f}×")
if "danvan" in res and "danvan_t1" in res:
    s = res["danvan_t1"]["mean"] / res["danvan"]["mean"]
    print(f"\nThread scaling (danvan 1 thread / default 2 threads): {s:.2f}×")
EOF
    echo
    echo "| peak RSS | rows | MiB |"
    echo "|---|---:|---:|"
    echo "| danvan summary | $ROWS | $RSS_BIG |"
    echo "| danvan summary | $SMALL_ROWS | $RSS_SMALL |"
    echo "| danvan models --by unit | $ROWS | $RSS_MODELS |"
    echo "| danvan summary --by area --tree | $ROWS | $RSS_TREE |"
    echo "| danvan check | $ROWS | $RSS_CHECK |"
    echo "| danvan report --year 2024 | $ROWS | $RSS_REPORT |"
    echo "| DuckDB (python) | $ROWS | $RSS_DUCK |"
    echo
    echo "HTML of the report: $HTML_KB KiB."
    if [ "${#SHAPE_ROWS[@]}" -gt 0 ]; then
        echo
        echo "Other shapes (seed $SEED; DuckDB run from Python, start-up included; totals checked first):"
        echo
        echo "| shape | rows | groups | danvan run | danvan s | DuckDB s | ratio | danvan MiB | DuckDB MiB | totals |"
        echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---|"
        printf '%s\n' "${SHAPE_ROWS[@]}"
    fi
} >"$REPORT"
echo
cat "$REPORT"

if [ "$FAILED" = 1 ]; then
    fail "something failed: see the messages above (files in $WORKDIR)"
    exit 1
fi
