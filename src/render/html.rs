//! HTML: one self-contained page (inline CSS, inline SVG bar charts; no script, no font, image
//! or style from anywhere else), readable on a laptop screen and printable on A4: each part starts
//! a page, table rows and charts are never cut, table heads repeat on every page, and long names
//! wrap instead of widening the page. Built with `maud`, which escapes every text it is given, so
//! a unit named `<script>…` is shown as those characters, in tables and chart labels alike.
//! Chart geometry is whole pixels computed from the exact amounts; no float touches an amount.

use super::{Lines, in_blocks};
use crate::domain::Value;
use crate::present::locale::Words;
use crate::present::report::{audit_lines, headline, inputs, notes, results};
use crate::present::{Align, Emphasis, Locale, Presenter, Sheet, emphasis, present};
use crate::report::table::Table;
use crate::report::yearend::{Chart, Part, Section, YearEnd};
use anyhow::{Result, anyhow};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::io::Write;

/// The page's style: screen first, then print on A4.
const STYLE: &str = r#"
:root { --ink: #1d2733; --muted: #5b6673; --line: #d5dbe1; --bar: #2f6f9f; --band: #f3f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.45 "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0 0 18px; color: var(--muted); }
h2 { font-size: 20px; margin: 30px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--bar); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
th { text-align: left; background: var(--band); font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.sub td { font-weight: 600; background: #fafbfc; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px;
  margin: 8px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .big { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .what { color: var(--muted); }
.card .then { color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 14px; }
svg { display: block; width: 100%; height: auto; margin: 6px 0 10px; }
svg text { font-size: 12px; fill: var(--ink); }
svg .bar { fill: var(--bar); }
svg .axis { stroke: var(--line); }
code, pre { font: 13px/1.4 "DejaVu Sans Mono", Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--band); padding: 8px 10px; }
td.hash { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; word-break: break-all; }
footer { margin-top: 30px; color: var(--muted); font-size: 13px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section + section { break-before: page; }
  h2 { break-after: avoid; }
  tr, .card, svg, pre { break-inside: avoid; }
  thead { display: table-header-group; }
  th, td { padding: 2px 5px; }
  svg text { font-size: 15px; }
}
"#;

/// Where a streamed table's rows go in its page: a comment, which no text on the page can
/// hold, as escaping makes every `<` of a text `&lt;`.
const ROWS_HERE: &str = "<!--danvan:rows-->";

/// One table on a page of its own (`summary` and `models` with `--format html`), its lines
/// `lines` (the table's own, or made as they are written): the page around the table is
/// made once, and the rows are made into text in blocks of `block` lines on every core and
/// written between its two halves, so a summary of millions of groups never holds its page.
pub fn write_lines(
    table: &Table,
    lines: &dyn Lines,
    locale: &Locale,
    out: &mut dyn Write,
    block: usize,
) -> Result<()> {
    let p = Presenter::new(table, locale);
    let (heads, align) = (p.heads(), p.align());
    let around = page(
        "danvan",
        html! { section { table { (head(&heads, &align)) tbody { (PreEscaped(ROWS_HERE)) } } } },
        locale,
    )
    .into_string();
    let (before, after) = around
        .split_once(ROWS_HERE)
        .ok_or_else(|| anyhow!("internal error: no place for the rows in the page"))?;
    out.write_all(before.as_bytes())?;
    in_blocks(lines, out, block, |range, bytes| {
        lines.each_in(range, &mut |line| {
            let markup = row(&p.cells(line), emphasis(line.kind), &align, None);
            bytes.extend_from_slice(markup.into_string().as_bytes());
            Ok(())
        })
    })?;
    out.write_all(after.as_bytes())?;
    Ok(())
}

/// The year-end report.
pub fn write_report(report: &YearEnd, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    let title = locale.words(&Words::Title { year: report.year });
    let body = html! {
        header {
            h1 { (title) }
            p { (locale.words(&Words::Subtitle)) }
        }
        section id="headline" {
            h2 { (locale.part(report, Part::Headline)) }
            (cards(report, locale))
            (sheet(&headline(report, locale), None))
        }
        @for s in &report.sections {
            (section(report, s, locale))
        }
        @if let Some(lines) = &report.results {
            section id="results" {
                h2 { (locale.part(report, Part::Results)) }
                (sheet(&results(lines, locale), None))
            }
        }
        section id="audit" {
            h2 { (locale.part(report, Part::Audit)) }
            @for line in audit_lines(report, locale) {
                p { (line) }
            }
            (sheet(&inputs(&report.audit, locale), Some(3)))
            p { (locale.words(&Words::CommandHead)) ":" }
            pre { (report.audit.command) }
        }
        footer { (locale.words(&Words::Footer { version: &report.audit.version })) }
    };
    out.write_all(page(&title, body, locale).into_string().as_bytes())?;
    Ok(())
}

fn page(title: &str, body: Markup, locale: &Locale) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(locale.words(&Words::Lang)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { main { (body) } }
        }
    }
}

fn section(report: &YearEnd, s: &Section, locale: &Locale) -> Markup {
    html! {
        section {
            h2 { (locale.part(report, s.part)) }
            @if let Some(chart) = &s.chart {
                (bars(chart, &locale.words(&Words::Chart { part: s.part }), s.part == Part::ByMonth, locale))
            }
            @if let Some(table) = &s.table {
                (sheet(&present(table, locale), None))
            }
            @for note in notes(report, &s.notes, locale) {
                p class="note" { (note) }
            }
        }
    }
}

/// The headline figures as cards: the figure, its name, and the year before with the change.
fn cards(report: &YearEnd, locale: &Locale) -> Markup {
    let sheet = headline(report, locale);
    html! {
        div class="cards" {
            @for row in &sheet.rows {
                div class="card" {
                    div class="big" { (row.cells[1]) }
                    div class="what" { (row.cells[0]) }
                    @if !row.cells[2].is_empty() {
                        div class="then" {
                            (report.previous) ": " (row.cells[2])
                            @if !row.cells[3].is_empty() { " (" (row.cells[3]) " %)" }
                        }
                    }
                }
            }
        }
    }
}

/// A sheet as a table: numbers right-aligned, subtotals and the total stand out.
/// `code` is a column of codes (hashes) shown in a fixed-width font and broken anywhere.
fn sheet(sheet: &Sheet, code: Option<usize>) -> Markup {
    html! {
        table {
            (head(&sheet.heads, &sheet.align))
            tbody {
                @for r in &sheet.rows {
                    (row(&r.cells, r.emphasis, &sheet.align, code))
                }
            }
        }
    }
}

/// The class of a cell in a column aligned `align`: numbers are right-aligned.
fn class(align: Option<&Align>) -> &'static str {
    match align {
        Some(Align::Right) => "n",
        _ => "",
    }
}

/// A table's head row.
fn head(heads: &[String], align: &[Align]) -> Markup {
    html! {
        thead { tr { @for (i, h) in heads.iter().enumerate() { th class=(class(align.get(i))) { (h) } } } }
    }
}

/// One row of a table (see [`sheet`]).
fn row(cells: &[String], emphasis: Emphasis, align: &[Align], code: Option<usize>) -> Markup {
    html! {
        tr class=(match emphasis { Emphasis::Strong => "total", Emphasis::Sub => "sub", Emphasis::None => "" }) {
            @for (i, c) in cells.iter().enumerate() {
                @let text = c.trim_start_matches(' ');
                @let indent = c.len() - text.len();
                @if Some(i) == code {
                    td class="hash" { (c) }
                } @else if indent > 0 {
                    // A tree's levels: the sheet indents with spaces, a page with a margin.
                    td style=(format!("padding-left: {}em", 0.5 + indent as f32 * 0.6)) { (text) }
                } @else {
                    td class=(class(align.get(i))) { (c) }
                }
            }
        }
    }
}

/// Longest label shown in full beside a bar; longer ones are cut with an ellipsis (the full text
/// is the bar's tooltip).
const LABEL_CHARS: usize = 42;

/// Pixels of `value` on a scale where `max` is `width`: whole pixels, from exact amounts.
fn length(value: Decimal, max: Decimal, width: u32) -> u32 {
    if value <= Decimal::ZERO || max <= Decimal::ZERO {
        return 0;
    }
    (value * Decimal::from(width) / max)
        .round()
        .to_u32()
        .unwrap_or(width)
        .min(width)
}

/// A bar chart of VND: horizontal bars with the label on the left (units, fields), or twelve
/// columns (months).
fn bars(chart: &Chart, title: &str, columns: bool, locale: &Locale) -> Markup {
    let max = chart.bars.iter().map(|(_, v)| *v).max().unwrap_or_default();
    let label = |v: &Value| {
        let full = locale.value(v);
        let short: String = if full.chars().count() > LABEL_CHARS {
            full.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
        } else {
            full.clone()
        };
        (full, short)
    };
    if columns {
        let (w, h, top, base) = (960u32, 260u32, 24u32, 200u32);
        let step = w / chart.bars.len().max(1) as u32;
        return html! {
            svg viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(title) {
                title { (title) }
                text x="0" y="14" { (title) }
                line class="axis" x1="0" x2=(w) y1=(base) y2=(base) {}
                @for (i, (v, amount)) in chart.bars.iter().enumerate() {
                    @let len = length(*amount, max, base - top);
                    @let x = i as u32 * step;
                    g {
                        title { (label(v).0) ": " (locale.amount(*amount)) }
                        rect class="bar" x=(x + step / 6) y=(base - len) width=(step * 2 / 3) height=(len) {}
                        text x=(x + step / 2) y=(base + 18) text-anchor="middle" { (label(v).1) }
                        @if !amount.is_zero() {
                            text x=(x + step / 2) y=(base - len - 4) text-anchor="middle" { (short_amount(*amount, locale)) }
                        }
                    }
                }
            }
        };
    }
    let (w, row, left, right) = (960u32, 24u32, 330u32, 150u32);
    let h = row * chart.bars.len() as u32 + 30;
    html! {
        svg viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(title) {
            title { (title) }
            text x="0" y="14" { (title) }
            @for (i, (v, amount)) in chart.bars.iter().enumerate() {
                @let y = 26 + i as u32 * row;
                @let len = length(*amount, max, w - left - right);
                g {
                    title { (label(v).0) ": " (locale.amount(*amount)) }
                    text x=(left - 8) y=(y + 15) text-anchor="end" { (label(v).1) }
                    rect class="bar" x=(left) y=(y + 3) width=(len) height=(row - 7) {}
                    text x=(left + len + 6) y=(y + 15) { (locale.amount(*amount)) }
                }
            }
        }
    }
}

/// An amount short enough to stand over a column: millions with one decimal (`350.0 M`, in
/// Vietnamese `350 tr`, as offices abbreviate triệu) when it is that large, else as it is.
fn short_amount(v: Decimal, locale: &Locale) -> String {
    let million = Decimal::from(1_000_000);
    if v.abs() >= million {
        let mark = match locale.lang {
            crate::domain::Lang::Vi => "tr",
            crate::domain::Lang::En => "M",
        };
        format!("{} {mark}", locale.amount((v / million).round_dp(1)))
    } else {
        locale.amount(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::render::table::tests::{table_of, text};
    use proptest::prelude::*;

    proptest! {
        /// A table's page written in blocks of any size, its rows between the two halves of
        /// the page, is the page made whole, even when a unit is named like the mark of where
        /// the rows go.
        #[test]
        fn the_page_written_in_blocks_is_the_page_made_whole(
            units in proptest::collection::vec(prop_oneof![text(), Just(ROWS_HERE.to_string())], 0..30),
            block in 1usize..7,
            vietnamese in any::<bool>(),
        ) {
            let locale = Locale::of(if vietnamese { Lang::Vi } else { Lang::En });
            let table = table_of(&units);
            let whole = page(
                "danvan",
                html! { section { (sheet(&present(&table, &locale), None)) } },
                &locale,
            )
            .into_string();
            let mut streamed = Vec::new();
            write_lines(&table, &table.lines, &locale, &mut streamed, block).unwrap();
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), whole);
        }
    }
}
