#!/usr/bin/env bash
# The Windows build, tested here: cross-builds danvan.exe (x86_64-pc-windows-gnu, release) and
# runs it under Wine beside the Linux release binary on the same inputs, in two identical
# temporary folders, comparing standard output, standard error, exit codes and the files written
# (line ends aside: CR is removed before comparing). Exits 1 on any difference, 2 when it cannot
# run at all.
#
# Installs what it needs when missing: the Rust target (rustup), Debian's gcc-mingw-w64-x86-64
# (the linker, and the compiler of the test helpers) and wine (apt-get, after apt-get update).
#
# Debian's Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng Rust's std imports since 1.78:
# for this test only, scripts/windows/bcryptprimitives.c builds a tiny shim forwarding it to
# RtlGenRandom, put beside the tested copy of danvan.exe. It is never shipped
# (scripts/release.sh packs target/.../danvan.exe alone). scripts/windows/hold-open.c holds a
# file open as Excel does, to check the refusal to replace it.
#
# Settings: WINEPREFIX (default target/wine, made on first use, kept to save its start-up),
# KEEP=1 keeps the temporary folder and prints where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=x86_64-pc-windows-gnu

say() { printf '%s\n' "$*"; }
die() { say "windows.sh: $*" >&2; exit 2; }

# --- What it needs ------------------------------------------------------------------------
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null || apt+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || apt+=(wine wine64)
if [ ${#apt[@]} -gt 0 ]; then
    say "installing ${apt[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${apt[@]}" >/dev/null
fi
if ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

# --- Builds -------------------------------------------------------------------------------
say "building danvan.exe ($TARGET, release) and the Linux binary to compare with"
cargo build --locked --release --target "$TARGET" --quiet
cargo build --locked --release --quiet
# The Windows-only code (console events, file identity, locked targets) is linted like the rest,
# and the tests build for Windows too (the Unix-only ones, symlinks, FIFOs, modes, are
# `#[cfg(unix)]`).
cargo clippy --locked --target "$TARGET" --all-targets --quiet -- -D warnings
EXE_BUILT="$ROOT/target/$TARGET/release/danvan.exe"
LINUX="$ROOT/target/release/danvan"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/danvan-windows.XXXXXX")
export WINEPREFIX="${WINEPREFIX:-$ROOT/target/wine}"
export WINEDEBUG=-all
# No Mono or Gecko installer prompts: danvan.exe needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
# The settings of whoever runs this must not change either side's output.
# The language comes from --lang, DANVAN_LANG, the settings file or the locale: English here
# unless a check asks for Vietnamese.
unset DANVAN_CONFIG DANVAN_NUMBER_FORMAT DANVAN_DELIMITER DANVAN_MODELS DANVAN_LANG
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
cleanup() {
    wineserver -k 2>/dev/null || true
    if [ "${KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

BIN="$WORK/bin"
mkdir -p "$BIN" "$HOME"
cp "$EXE_BUILT" "$BIN/danvan.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$BIN/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -O2 -municode -o "$BIN/hold-open.exe" scripts/windows/hold-open.c
EXE="$BIN/danvan.exe"

mkdir -p "$WINEPREFIX"
wine wineboot -i >"$WORK/wineboot.log" 2>&1 || { cat "$WORK/wineboot.log" >&2; die "wineboot failed"; }

# --- Two identical folders, one per side --------------------------------------------------
L="$WORK/linux"
W="$WORK/windows"
for side in "$L" "$W"; do
    mkdir -p "$side/out"
    cp -r data "$side/data"
    cp tests/fixtures/windows-1258.csv "$side/"
    cp data/quang-yen-2024/contributions.csv "$side/Sổ đóng góp 2024.csv"
    printf 'Ngày,Số tiền,Đơn vị\n2024-01-01,100,A\n31/02/2024,5,A\n2024-01-03,abc,B\n,300,Tổng cộng\n2024-01-06,"1.200",B\n2024-01-07,50,B\n' >"$side/bad.csv"
    # A workbook: the ZIP signature an .xlsx starts with.
    printf 'PK\003\004\024\000\006\000' >"$side/so-sach.xlsx"
    : >"$side/empty-stdin"
done

# The Windows spelling of an absolute path: Wine's drive Z: is the Unix root.
winpath() { printf 'Z:%s' "${1//\//\\}"; }

checks=0
failed=0
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

# Runs one side: SIDE (linux|windows), NAME, STDIN file, then the arguments. Leaves NAME.SIDE.out,
# .err and .code in $RESULTS.
run_side() {
    local side=$1 name=$2 stdin=$3
    shift 3
    local dir=$L cmd=("$LINUX")
    if [ "$side" = windows ]; then dir=$W; cmd=(wine "$EXE"); fi
    local code=0
    (cd "$dir" && "${cmd[@]}" "$@" <"$stdin" >"$RESULTS/$name.$side.out" 2>"$RESULTS/$name.$side.err") || code=$?
    printf '%s\n' "$code" >"$RESULTS/$name.$side.code"
}

# The same bytes but for CR.
same_text() { cmp -s <(tr -d '\r' <"$1") <(tr -d '\r' <"$2"); }

# Records one check's verdict: NAME, then 0 (same) or a reason.
verdict() {
    checks=$((checks + 1))
    if [ "$2" = 0 ]; then
        say "  ok      $1"
    else
        failed=$((failed + 1))
        say "  FAILED  $1: $2"
    fi
}

# Compares a run's three results: prints 0 when they are the same, else what differs (and the
# difference, on standard error).
compare_runs() {
    local name=$1 what
    for what in code out err; do
        local l="$RESULTS/$name.linux.$what" w="$RESULTS/$name.windows.$what"
        if ! same_text "$l" "$w"; then
            diff <(tr -d '\r' <"$l") <(tr -d '\r' <"$w") | head -20 >&2 || true
            case $what in
                code) printf 'exit code %s on Linux, %s on Windows' "$(cat "$l")" "$(cat "$w")" ;;
                out) printf 'standard output differs' ;;
                err) printf 'standard error differs' ;;
            esac
            return
        fi
    done
    printf 0
}

# same NAME [--stdin FILE] [--env VAR=VALUE] -- LINUX ARGS... [-- WINDOWS ARGS...]: runs danvan
# on both sides (the Windows arguments default to the Linux ones) and compares everything.
same() {
    local name=$1
    shift
    local stdin=empty-stdin envs=()
    while [ "$1" != -- ]; do
        case $1 in
            --stdin) stdin=$2; shift 2 ;;
            --env) envs+=("$2"); shift 2 ;;
        esac
    done
    shift
    local largs=() wargs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do largs+=("$1"); shift; done
    if [ $# -gt 0 ]; then shift; wargs=("$@"); else wargs=("${largs[@]}"); fi
    local e
    for e in "${envs[@]}"; do export "${e?}"; done
    run_side linux "$name" "$L/$stdin" "${largs[@]}"
    run_side windows "$name" "$W/$stdin" "${wargs[@]}"
    for e in "${envs[@]}"; do unset "${e%%=*}"; done
    verdict "$name" "$(compare_runs "$name")"
}

# same_file NAME PATH: a file both sides wrote, compared (line ends aside).
same_file() {
    if [ ! -f "$L/$2" ] || [ ! -f "$W/$2" ]; then
        verdict "$1" "$2 is missing on one side"
    elif same_text "$L/$2" "$W/$2"; then
        verdict "$1" 0
    else
        diff <(tr -d '\r' <"$L/$2") <(tr -d '\r' <"$W/$2") | head -20 >&2 || true
        verdict "$1" "$2 differs"
    fi
}

# no_temp_files NAME: neither side left a .danvan-*.tmp anywhere.
no_temp_files() {
    local left
    left=$(find "$L" "$W" -name '.danvan-*' | sed "s|$WORK/||")
    if [ -z "$left" ]; then verdict "$1" 0; else verdict "$1" "temporary files left: $left"; fi
}

# expect NAME FILE TEXT: a result file holds exactly TEXT (line ends aside).
expect() {
    if same_text "$2" <(printf '%s' "$3"); then
        verdict "$1" 0
    else
        diff <(printf '%s' "$3") <(tr -d '\r' <"$2") | head -10 >&2 || true
        verdict "$1" "$(basename "$2") is not as expected"
    fi
}

LEDGER=data/quang-yen-2024/contributions.csv
MODELS=data/quang-yen-2024/models.csv
WLEDGER='data\quang-yen-2024\contributions.csv'
WMODELS='data\quang-yen-2024\models.csv'

say "comparing danvan.exe under Wine with the Linux binary"

# The README's main command, in every format, and the other commands on the sample.
same "README main command --lang vi" -- summary "$LEDGER" --models "$MODELS" --lang vi -- \
    summary "$WLEDGER" --models "$WMODELS" --lang vi
same "README main command (table)" -- summary "$LEDGER" --models "$MODELS" -- \
    summary "$WLEDGER" --models "$WMODELS"
for format in csv json markdown; do
    same "summary --format $format" -- summary "$LEDGER" --models "$MODELS" --by unit,month \
        --percent --format "$format"
done
same "summary --excel --lang vi" -- summary "$LEDGER" --models "$MODELS" --by area --excel \
    --lang vi
same "summary --excel (en), pivot" -- summary "$LEDGER" data/quang-yen-2025/contributions.csv \
    --models "$MODELS" --columns year --excel
same "summary --tree" -- summary "$LEDGER" --models "$MODELS" --by area --tree
same "models" -- models --models "$MODELS" "$LEDGER"
same "models --excel (vi)" --env DANVAN_LANG=vi -- models --models "$MODELS" "$LEDGER" \
    --list --excel

same "report (Markdown)" -- report "$LEDGER" --models "$MODELS" --year 2024 --format markdown
same "report --lang vi (HTML) -o named in Vietnamese" -- report "$LEDGER" --models "$MODELS" \
    --year 2024 --lang vi -o "Báo cáo năm 2024.html"
same_file "  the file Báo cáo năm 2024.html" "Báo cáo năm 2024.html"

# Paths: Vietnamese letters and spaces in a ledger and an -o output; `\` and a drive letter.
same "ledger and -o named in Vietnamese with spaces" -- \
    summary "Sổ đóng góp 2024.csv" --models "$MODELS" -o "Báo cáo tháng 3.csv"
same_file "  the file Báo cáo tháng 3.csv" "Báo cáo tháng 3.csv"
same "absolute path with a drive letter and \\" -- summary "$L/$LEDGER" --models "$L/$MODELS" -- \
    summary "$(winpath "$W/$LEDGER")" --models "$(winpath "$W/$MODELS")"
same "-o into a subfolder spelled with \\" -- \
    summary "$LEDGER" --models "$MODELS" --format csv -o "out/Báo cáo quý 1.csv" -- \
    summary "$WLEDGER" --models "$WMODELS" --format csv -o 'out\Báo cáo quý 1.csv'
same_file "  the file out/Báo cáo quý 1.csv" "out/Báo cáo quý 1.csv"
same "-o over an existing file (replaced by a rename)" -- \
    summary "$LEDGER" --by area -o "Báo cáo tháng 3.csv"
same_file "  the replaced Báo cáo tháng 3.csv" "Báo cáo tháng 3.csv"

# A console: what the screen shows, through Wine's console on a terminal that `script` makes
# (std writes to a Windows console as UTF-16 text, whatever its code page).
on_console() {
    local side=$1 dir=$L cmd=("$LINUX")
    shift
    if [ "$side" = windows ]; then dir=$W; cmd=(wine "$EXE"); fi
    (cd "$dir" && LANG=C.UTF-8 script -qec "$(printf '%q ' "${cmd[@]}" "$@")" "$RESULTS/console.raw" \
        <"$dir/empty-stdin" >/dev/null 2>&1) || true
    # The first and last lines are script's own; escapes are the console's cursor moves.
    sed -e '1d;$d' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r//g' "$RESULTS/console.raw" \
        >"$RESULTS/console.$side.out"
    printf '0\n' >"$RESULTS/console.$side.code"
    : >"$RESULTS/console.$side.err"
}
if command -v script >/dev/null; then
    on_console linux summary "$LEDGER" --models "$MODELS"
    on_console windows summary "$WLEDGER" --models "$WMODELS"
    if grep -q 'Hội Liên hiệp Phụ nữ thị xã Quảng Yên' "$RESULTS/console.windows.out"; then
        verdict "Vietnamese on the console, as on a Linux terminal" "$(compare_runs console)"
    else
        verdict "Vietnamese on the console" "not shown: $(head -5 "$RESULTS/console.windows.out")"
    fi
fi

# Standard input.
same "- reads standard input" --stdin "$LEDGER" -- summary - --models "$MODELS" --format csv

# Excel's CSV in Vietnamese written, then merged back, on each side.
same "summary --excel -o (vi), 2024" --env DANVAN_LANG=vi -- \
    summary "$LEDGER" --models "$MODELS" --by unit,year --excel -o "out/Tổng hợp 2024.csv"
same "summary --excel -o (vi), 2025" --env DANVAN_LANG=vi -- \
    summary data/quang-yen-2025/contributions.csv --by unit,year --excel -o "out/Tổng hợp 2025.csv"
same_file "  the file out/Tổng hợp 2024.csv" "out/Tổng hợp 2024.csv"
same "merge of --excel summaries, written for Excel" --env DANVAN_LANG=vi -- \
    merge "out/Tổng hợp 2024.csv" "out/Tổng hợp 2025.csv" --excel -o "out/Tổng hợp.csv" -- \
    merge 'out\Tổng hợp 2024.csv' 'out\Tổng hợp 2025.csv' --excel -o 'out\Tổng hợp.csv'
same_file "  the file out/Tổng hợp.csv" "out/Tổng hợp.csv"

# Encodings and exit codes 0, 1 and 2.
same "check on a Windows-1258 ledger (exit 0)" -- check windows-1258.csv --encoding windows-1258
same "check without --encoding names the file and line (exit 2)" -- check windows-1258.csv
same "check on bad rows (exit 1)" -- check bad.csv
same "summary refuses bad rows (exit 1)" -- summary bad.csv
same "a usage error (exit 2)" -- summary "$LEDGER" --by colour
same "an .xlsx ledger is told to be saved as CSV (exit 2)" -- summary so-sach.xlsx
for code in 0 1 2; do
    n=$(grep -lx "$code" "$RESULTS"/*.windows.code | wc -l)
    if [ "$n" -gt 0 ]; then verdict "exit code $code seen on Windows ($n runs so far)" 0; else verdict "exit code $code seen on Windows" "never"; fi
done

# A path that does not exist is named as typed, with its Windows spelling.
run_side windows missing empty-stdin summary 'data\quang-yen-2024\nope.csv'
run_side linux missing empty-stdin summary 'data/quang-yen-2024/nope.csv'
verdict "a missing ledger is named as typed (exit 2)" "$(
    w=$(tr -d '\r' <"$RESULTS/missing.windows.err")
    l=$(tr -d '\r' <"$RESULTS/missing.linux.err")
    if [ "$(cat "$RESULTS/missing.windows.code")" != 2 ] || [ "$(cat "$RESULTS/missing.linux.code")" != 2 ]; then
        printf 'exit code not 2'
    elif [[ $w != 'danvan: data\quang-yen-2024\nope.csv: cannot open: '* ]]; then
        printf 'Windows said: %s' "$w"
    elif [[ $l != 'danvan: data/quang-yen-2024/nope.csv: cannot open: '* ]]; then
        printf 'Linux said: %s' "$l"
    else
        printf 0
    fi
)"
say "    Windows: $(tr -d '\r' <"$RESULTS/missing.windows.err")"

# An output held open by another program, as Excel holds the files it shows: refused with a
# clear message; the file is left whole and no temporary file stays.
printf 'what Excel shows\n' >"$W/held.csv"
mkfifo "$WORK/held"
(cd "$W" && exec wine "$BIN/hold-open.exe" held.csv 60 >"$WORK/held") &
holder=$!
read -r -t 60 line <"$WORK/held" || line=""
# A C program's text-mode output on Windows ends its lines in CRLF.
line=${line%$'\r'}
run_side windows held empty-stdin summary "$LEDGER" --format csv -o held.csv
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
expect "an -o file held open (by Excel) is refused, exit 2" "$RESULTS/held.windows.code" "2
"
expect "  the message says so" "$RESULTS/held.windows.err" "danvan: held.csv: cannot write: it is open in another program (Excel?) or read-only, so it cannot be replaced; close it there and run again (no output file was changed)
"
expect "  the held file is left whole" "$W/held.csv" "what Excel shows
"
if [ "$line" = held ]; then verdict "  (the file was held open meanwhile)" 0; else verdict "  the file was held open meanwhile" "hold-open never held it"; fi

# Interrupted while an output is staged: the run is blocked writing standard output into a pipe
# nobody reads, with --rejects already in its temporary file; Ctrl-C (SIGINT, which Wine turns
# into the console's Ctrl-C event) must remove it, keep the old file and say why (exit 130).
# Job control on: a script's background commands otherwise start with SIGINT ignored.
set -m
for side in linux windows; do
    dir=$L
    cmd=("$LINUX")
    [ "$side" = windows ] && dir=$W && cmd=(wine "$EXE")
    awk 'BEGIN { print "date,amount,unit"; for (i = 0; i < 20000; i++) printf "2024-01-01,1,Đơn vị %05d\n", i; print "xx,1,A" }' >"$dir/many.csv"
    printf 'old rejects\n' >"$dir/r.csv"
    fifo="$WORK/stdout.$side"
    mkfifo "$fifo"
    # Held open for reading and writing here, so the run can open it and fill it, never drain it.
    exec 7<>"$fifo"
    (cd "$dir" && exec "${cmd[@]}" summary many.csv --skip-invalid --rejects r.csv -q >"$fifo" 2>"$RESULTS/interrupt.$side.err") &
    pid=$!
    waited=0
    until [ -n "$(find "$dir" -maxdepth 1 -name '.danvan-*')" ] || [ $waited -ge 600 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if [ $waited -ge 600 ]; then
        verdict "  $side: a temporary file appeared before Ctrl-C" "none within 60 s"
    fi
    kill -INT "$pid" 2>/dev/null || true
    code=0
    wait "$pid" || code=$?
    exec 7>&-
    printf '%s\n' "$code" >"$RESULTS/interrupt.$side.code"
    : >"$RESULTS/interrupt.$side.out"
done
set +m
verdict "Ctrl-C while an output is staged (exit 130, same message)" "$(compare_runs interrupt)"
expect "  exit code on Windows" "$RESULTS/interrupt.windows.code" "130
"
expect "  --rejects left as it was" "$W/r.csv" "old rejects
"
no_temp_files "no temporary file left on either side"

say ""
if [ "$failed" = 0 ]; then
    say "windows.sh: danvan.exe under Wine did the same as the Linux binary"
else
    say "windows.sh: $failed of $checks checks failed"
fi
# The plain closing line CI reads, as a test runner's.
say "windows: $((checks - failed)) passed, $failed failed"
[ "$failed" = 0 ] || exit 1
