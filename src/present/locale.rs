//! A locale: how numbers and labels look to people, and the order of text keys. Only
//! presentation knows it; machine formats (CSV, JSON) never depend on it.

use crate::domain::measure::{M2, VND, WORKDAY};
use crate::domain::order::{CodePoints, TextOrder};
use crate::domain::{Dim, Value, amount};
use crate::report::yearend::{Figure, Note, Part, Role};
use rust_decimal::Decimal;

/// The words a table for people uses.
pub struct Labels {
    /// The grand-total line.
    pub total: &'static str,
    /// The head of a pivot's line-total column.
    pub line_total: &'static str,
    /// The head of the rows column.
    pub rows: &'static str,
    /// The head of a share column.
    pub share: &'static str,
    /// A value the ledger left empty.
    pub none: &'static str,
    /// The "others" line of a top-N cut, given how many groups it adds up.
    pub others: fn(usize) -> String,
    /// A dimension's name in a head.
    pub dim: fn(Dim) -> &'static str,
    /// The head of a count of registered models.
    pub models: &'static str,
    /// The head of a target.
    pub target: &'static str,
    /// The head of what was mobilized, given its measure.
    pub mobilized: fn(&str) -> String,
    /// The head of progress toward a target.
    pub progress: &'static str,
    /// The head of a change from the previous column, given the column's name.
    pub change: fn(&str) -> String,
    /// The head of that change in percent.
    pub change_pct: fn(&str) -> String,
    /// In a tree, the line of rows booked on a place itself, given the place's name.
    pub direct: fn(&str) -> String,
    /// The words of the year-end report and of workbooks (titles, sheet names, notes).
    pub words: fn(&Words<'_>) -> String,
}

/// What the year-end report and workbooks name, each worded by [`Labels::words`].
#[derive(Debug, Clone, Copy)]
pub enum Words<'a> {
    /// The language's code for a web page (`en`, `vi`).
    Lang,
    /// The report's title.
    Title {
        year: i32,
    },
    /// The line under the title.
    Subtitle,
    /// A part's heading.
    Part {
        part: Part,
        year: i32,
        previous: i32,
    },
    /// A part's sheet name in a workbook: at most 31 characters, none of `[]:*?/\`.
    Sheet {
        part: Part,
        previous: i32,
    },
    /// The sheet of a workbook holding one table of `command` (`summary`, `models`).
    TableSheet {
        command: &'a str,
    },
    /// The title of a part's bar chart.
    Chart {
        part: Part,
    },
    /// A headline figure's name.
    Figure(&'a Figure),
    /// The head of the headline's first column.
    FigureHead,
    /// The head of the change column.
    ChangeHead,
    Note {
        note: &'a Note,
        year: i32,
        previous: i32,
    },
    /// Heads of the results table.
    ResultHead(ResultHead),
    /// Heads of the audit's table of inputs.
    InputHead(InputHead),
    Role(Role),
    /// Standard input is read once, so it has no hash.
    NotHashed,
    /// The reconciliation line.
    Reconciliation {
        read: u64,
        counted: u64,
        filtered: u64,
        rejected: u64,
    },
    /// What "filtered" means in this report.
    FilteredMeans {
        year: i32,
        previous: i32,
    },
    Version {
        version: &'a str,
    },
    CommandHead,
    /// The line at the foot of the report.
    Footer {
        version: &'a str,
    },
}

/// A head of the results table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultHead {
    Model,
    Name,
    Indicator,
    Value,
    Unit,
}

/// A head of the audit's table of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputHead {
    File,
    Role,
    Rows,
    Sha256,
}

/// English, with the machine names of dimensions (what `--by` takes).
pub const EN: Labels = Labels {
    total: "Total",
    line_total: "total",
    rows: "rows",
    share: "%",
    none: "(none)",
    others: |n| format!("({n} others)"),
    dim: Dim::name,
    models: "models",
    target: "target",
    mobilized: |m| {
        if m == crate::domain::measure::VND {
            "mobilized".to_string()
        } else {
            m.to_string()
        }
    },
    progress: "% of target",
    change: |c| format!("{c} change"),
    change_pct: |c| format!("{c} change %"),
    direct: |p| format!("{p} (direct)"),
    words: english_words,
};

/// The English words of the year-end report and workbooks.
fn english_words(w: &Words<'_>) -> String {
    match *w {
        Words::Lang => "en".to_string(),
        Words::Title { year } => format!("Year-end report {year}"),
        Words::Subtitle => "The \u{201c}dân vận khéo\u{201d} (skilled mass mobilization) movement: \
                            every figure added up exactly from the ledgers listed at the end"
            .to_string(),
        Words::Part {
            part,
            year,
            previous,
        } => match part {
            Part::Headline => format!("{year} at a glance"),
            Part::ByUnit => "Totals by unit".to_string(),
            Part::ByArea => "Totals by area".to_string(),
            Part::ByField => "Totals by field".to_string(),
            Part::BySource => "Totals by source".to_string(),
            Part::ByMonth => format!("Month by month, {year}"),
            Part::TopModels => "The 10 models that mobilized the most VND".to_string(),
            Part::PlanActual => "Plan against actual, by unit".to_string(),
            Part::Compared => format!("Compared with {previous}"),
            Part::Results => "Results of the models".to_string(),
            Part::Audit => "Audit trail".to_string(),
        },
        Words::Sheet { part, previous } => match part {
            Part::Headline => "Headline".to_string(),
            Part::ByUnit => "By unit".to_string(),
            Part::ByArea => "By area".to_string(),
            Part::ByField => "By field".to_string(),
            Part::BySource => "By source".to_string(),
            Part::ByMonth => "By month".to_string(),
            Part::TopModels => "Top 10 models".to_string(),
            Part::PlanActual => "Plan vs actual".to_string(),
            Part::Compared => format!("Compared with {previous}"),
            Part::Results => "Results".to_string(),
            Part::Audit => "Audit trail".to_string(),
        },
        Words::TableSheet { command } => match command {
            "models" => "Models".to_string(),
            _ => "Summary".to_string(),
        },
        Words::Chart { part } => match part {
            Part::ByUnit => "VND by unit".to_string(),
            Part::ByField => "VND by field".to_string(),
            Part::ByMonth => "VND by month".to_string(),
            _ => "VND".to_string(),
        },
        Words::Figure(f) => match f {
            Figure::Models => "Models registered".to_string(),
            Figure::Units => "Units registering them".to_string(),
            Figure::Mobilized(m) if m == VND => "VND mobilized".to_string(),
            Figure::Mobilized(m) if m == WORKDAY => "Work-days".to_string(),
            Figure::Mobilized(m) if m == M2 => "m² of land".to_string(),
            Figure::Mobilized(m) => m.clone(),
            Figure::Contributions => "Contributions counted".to_string(),
        },
        Words::FigureHead => "figure".to_string(),
        Words::ChangeHead => "change %".to_string(),
        Words::Note {
            note,
            year,
            previous,
        } => match note {
            Note::NoPrevious => {
                format!("The ledgers hold no row dated in {previous}, so there is nothing to compare {year} with.")
            }
            Note::NoRegistry => {
                "No registry was given (--models), so there is no plan to compare with.".to_string()
            }
            Note::NoTargets => {
                "No model registered for the year has a target, so there is no plan to compare with."
                    .to_string()
            }
            Note::Unattributed { rows, vnd } => format!(
                "{rows} contribution row(s) name no model ({} VND); they are in the totals above, not in this list.",
                Locale::en().amount(*vnd)
            ),
            Note::WithoutContribution { models } => format!(
                "Registered with no contribution in {year}: {}.",
                models.join(", ")
            ),
            Note::MonthsWithoutRows { months } => format!(
                "No rows in {}; the chart shows those months as zero.",
                months
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Words::ResultHead(h) => match h {
            ResultHead::Model => "model",
            ResultHead::Name => "name",
            ResultHead::Indicator => "indicator",
            ResultHead::Value => "value",
            ResultHead::Unit => "unit",
        }
        .to_string(),
        Words::InputHead(h) => match h {
            InputHead::File => "file",
            InputHead::Role => "what",
            InputHead::Rows => "rows",
            InputHead::Sha256 => "SHA-256",
        }
        .to_string(),
        Words::Role(r) => match r {
            Role::Ledger => "ledger",
            Role::Registry => "registry",
            Role::Results => "results",
            Role::Aliases => "aliases",
        }
        .to_string(),
        Words::NotHashed => "(standard input, read once: not hashed)".to_string(),
        Words::Reconciliation {
            read,
            counted,
            filtered,
            rejected,
        } => format!(
            "rows read {read} = counted {counted} + filtered {filtered} + rejected {rejected}"
        ),
        Words::FilteredMeans { year, previous } => {
            format!("Filtered rows are dated outside {previous}\u{2013}{year}.")
        }
        Words::Version { version } => format!("danvan {version}"),
        Words::CommandHead => "Command".to_string(),
        Words::Footer { version } => format!(
            "Written by danvan {version}. Run the command in the audit trail on the files listed \
             there (same SHA-256) to get every figure again."
        ),
    }
}

/// How a table for people looks.
pub struct Locale {
    pub labels: &'static Labels,
    /// Groups thousands (`,` in English).
    pub group: char,
    /// Separates decimals (`.` in English).
    pub decimal: char,
    pub order: &'static dyn TextOrder,
}

impl Locale {
    pub fn en() -> Locale {
        Locale {
            labels: &EN,
            group: ',',
            decimal: '.',
            order: &CodePoints,
        }
    }

    /// An exact amount with thousands grouped (`1,234,567.5`); never rounded.
    pub fn amount(&self, d: Decimal) -> String {
        let text = amount::plain(d);
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let mut out = String::with_capacity(text.len() + int.len() / 3);
        out.push_str(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push(self.decimal);
            out.push_str(f);
        }
        out
    }

    /// A percentage with two decimals (`24.82`).
    pub fn percent(&self, d: Decimal) -> String {
        amount::plain_percent(d).replace('.', &self.decimal.to_string())
    }

    /// A label value as people read it: empty values named, periods and paths as written.
    pub fn value(&self, v: &Value) -> String {
        if v.is_empty() {
            self.labels.none.to_string()
        } else {
            v.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn english_numbers() {
        let d = |s| Decimal::from_str(s).unwrap();
        let en = Locale::en();
        assert_eq!(en.amount(d("1030000000")), "1,030,000,000");
        assert_eq!(en.amount(d("-1234.50")), "-1,234.5");
        assert_eq!(en.amount(d("999")), "999");
        assert_eq!(en.amount(d("-0.0")), "0");
        assert_eq!(en.percent(d("5")), "5.00");
        let vi = Locale {
            group: '.',
            decimal: ',',
            ..Locale::en()
        };
        assert_eq!(vi.amount(d("481000000")), "481.000.000");
        assert_eq!(vi.amount(d("106.8")), "106,8");
        assert_eq!(vi.percent(d("24.824")), "24,82");
    }
}
