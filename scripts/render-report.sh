#!/usr/bin/env bash
# The year-end report seen in a real browser: writes the HTML report of the sample in data/, has
# headless Chromium render it to a PNG screenshot and to a PDF, and checks that it rendered:
# the PNG is not blank, the page has its bar charts, the PDF's pages are A4 and nothing on them
# is wider than the page.
#
#   scripts/render-report.sh            writes target/render/report.{html,png,pdf}
#   SHOT=docs/report.png scripts/render-report.sh    also copies the screenshot there
#
# Installs Debian's chromium (apt-get) and the Python modules pypdf and pillow (pip) when missing.
# Chromium runs with no network access of its own (the page has no reference to load anyway).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-target/render}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

say() { printf '== %s\n' "$*" >&2; }
fail() {
    printf 'render-report: %s\n' "$*" >&2
    exit 1
}

if ! command -v chromium >/dev/null; then
    say "installing chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -c 'import pypdf, PIL' 2>/dev/null || {
    say "installing pypdf and pillow"
    python3 -m pip install --quiet pypdf pillow
}

say "writing the report of data/"
cargo build --locked --release --quiet  # the build scripts/windows.sh reuses
D=data/quang-yen-2024
./target/release/danvan report --year 2024 --models "$D/models.csv" --results "$D/results.csv" \
    "$D/contributions.csv" -o "$OUT/report.html" --quiet

# The page may reference nothing outside itself.
if grep -Eio '(src|href)=|url\(|@import|<script|https?:' "$OUT/report.html" >/dev/null; then
    fail "the report references something outside itself: $(grep -Eio '(src|href)=|url\(|@import|<script|https?:' "$OUT/report.html" | head -3 | tr '\n' ' ')"
fi
[ "$(grep -o '<svg' "$OUT/report.html" | wc -l)" -ge 3 ] || fail "the report has fewer than three charts"

chrome() {
    # As root in a container Chromium needs --no-sandbox; the network flags keep it from calling
    # home (this machine has no network, and the page needs none).
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d)" --hide-scrollbars "$@" 2>/dev/null
}
say "rendering to PNG and PDF"
chrome --window-size=1280,2400 --screenshot="$OUT/report.png" "file://$OUT/report.html"
chrome --no-pdf-header-footer --print-to-pdf="$OUT/report.pdf" "file://$OUT/report.html"

say "checking what Chromium made"
python3 - "$OUT/report.png" "$OUT/report.pdf" <<'EOF'
import sys
from PIL import Image
from pypdf import PdfReader

png, pdf = sys.argv[1], sys.argv[2]
img = Image.open(png).convert("RGB")
colors = img.getcolors(maxcolors=1 << 20)
distinct = len(colors) if colors else 1 << 20
# A blank page is one colour; text and bars give hundreds of shades.
if distinct < 50:
    sys.exit(f"{png}: blank or nearly ({distinct} colours)")
# The bars are drawn in the chart colour (#2f6f9f): there must be some of it.
bar = sum(n for n, c in (colors or []) if c == (0x2F, 0x6F, 0x9F))
if bar < 500:
    sys.exit(f"{png}: no bar chart to be seen ({bar} pixels of the bar colour)")

reader = PdfReader(pdf)
A4 = (595.28, 841.89)  # points
for i, page in enumerate(reader.pages, 1):
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    if abs(w - A4[0]) > 2 or abs(h - A4[1]) > 2:
        sys.exit(f"{pdf}: page {i} is {w:.0f} x {h:.0f} pt, not A4")
# Chromium shrinks a page whose content is wider than the paper, which makes the text smaller
# than the 10pt the print style asks for; a table or chart wider than the page also leaves its
# right edge past the printable width. Check the text placed on each page stays inside it.
widest = 0.0
def visit(text, cm, tm, font, size):
    global widest
    if text.strip():
        widest = max(widest, tm[4] * cm[0] + cm[4])
for i, page in enumerate(reader.pages, 1):
    widest = 0.0
    page.extract_text(visitor_text=visit)
    if widest > A4[0]:
        sys.exit(f"{pdf}: page {i} has text at x={widest:.0f} pt, past the page width")
print(f"ok: {png} ({img.width}x{img.height}, {distinct} colours, {bar} bar pixels); "
      f"{pdf} ({len(reader.pages)} A4 pages)")
EOF

# The workbook of the same report, opened by LibreOffice (when installed): a file it had to
# repair would not convert cleanly.
if command -v soffice >/dev/null; then
    say "opening the workbook in LibreOffice"
    ./target/release/danvan report --year 2024 --models "$D/models.csv" --results "$D/results.csv" \
        "$D/contributions.csv" -o "$OUT/report.xlsx" --quiet
    rm -rf "$OUT/lo" && mkdir -p "$OUT/lo"
    timeout 120 soffice --headless -env:UserInstallation="file://$OUT/lo/profile" \
        --convert-to csv --outdir "$OUT/lo" "$OUT/report.xlsx" >/dev/null 2>&1 ||
        fail "LibreOffice could not open $OUT/report.xlsx"
    head -1 "$OUT/lo/report.csv" | grep -q '^figure,2024,2023' ||
        fail "LibreOffice read $OUT/report.xlsx wrongly: $(head -1 "$OUT/lo/report.csv")"
    echo "ok: LibreOffice opened $OUT/report.xlsx"
fi

if [ -n "${SHOT:-}" ]; then
    mkdir -p "$(dirname "$SHOT")"
    python3 - "$OUT/report.png" "$SHOT" <<'EOF'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
# The top of the page (title, headline, the first chart and table), at a size a README shows.
top = img.crop((0, 0, img.width, min(img.height, 1700)))
top = top.resize((top.width * 3 // 4, top.height * 3 // 4), Image.LANCZOS)
top.save(sys.argv[2], optimize=True)
EOF
    say "screenshot copied to $SHOT"
fi
