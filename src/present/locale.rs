//! A locale: how numbers and labels look to people, and the order of text keys. Only
//! presentation knows it; machine formats (CSV, JSON) never depend on it. The language is chosen
//! in one place, [`choose`], for every command.

use crate::domain::measure::{M2, VND, WORKDAY, vietnamese_name};
use crate::domain::order::TextOrder;
use crate::domain::{Dim, Lang, Value, amount};
use crate::report::yearend::{Figure, Note, Part, Role};
use rust_decimal::{Decimal, RoundingStrategy};

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
    /// A measure's name in a head, given its code (`VND`, `workday`, `m2`, or any other word).
    pub measure: fn(&str) -> String,
    /// Money in thousands, millions or billions, as a head says it (`million VND`).
    pub scaled: fn(Scale) -> &'static str,
    /// A head with the unit its figures are in, given the head and the unit.
    pub in_unit: fn(&str, &str) -> String,
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

/// English, with the machine names of dimensions (what `--by` takes) and measures.
pub const EN: Labels = Labels {
    total: "Total",
    line_total: "total",
    rows: "rows",
    share: "%",
    none: "(none)",
    others: |n| format!("({n} other{})", if n == 1 { "" } else { "s" }),
    dim: Dim::name,
    measure: |m| m.to_string(),
    scaled: |s| match s {
        Scale::Thousand => "thousand VND",
        Scale::Million => "million VND",
        Scale::Billion => "billion VND",
    },
    in_unit: |head, unit| format!("{head} ({unit})"),
    models: "models",
    target: "target",
    mobilized: |m| {
        if m == VND {
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

/// Vietnamese, as a clerk's report writes its heads.
pub const VI: Labels = Labels {
    total: "Tổng cộng",
    line_total: "Tổng",
    rows: "Số dòng",
    share: "Tỷ lệ (%)",
    none: "(trống)",
    others: |n| format!("(Khác: {n} nhóm)"),
    dim: |d| match d {
        Dim::Unit => "Đơn vị",
        Dim::Area => "Địa bàn",
        Dim::Field => "Lĩnh vực",
        Dim::Source => "Nguồn",
        Dim::Model => "Mã mô hình",
        Dim::Year => "Năm",
        Dim::Quarter => "Quý",
        Dim::Month => "Tháng",
        Dim::Measure => "Đơn vị tính",
        Dim::Name => "Tên mô hình",
    },
    measure: vi_measure,
    scaled: |s| match s {
        Scale::Thousand => "nghìn đồng",
        Scale::Million => "triệu đồng",
        Scale::Billion => "tỷ đồng",
    },
    in_unit: |head, unit| format!("{head} ({unit})"),
    models: "Số mô hình",
    target: "Chỉ tiêu",
    mobilized: |m| {
        if m == VND {
            "Đã vận động".to_string()
        } else {
            vi_measure(m)
        }
    },
    progress: "% chỉ tiêu",
    change: |c| format!("{c} tăng/giảm"),
    change_pct: |c| format!("{c} tăng/giảm %"),
    direct: |p| format!("{p} (riêng)"),
    words: vietnamese_words,
};

fn vi_measure(m: &str) -> String {
    vietnamese_name(m).to_string()
}

/// The unit money is shown in (`--in`): tables and Markdown only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Thousand,
    Million,
    Billion,
}

impl Scale {
    /// How many VND one shown unit is.
    pub fn factor(self) -> Decimal {
        Decimal::from(match self {
            Scale::Thousand => 1_000u64,
            Scale::Million => 1_000_000,
            Scale::Billion => 1_000_000_000,
        })
    }
}

/// The most decimals a scaled amount shows (`106,8`; a thousandth of a million is a thousand
/// đồng). Past them it is rounded half away from zero; trailing zeros are never shown.
pub const SCALED_DECIMALS: u32 = 3;

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

/// The Vietnamese words of the year-end report and workbooks, as an office's year-end report
/// ("báo cáo tổng kết") words them.
fn vietnamese_words(w: &Words<'_>) -> String {
    match *w {
        Words::Lang => "vi".to_string(),
        Words::Title { year } => format!("Báo cáo tổng kết năm {year}"),
        Words::Subtitle => {
            "Phong trào thi đua \u{201c}Dân vận khéo\u{201d}: mọi số liệu được cộng \
                            chính xác từ các sổ liệt kê ở cuối báo cáo"
                .to_string()
        }
        Words::Part {
            part,
            year,
            previous,
        } => match part {
            Part::Headline => format!("Kết quả nổi bật năm {year}"),
            Part::ByUnit => "Tổng hợp theo đơn vị".to_string(),
            Part::ByArea => "Tổng hợp theo địa bàn".to_string(),
            Part::ByField => "Tổng hợp theo lĩnh vực".to_string(),
            Part::BySource => "Tổng hợp theo nguồn".to_string(),
            Part::ByMonth => format!("Theo từng tháng, năm {year}"),
            Part::TopModels => "10 mô hình vận động được nhiều tiền nhất".to_string(),
            Part::PlanActual => "Chỉ tiêu và kết quả, theo đơn vị".to_string(),
            Part::Compared => format!("So với năm {previous}"),
            Part::Results => "Kết quả của các mô hình".to_string(),
            Part::Audit => "Nguồn số liệu".to_string(),
        },
        Words::Sheet { part, previous } => match part {
            Part::Headline => "Nổi bật".to_string(),
            Part::ByUnit => "Theo đơn vị".to_string(),
            Part::ByArea => "Theo địa bàn".to_string(),
            Part::ByField => "Theo lĩnh vực".to_string(),
            Part::BySource => "Theo nguồn".to_string(),
            Part::ByMonth => "Theo tháng".to_string(),
            Part::TopModels => "10 mô hình".to_string(),
            Part::PlanActual => "Chỉ tiêu - kết quả".to_string(),
            Part::Compared => format!("So với {previous}"),
            Part::Results => "Kết quả".to_string(),
            Part::Audit => "Nguồn số liệu".to_string(),
        },
        Words::TableSheet { command } => match command {
            "models" => "Mô hình".to_string(),
            _ => "Tổng hợp".to_string(),
        },
        Words::Chart { part } => match part {
            Part::ByUnit => "Số tiền theo đơn vị (đồng)".to_string(),
            Part::ByField => "Số tiền theo lĩnh vực (đồng)".to_string(),
            Part::ByMonth => "Số tiền theo tháng (đồng)".to_string(),
            _ => "đồng".to_string(),
        },
        Words::Figure(f) => match f {
            Figure::Models => "Số mô hình đăng ký".to_string(),
            Figure::Units => "Số đơn vị đăng ký".to_string(),
            Figure::Mobilized(m) if m == VND => "Số tiền vận động (đồng)".to_string(),
            Figure::Mobilized(m) if m == WORKDAY => "Ngày công".to_string(),
            Figure::Mobilized(m) if m == M2 => "Đất hiến (m²)".to_string(),
            Figure::Mobilized(m) => m.clone(),
            Figure::Contributions => "Số lượt đóng góp".to_string(),
        },
        Words::FigureHead => "Chỉ số".to_string(),
        Words::ChangeHead => "Tăng/giảm %".to_string(),
        Words::Note {
            note,
            year,
            previous,
        } => match note {
            Note::NoPrevious => format!(
                "Các sổ không có dòng nào trong năm {previous}, nên không có gì để so sánh với \
                 năm {year}."
            ),
            Note::NoRegistry => {
                "Không có danh sách mô hình (--models), nên không có chỉ tiêu để so sánh."
                    .to_string()
            }
            Note::NoTargets => "Không mô hình nào đăng ký trong năm có chỉ tiêu, nên không có gì \
                                để so sánh."
                .to_string(),
            Note::Unattributed { rows, vnd } => format!(
                "{rows} dòng đóng góp không ghi mô hình ({} đồng); các dòng này có trong các bảng \
                 tổng ở trên, không có trong danh sách này.",
                Locale::vi().amount(*vnd)
            ),
            Note::WithoutContribution { models } => format!(
                "Đã đăng ký nhưng chưa có đóng góp trong năm {year}: {}.",
                models.join(", ")
            ),
            Note::MonthsWithoutRows { months } => format!(
                "Không có dòng nào trong {}; biểu đồ ghi các tháng đó là 0.",
                months
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Words::ResultHead(h) => match h {
            ResultHead::Model => "Mã mô hình",
            ResultHead::Name => "Tên mô hình",
            ResultHead::Indicator => "Chỉ tiêu kết quả",
            ResultHead::Value => "Giá trị",
            ResultHead::Unit => "Đơn vị tính",
        }
        .to_string(),
        Words::InputHead(h) => match h {
            InputHead::File => "Tệp",
            InputHead::Role => "Loại",
            InputHead::Rows => "Số dòng",
            InputHead::Sha256 => "SHA-256",
        }
        .to_string(),
        Words::Role(r) => match r {
            Role::Ledger => "sổ đóng góp",
            Role::Registry => "danh sách mô hình",
            Role::Results => "kết quả",
            Role::Aliases => "tên cũ - tên mới",
        }
        .to_string(),
        Words::NotHashed => "(đầu vào chuẩn, chỉ đọc một lần: không tính mã băm)".to_string(),
        Words::Reconciliation {
            read,
            counted,
            filtered,
            rejected,
        } => format!("đã đọc {read} dòng = tính {counted} + lọc {filtered} + loại {rejected}"),
        Words::FilteredMeans { year, previous } => {
            format!("Các dòng bị lọc có ngày ngoài khoảng {previous}\u{2013}{year}.")
        }
        Words::Version { version } => format!("danvan {version}"),
        Words::CommandHead => "Lệnh".to_string(),
        Words::Footer { version } => format!(
            "Lập bằng danvan {version}. Chạy lệnh ghi ở phần nguồn số liệu trên đúng các tệp đã \
             liệt kê (cùng mã SHA-256) sẽ ra lại mọi số liệu."
        ),
    }
}

/// How a table for people looks.
pub struct Locale {
    pub lang: Lang,
    pub labels: &'static Labels,
    /// Groups thousands (`,` in English, `.` in Vietnamese).
    pub group: char,
    /// Separates decimals (`.` in English, `,` in Vietnamese).
    pub decimal: char,
    pub order: &'static dyn TextOrder,
    /// Money shown in this unit, rounded (`--in`); `None`: exact đồng.
    pub scale: Option<Scale>,
}

impl Locale {
    /// The locale of `lang`. Text keys sort in Vietnamese order in every language: the data is
    /// Vietnamese whatever language the reader wants.
    pub fn of(lang: Lang) -> Locale {
        match lang {
            Lang::En => Locale::en(),
            Lang::Vi => Locale::vi(),
        }
    }

    pub fn en() -> Locale {
        Locale {
            lang: Lang::En,
            labels: &EN,
            group: ',',
            decimal: '.',
            order: &*super::collation::VIETNAMESE,
            scale: None,
        }
    }

    pub fn vi() -> Locale {
        Locale {
            lang: Lang::Vi,
            labels: &VI,
            group: '.',
            decimal: ',',
            order: &*super::collation::VIETNAMESE,
            scale: None,
        }
    }

    /// The same locale with money shown in `scale`.
    pub fn scaled(self, scale: Option<Scale>) -> Locale {
        Locale { scale, ..self }
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
        self.push_grouped(int, &mut out);
        if let Some(f) = frac {
            out.push(self.decimal);
            out.push_str(f);
        }
        out
    }

    /// A count of rows or groups, grouped like amounts (`200,000`).
    pub fn count(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        self.push_grouped(&digits, &mut out);
        out
    }

    /// Appends the digits `int`, thousands grouped.
    fn push_grouped(&self, int: &str, out: &mut String) {
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(self.group);
            }
            out.push(c);
        }
    }

    /// An amount of money in the locale's scale: divided, then rounded half away from zero to
    /// at most [`SCALED_DECIMALS`] decimals (`106,8` for 106.800.000 in millions). Exact when
    /// there is no scale.
    pub fn money(&self, d: Decimal) -> String {
        let Some(scale) = self.scale else {
            return self.amount(d);
        };
        match d.checked_div(scale.factor()) {
            Some(q) => self.amount(
                q.round_dp_with_strategy(SCALED_DECIMALS, RoundingStrategy::MidpointAwayFromZero),
            ),
            None => self.amount(d),
        }
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

/// The language to speak: `--lang` when given, else `DANVAN_LANG`, else the settings file's
/// `language` (`setting`), else the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and
/// not empty (a value starting with `vi` is Vietnamese, anything else English), else English.
/// The settings file comes before the locale: a clerk wrote it for danvan.
pub fn choose(flag: Option<Lang>, setting: Option<Lang>) -> Lang {
    choose_from(flag, setting, |name| std::env::var(name).ok())
}

/// [`choose`], reading the environment through `var`.
pub fn choose_from(
    flag: Option<Lang>,
    setting: Option<Lang>,
    var: impl Fn(&str) -> Option<String>,
) -> Lang {
    let locale = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| var(name).and_then(|v| Lang::of_locale(&v)))
    };
    flag.or_else(|| locale(&["DANVAN_LANG"]))
        .or(setting)
        .or_else(|| locale(&["LC_ALL", "LC_MESSAGES", "LANG"]))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_in_both_languages() {
        let en = Locale::en();
        assert_eq!(en.amount(d("1030000000")), "1,030,000,000");
        assert_eq!(en.amount(d("-1234.50")), "-1,234.5");
        assert_eq!(en.amount(d("999")), "999");
        assert_eq!(en.amount(d("-0.0")), "0");
        assert_eq!(en.percent(d("5")), "5.00");
        assert_eq!(en.count(200_000), "200,000");
        assert_eq!(en.count(999), "999");
        assert_eq!(en.count(0), "0");
        assert_eq!(en.count(1_000), "1,000");
        let vi = Locale::vi();
        assert_eq!(vi.amount(d("481000000")), "481.000.000");
        assert_eq!(vi.amount(d("106.8")), "106,8");
        assert_eq!(vi.amount(d("-1234567.25")), "-1.234.567,25");
        assert_eq!(vi.percent(d("24.824")), "24,82");
    }

    #[test]
    fn scaled_money_rounds_half_away_from_zero() {
        let vi = Locale::vi().scaled(Some(Scale::Million));
        assert_eq!(vi.money(d("106800000")), "106,8");
        assert_eq!(vi.money(d("1938000000")), "1.938");
        assert_eq!(vi.money(d("1234500")), "1,235");
        assert_eq!(vi.money(d("1234499")), "1,234");
        assert_eq!(vi.money(d("-1234500")), "-1,235");
        assert_eq!(vi.money(d("400")), "0");
        let en = Locale::en().scaled(Some(Scale::Billion));
        assert_eq!(en.money(d("1938000000")), "1.938");
        assert_eq!(en.money(d("75000000")), "0.075");
        let thousand = Locale::en().scaled(Some(Scale::Thousand));
        assert_eq!(thousand.money(d("106800000")), "106,800");
        assert_eq!(thousand.money(d("0.5")), "0.001");
        // No scale: exact.
        assert_eq!(Locale::en().money(d("1234500.5")), "1,234,500.5");
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(choose_from(None, None, env(&[])), Lang::En);
        assert_eq!(
            choose_from(None, None, env(&[("LANG", "vi_VN.UTF-8")])),
            Lang::Vi
        );
        assert_eq!(
            choose_from(Some(Lang::En), None, env(&[("LANG", "vi_VN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            choose_from(
                None,
                None,
                env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "vi_VN")])
            ),
            Lang::Vi
        );
        assert_eq!(
            choose_from(
                None,
                None,
                env(&[("LC_ALL", "C"), ("LC_MESSAGES", "vi_VN")])
            ),
            Lang::En
        );
        // An empty variable says nothing; an unknown locale is English.
        assert_eq!(
            choose_from(None, None, env(&[("LC_ALL", ""), ("LANG", "vi")])),
            Lang::Vi
        );
        assert_eq!(
            choose_from(None, None, env(&[("LANG", "fr_FR.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            choose_from(
                None,
                None,
                env(&[("DANVAN_LANG", "en"), ("LC_ALL", "vi_VN")])
            ),
            Lang::En
        );
        assert_eq!(
            choose_from(None, None, env(&[("DANVAN_LANG", "vi"), ("LC_ALL", "C")])),
            Lang::Vi
        );
        // The settings file: after DANVAN_LANG, before the locale.
        assert_eq!(
            choose_from(None, Some(Lang::Vi), env(&[("LANG", "en_US.UTF-8")])),
            Lang::Vi
        );
        assert_eq!(
            choose_from(None, Some(Lang::Vi), env(&[("DANVAN_LANG", "en")])),
            Lang::En
        );
        assert_eq!(
            choose_from(Some(Lang::En), Some(Lang::Vi), env(&[])),
            Lang::En
        );
    }
}
