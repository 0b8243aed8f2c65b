//! The year-end report for people: its parts that are not report tables (the headline figures,
//! the models' results, the audit's inputs) as [`Sheet`]s in a locale, and each part's heading.
//! The report's tables go through [`super::present`] like every other table, so every format
//! (HTML, Markdown, workbook) shows the same words and numbers.

use super::locale::{InputHead, ResultHead, Words};
use super::{Align, Emphasis, Locale, Number, Sheet, SheetRow, cell};
use crate::report::table::Cell;
use crate::report::yearend::{Audit, Part, ResultLine, YearEnd};

impl Locale {
    /// The words for `w`.
    pub fn words(&self, w: &Words<'_>) -> String {
        (self.labels.words)(w)
    }

    /// A part's heading in `report`.
    pub fn part(&self, report: &YearEnd, part: Part) -> String {
        self.words(&Words::Part {
            part,
            year: report.year,
            previous: report.previous,
        })
    }

    /// A part's sheet name in a workbook.
    pub fn sheet_name(&self, report: &YearEnd, part: Part) -> String {
        self.words(&Words::Sheet {
            part,
            previous: report.previous,
        })
    }
}

fn row(cells: Vec<(String, Option<Number>)>) -> SheetRow {
    let (cells, numbers) = cells.into_iter().unzip();
    SheetRow {
        cells,
        numbers,
        emphasis: Emphasis::None,
    }
}

fn text(s: impl Into<String>) -> (String, Option<Number>) {
    (s.into(), None)
}

fn number(c: Cell, locale: &Locale) -> (String, Option<Number>) {
    (cell(c, true, locale), Number::of(c))
}

/// The headline figures: figure, this year, the previous year, change %.
pub fn headline(report: &YearEnd, locale: &Locale) -> Sheet {
    Sheet {
        heads: vec![
            locale.words(&Words::FigureHead),
            report.year.to_string(),
            report.previous.to_string(),
            locale.words(&Words::ChangeHead),
        ],
        align: vec![Align::Left, Align::Right, Align::Right, Align::Right],
        rows: report
            .headline
            .iter()
            .map(|h| {
                row(vec![
                    text(locale.words(&Words::Figure(&h.figure))),
                    number(h.value, locale),
                    number(h.previous, locale),
                    number(h.change, locale),
                ])
            })
            .collect(),
    }
}

/// The models' results: model, name, indicator, value, unit. Values are shown as given, never
/// added up, so there is no total line.
pub fn results(results: &[ResultLine], locale: &Locale) -> Sheet {
    let head = |h| locale.words(&Words::ResultHead(h));
    Sheet {
        heads: vec![
            head(ResultHead::Model),
            head(ResultHead::Name),
            head(ResultHead::Indicator),
            head(ResultHead::Value),
            head(ResultHead::Unit),
        ],
        align: vec![
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Left,
        ],
        rows: results
            .iter()
            .map(|r| {
                row(vec![
                    text(&r.model),
                    text(&r.name),
                    text(&r.indicator),
                    (locale.amount(r.value), Some(Number::Amount(r.value))),
                    text(&r.unit),
                ])
            })
            .collect(),
    }
}

/// The audit's inputs: file, what it is, rows, SHA-256.
pub fn inputs(audit: &Audit, locale: &Locale) -> Sheet {
    let head = |h| locale.words(&Words::InputHead(h));
    Sheet {
        heads: vec![
            head(InputHead::File),
            head(InputHead::Role),
            head(InputHead::Rows),
            head(InputHead::Sha256),
        ],
        align: vec![Align::Left, Align::Left, Align::Right, Align::Left],
        rows: audit
            .inputs
            .iter()
            .map(|i| {
                row(vec![
                    text(&i.name),
                    text(locale.words(&Words::Role(i.role))),
                    number(Cell::Count(i.rows), locale),
                    text(
                        i.sha256
                            .clone()
                            .unwrap_or_else(|| locale.words(&Words::NotHashed)),
                    ),
                ])
            })
            .collect(),
    }
}

/// The audit's lines of text: the reconciliation, what filtered means, the program.
pub fn audit_lines(report: &YearEnd, locale: &Locale) -> Vec<String> {
    let a = &report.audit;
    vec![
        locale.words(&Words::Reconciliation {
            read: a.read,
            counted: a.counted,
            filtered: a.filtered,
            rejected: a.rejected,
        }),
        locale.words(&Words::FilteredMeans {
            year: report.year,
            previous: report.previous,
        }),
        locale.words(&Words::Version {
            version: &a.version,
        }),
    ]
}

/// A section's notes in words.
pub fn notes(
    report: &YearEnd,
    notes: &[crate::report::yearend::Note],
    locale: &Locale,
) -> Vec<String> {
    notes
        .iter()
        .map(|note| {
            locale.words(&Words::Note {
                note,
                year: report.year,
                previous: report.previous,
            })
        })
        .collect()
}
