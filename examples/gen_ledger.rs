//! Deterministic generator of large, realistic "dân vận khéo" contribution ledgers.
//!
//! It exists so that `danvan` can be benchmarked and stress-tested on files the size a province
//! would really produce (millions of rows), without shipping such files in the repository. The same
//! `--seed` always gives the same bytes, on every machine, because only integer arithmetic is used
//! to draw values (no floats whose last bit could differ between platforms).
//!
//! The ledger follows `shared/SPEC.md`: `--style machine` writes what a program would (comma,
//! ISO dates, plain `.` decimals, measure codes, LF); `--style vi` writes what Vietnamese Excel
//! exports (UTF-8 BOM, `;`, Vietnamese headers, `dd/mm/yyyy`, `1.250.000` and `106,8`, measure
//! spellings such as `VNĐ`, `đồng`, `ngày công`, `m²`, CRLF). Every value in the vi file reads only
//! one way, so no file-wide number convention is needed to read it. `--models FILE` also writes the
//! registry of the models the ledger names, consistent with the ledger's units, areas and fields.
//!
//! The benchmark also needs the shapes that stress other parts of the engine: `--quote all`
//! quotes every field as spreadsheet exports often do (and `--tricky N` puts a delimiter and
//! doubled quotes in N rows' notes out of 1,000), `--model-count N` spreads rows over many models
//! (a `--by model,month` pivot then has hundreds of thousands of groups) and `--units distinct`
//! gives every row a unit of its own (a province-wide merge of small units). None of these options
//! changes which values are drawn, so the same seed gives the same contributions in every shape:
//! `--quote all` and `--quote needed` files hold the same data.
//!
//! ```text
//! cargo run --release --example gen_ledger -- --rows 5000000 [--seed N] [--style machine|vi] \
//!     [--quote needed|all] [--tricky N] [--model-count N] [--units few|distinct] \
//!     [--models FILE] > big.csv
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::exit;

const USAGE: &str = "\
usage: gen_ledger --rows N [--seed N] [--style machine|vi] [--models FILE] > ledger.csv

  --rows N         number of contribution rows to write (required; `_` separators allowed)
  --seed N         PRNG seed (default 2024); the same seed always gives the same file
  --style S        `machine` (default): `,` ISO dates, 1250000.5, LF, no BOM
                   `vi`: Vietnamese Excel export: BOM, `;`, 15/03/2024, 1.250.000 / 106,8, CRLF
  --quote Q        `needed` (default): quote only fields that need it; `all`: quote every field
  --tricky N       rows out of 1,000 whose note holds the delimiter and doubled quotes (default 5)
  --model-count N  how many models are registered (default 138, as in the article)
  --units U        `few` (default): the 40 units of the town; `distinct`: every row its own unit
  --models FILE    also write the model registry (id,name,unit,year,area,field,target) to FILE";

/// Wards (phường) and communes (xã) of Quảng Yên town, with how many residential areas
/// (khu for a ward, thôn for a commune) each has here.
const WARDS: &[(&str, Kind, u32)] = &[
    ("Yên Giang", Kind::Ward, 8),
    ("Quảng Yên", Kind::Ward, 7),
    ("Liên Hòa", Kind::Commune, 6),
    ("Cộng Hòa", Kind::Ward, 5),
    ("Hà An", Kind::Ward, 6),
    ("Phong Hải", Kind::Ward, 4),
    ("Minh Thành", Kind::Ward, 8),
    ("Đông Mai", Kind::Ward, 7),
    ("Tân An", Kind::Ward, 5),
    ("Phong Cốc", Kind::Ward, 6),
    ("Nam Hòa", Kind::Ward, 4),
    ("Yên Hải", Kind::Ward, 5),
    ("Hoàng Tân", Kind::Commune, 3),
    ("Tiền An", Kind::Commune, 5),
    ("Sông Khoai", Kind::Commune, 8),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ward,
    Commune,
}

/// Units and agencies; the second value is the ward or commune a local unit works in (its
/// contributions come from there), `None` for town-level units that work anywhere.
/// The first 32 register models, as the 32 units of the article did.
const UNITS: &[(&str, Option<&str>)] = &[
    ("Ủy ban MTTQ phường Yên Giang", Some("Yên Giang")),
    ("Ủy ban nhân dân phường Yên Giang", Some("Yên Giang")),
    ("Đoàn Thanh niên xã Liên Hòa", Some("Liên Hòa")),
    ("Hội Liên hiệp Phụ nữ thị xã Quảng Yên", None),
    ("Hội Nông dân phường Cộng Hòa", Some("Cộng Hòa")),
    ("Hội Cựu chiến binh phường Hà An", Some("Hà An")),
    ("Ủy ban MTTQ thị xã Quảng Yên", None),
    ("Đoàn Thanh niên thị xã Quảng Yên", None),
    ("Hội Nông dân thị xã Quảng Yên", None),
    ("Hội Cựu chiến binh thị xã Quảng Yên", None),
    ("Liên đoàn Lao động thị xã Quảng Yên", None),
    ("Công an thị xã Quảng Yên", None),
    ("Ban Chỉ huy Quân sự thị xã Quảng Yên", None),
    ("Ủy ban MTTQ xã Liên Hòa", Some("Liên Hòa")),
    ("Hội Nông dân xã Liên Hòa", Some("Liên Hòa")),
    ("Ủy ban MTTQ phường Cộng Hòa", Some("Cộng Hòa")),
    ("Hội Liên hiệp Phụ nữ phường Hà An", Some("Hà An")),
    ("Ủy ban MTTQ phường Phong Hải", Some("Phong Hải")),
    ("Đoàn Thanh niên phường Phong Hải", Some("Phong Hải")),
    ("Ủy ban MTTQ phường Minh Thành", Some("Minh Thành")),
    ("Hội Nông dân phường Minh Thành", Some("Minh Thành")),
    ("Ủy ban nhân dân phường Đông Mai", Some("Đông Mai")),
    ("Hội Cựu chiến binh phường Đông Mai", Some("Đông Mai")),
    ("Ủy ban MTTQ phường Tân An", Some("Tân An")),
    ("Hội Liên hiệp Phụ nữ phường Tân An", Some("Tân An")),
    ("Hội Nông dân phường Phong Cốc", Some("Phong Cốc")),
    ("Ủy ban MTTQ phường Nam Hòa", Some("Nam Hòa")),
    ("Ủy ban MTTQ phường Yên Hải", Some("Yên Hải")),
    ("Ủy ban MTTQ xã Hoàng Tân", Some("Hoàng Tân")),
    ("Đoàn Thanh niên xã Tiền An", Some("Tiền An")),
    ("Ủy ban MTTQ xã Sông Khoai", Some("Sông Khoai")),
    ("Ủy ban MTTQ phường Quảng Yên", Some("Quảng Yên")),
    ("Ban Dân vận Thị ủy Quảng Yên", None),
    ("Phòng Giáo dục và Đào tạo thị xã Quảng Yên", None),
    ("Hội Liên hiệp Phụ nữ phường Yên Giang", Some("Yên Giang")),
    ("Đoàn Thanh niên phường Phong Cốc", Some("Phong Cốc")),
    ("Hội Cựu chiến binh phường Nam Hòa", Some("Nam Hòa")),
    ("Hội Liên hiệp Phụ nữ phường Yên Hải", Some("Yên Hải")),
    ("Hội Nông dân xã Hoàng Tân", Some("Hoàng Tân")),
    ("Ủy ban MTTQ xã Tiền An", Some("Tiền An")),
];

/// How many of `UNITS` (from the start) register models.
const REGISTERING_UNITS: usize = 32;
/// How many models there are, ids `QY-2024-001` upwards (138 in the article).
const MODEL_COUNT: usize = 138;
const MODEL_YEAR: u32 = 2024;

const FIELDS: &[&str] = &[
    "Kinh tế",
    "Văn hóa",
    "Xã hội",
    "An ninh",
    "Quốc phòng",
    "Xây dựng hệ thống chính trị",
];

/// Contributors, with weights out of 100: most money and labour comes from the people.
const SOURCES: &[(&str, u64)] = &[
    ("Nhân dân", 50),
    ("Doanh nghiệp", 20),
    ("Cơ quan", 15),
    ("Nhà hảo tâm", 15),
];

/// Model titles, each with the index in `FIELDS` it belongs to; the area is appended.
const MODEL_TITLES: &[(&str, usize)] = &[
    ("Bê tông hóa đường ngõ xóm", 0),
    ("Chuyển đổi số toàn diện", 0),
    ("Hỗ trợ hội viên phát triển kinh tế", 0),
    ("Tổ hợp tác nuôi trồng thủy sản", 0),
    ("Phát huy hiệu quả nhà văn hóa khu dân cư", 1),
    ("Khu dân cư văn hóa kiểu mẫu", 1),
    ("Tuyến phố văn minh", 1),
    ("Sân chơi cho thiếu nhi", 1),
    ("Mẹ đỡ đầu", 2),
    ("Mái ấm tình thương", 2),
    ("Hỗ trợ hộ cận nghèo", 2),
    ("Lan can phòng chống đuối nước", 2),
    ("Camera an ninh khu dân cư", 3),
    ("Tổ tự quản an ninh trật tự", 3),
    ("Khu dân cư không có tội phạm", 3),
    ("Hậu phương vững chắc", 4),
    ("Dân quân tự vệ gắn với dân", 4),
    ("Chi bộ bốn tốt", 5),
    ("Tiếp xúc đối thoại với nhân dân", 5),
];

/// Short notes a clerk types; none holds a delimiter, so they go out unquoted.
const PLAIN_NOTES: &[&str] = &[
    "Trên 180 triệu",
    "Ủng hộ bằng hiện vật",
    "Tiếp tục vận động",
    "Đã quy đổi ra tiền",
    "Đợt 2",
];

/// Notes that must be quoted: they hold `,` (machine) or `;` (vi) and a quote; the quote is
/// doubled on output. `{}` is replaced by the delimiter.
const TRICKY_NOTES: &[&str] = &[
    "Gồm tiền mặt{} hiện vật{} công lao động",
    "Gia đình ông \"Tư\" ủng hộ{} không nhận giấy khen",
    "Quà Tết Thiếu nhi{} khai giảng năm học mới",
    "Theo biên bản số 12/BB{} ký ngày \"15/3\"",
];

/// Notes spread over two lines (Alt+Enter in Excel writes a bare LF inside the quoted cell).
const MULTILINE_NOTES: &[&str] = &[
    "Đợt 1: tiền mặt\nĐợt 2: hiện vật",
    "Đã bàn giao\nchờ quyết toán",
];

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Machine,
    Vi,
}

struct Args {
    rows: u64,
    seed: u64,
    style: Style,
    models: Option<String>,
    quote_all: bool,
    tricky: u64,
    model_count: usize,
    distinct_units: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut rows = None;
    let mut args = Args {
        rows: 0,
        seed: 2024,
        style: Style::Machine,
        models: None,
        quote_all: false,
        tricky: 5,
        model_count: MODEL_COUNT,
        distinct_units: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            exit(0);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rows" => rows = Some(parse_count(&flag, &value)?),
            "--seed" => args.seed = parse_count(&flag, &value)?,
            "--style" => {
                args.style = match value.as_str() {
                    "machine" => Style::Machine,
                    "vi" => Style::Vi,
                    _ => return Err(format!("--style must be machine or vi, not {value:?}")),
                }
            }
            "--models" => args.models = Some(value),
            "--quote" => {
                args.quote_all = match value.as_str() {
                    "needed" => false,
                    "all" => true,
                    _ => return Err(format!("--quote must be needed or all, not {value:?}")),
                }
            }
            "--tricky" => {
                args.tricky = parse_count(&flag, &value)?;
                if args.tricky > 1000 - 26 {
                    return Err(format!("--tricky is at most {}", 1000 - 26));
                }
            }
            "--model-count" => {
                args.model_count = parse_count(&flag, &value)? as usize;
                if args.model_count < REGISTERING_UNITS || args.model_count > 999_999 {
                    return Err(format!(
                        "--model-count must be between {REGISTERING_UNITS} and 999999"
                    ));
                }
            }
            "--units" => {
                args.distinct_units = match value.as_str() {
                    "few" => false,
                    "distinct" => true,
                    _ => return Err(format!("--units must be few or distinct, not {value:?}")),
                }
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    args.rows = rows.ok_or("--rows is required")?;
    Ok(args)
}

fn parse_count(flag: &str, value: &str) -> Result<u64, String> {
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{flag} needs a whole number, not {value:?}"))
}

/// SplitMix64: tiny, fast, and good enough for test data; its output is the same everywhere.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is far below anything a test could see).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True `per` times out of `of`.
    fn chance(&mut self, per: u64, of: u64) -> bool {
        self.below(of) < per
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

/// A registered model. Indices point into `World`'s tables.
struct Model {
    id: String,
    name: String,
    unit: usize,
    area: usize,
    field: usize,
    /// Planned VND; some registrations leave it blank.
    target: Option<u64>,
}

/// Everything that does not change from row to row, with each text already CSV-escaped for the
/// chosen style so that the hot loop only copies bytes.
struct World {
    style: Style,
    /// Every field quoted, empty ones too (`""`), as some spreadsheet exports write them.
    quote_all: bool,
    /// Rows out of 1,000 with a note holding the delimiter and doubled quotes.
    tricky: u64,
    /// Every row names a unit of its own (`Chi hội khu dân cư số 123`).
    distinct_units: bool,
    delim: u8,
    eol: &'static [u8],
    /// Per-style date text for every day of 2023–2025, in order.
    dates: Vec<Vec<u8>>,
    /// Index in `dates` of 2024-01-01: model contributions start in the model's year.
    first_model_day: usize,
    units: Vec<Vec<u8>>,
    /// For each unit, the areas its contributions come from (all areas for town-level units).
    unit_areas: Vec<Vec<usize>>,
    areas_csv: Vec<Vec<u8>>,
    fields: Vec<Vec<u8>>,
    sources: Vec<Vec<u8>>,
    models: Vec<Model>,
    models_csv: Vec<Vec<u8>>,
    plain_notes: Vec<Vec<u8>>,
    tricky_notes: Vec<Vec<u8>>,
    multiline_notes: Vec<Vec<u8>>,
}

impl World {
    fn new(args: &Args, rng: &mut Rng) -> World {
        let style = args.style;
        let (delim, eol): (u8, &'static [u8]) = match style {
            Style::Machine => (b',', b"\n"),
            Style::Vi => (b';', b"\r\n"),
        };
        let quote_all = args.quote_all;
        let esc = |s: &str| csv_field(s, delim, quote_all);

        let mut areas = Vec::new();
        let mut ward_areas: Vec<Vec<usize>> = Vec::new();
        for &(ward, kind, count) in WARDS {
            let level = if kind == Kind::Ward { "Khu" } else { "Thôn" };
            let mut these = Vec::new();
            for n in 1..=count {
                these.push(areas.len());
                areas.push(format!("{ward}/{level} {n}"));
            }
            ward_areas.push(these);
        }
        let all_areas: Vec<usize> = (0..areas.len()).collect();
        let unit_areas = UNITS
            .iter()
            .map(|(_, ward)| match ward {
                Some(w) => {
                    let i = WARDS.iter().position(|(name, _, _)| name == w);
                    ward_areas[i.expect("every unit's ward is in WARDS")].clone()
                }
                None => all_areas.clone(),
            })
            .collect::<Vec<_>>();

        // Every registering unit gets at least one model, the rest are spread at random.
        let models: Vec<Model> = (0..args.model_count)
            .map(|i| {
                let unit = if i < REGISTERING_UNITS {
                    i
                } else {
                    rng.index(REGISTERING_UNITS)
                };
                let area = unit_areas[unit][rng.index(unit_areas[unit].len())];
                let (title, field) = MODEL_TITLES[rng.index(MODEL_TITLES.len())];
                let place = areas[area].replace('/', " ");
                Model {
                    id: format!("QY-{MODEL_YEAR}-{:03}", i + 1),
                    name: format!("{title} {place}"),
                    unit,
                    area,
                    field,
                    target: (!rng.chance(1, 10)).then(|| rng.between(20, 2000) * 1_000_000),
                }
            })
            .collect();

        let mut dates = Vec::new();
        let mut first_model_day = 0;
        for year in 2023..=2025u32 {
            for month in 1..=12u32 {
                for day in 1..=days_in_month(year, month) {
                    if year == MODEL_YEAR && month == 1 && day == 1 {
                        first_model_day = dates.len();
                    }
                    dates.push(esc(&match style {
                        Style::Machine => format!("{year}-{month:02}-{day:02}"),
                        Style::Vi => format!("{day:02}/{month:02}/{year}"),
                    }));
                }
            }
        }

        let d = (delim as char).to_string();
        World {
            style,
            quote_all,
            tricky: args.tricky,
            distinct_units: args.distinct_units,
            delim,
            eol,
            dates,
            first_model_day,
            units: UNITS.iter().map(|(u, _)| esc(u)).collect(),
            unit_areas,
            areas_csv: areas.iter().map(|a| esc(a)).collect(),
            fields: FIELDS.iter().map(|f| esc(f)).collect(),
            sources: SOURCES.iter().map(|(s, _)| esc(s)).collect(),
            models_csv: models.iter().map(|m| esc(&m.id)).collect(),
            models,
            plain_notes: PLAIN_NOTES.iter().map(|n| esc(n)).collect(),
            tricky_notes: TRICKY_NOTES
                .iter()
                .map(|n| esc(&n.replace("{}", &d)))
                .collect(),
            multiline_notes: MULTILINE_NOTES.iter().map(|n| esc(n)).collect(),
        }
    }

    fn header(&self) -> &'static [u8] {
        match self.style {
            Style::Machine => b"date,model,unit,area,field,source,amount,measure,note\n",
            // The BOM is what Excel's "CSV UTF-8" export puts first.
            Style::Vi => {
                "\u{feff}Ngày;Mã mô hình;Đơn vị;Địa bàn;Lĩnh vực;Nguồn;Số tiền;ĐVT;Ghi chú\r\n"
                    .as_bytes()
            }
        }
    }

    /// Appends one contribution row to `line`; marks its model in `used`.
    fn row(&self, rng: &mut Rng, line: &mut Vec<u8>, used: &mut [bool], n: u64) {
        let d = self.delim;
        // Most contributions are made to a registered model and carry its unit, area and field;
        // the rest are recorded against a unit directly.
        let (model, unit, area, field, day) = if rng.chance(85, 100) {
            let m = rng.index(self.models.len());
            used[m] = true;
            let model = &self.models[m];
            let days = self.dates.len() - self.first_model_day;
            let day = self.first_model_day + rng.index(days);
            (
                Some(m),
                Some(model.unit),
                Some(model.area),
                model.field,
                day,
            )
        } else {
            // A few clerks leave the unit or the area blank.
            let unit = (!rng.chance(1, 100)).then(|| rng.index(self.units.len()));
            let area = if rng.chance(2, 100) {
                None
            } else {
                let pool = &self.unit_areas[unit.unwrap_or(0)];
                Some(pool[rng.index(pool.len())])
            };
            let field = rng.index(self.fields.len());
            (None, unit, area, field, rng.index(self.dates.len()))
        };

        let empty: &[u8] = if self.quote_all { b"\"\"" } else { b"" };
        line.extend_from_slice(&self.dates[day]);
        line.push(d);
        line.extend_from_slice(model.map_or(empty, |m| &self.models_csv[m]));
        line.push(d);
        if self.distinct_units {
            // Drawn above all the same, so the other columns do not change with this option.
            let _ = unit;
            let q: &[u8] = if self.quote_all { b"\"" } else { b"" };
            line.extend_from_slice(q);
            line.extend_from_slice(format!("Chi hội khu dân cư số {}", n + 1).as_bytes());
            line.extend_from_slice(q);
        } else {
            line.extend_from_slice(unit.map_or(empty, |u| &self.units[u]));
        }
        line.push(d);
        line.extend_from_slice(area.map_or(empty, |a| &self.areas_csv[a]));
        line.push(d);
        line.extend_from_slice(&self.fields[field]);
        line.push(d);
        line.extend_from_slice(&self.sources[pick_weighted(rng, SOURCES)]);
        line.push(d);
        self.amount_and_measure(rng, line);
        line.push(d);
        match rng.below(1000) {
            0 => line.extend_from_slice(&self.multiline_notes[rng.index(MULTILINE_NOTES.len())]),
            r if r <= self.tricky => {
                line.extend_from_slice(&self.tricky_notes[rng.index(TRICKY_NOTES.len())])
            }
            r if r <= self.tricky + 20 => {
                line.extend_from_slice(&self.plain_notes[rng.index(PLAIN_NOTES.len())])
            }
            _ => line.extend_from_slice(empty),
        }
        line.extend_from_slice(self.eol);
    }

    /// Writes `amount<delim>measure`. Amounts are integers plus an optional fraction written as
    /// its digits, so that the value is exact and the same on every machine.
    fn amount_and_measure(&self, rng: &mut Rng, line: &mut Vec<u8>) {
        let vi = self.style == Style::Vi;
        let r = rng.below(100);
        let (whole, frac, measure): (u64, &str, &str) = if r < 85 {
            // VND: skewed towards small gifts, like real ledgers; always whole thousands, so in
            // vi style always two or more `.` groups (never ambiguous like `1.200`).
            let thousands = match rng.below(10) {
                0..=3 => rng.between(1_000, 4_999),
                4..=6 => rng.between(5_000, 19_999),
                7..=8 => rng.between(20_000, 99_999),
                _ => rng.between(100_000, 500_000),
            };
            // Half-dong amounts come from programs that split costs; only machine files have them.
            let frac = if !vi && rng.chance(1, 50) { "5" } else { "" };
            let measure = if vi {
                match rng.below(5) {
                    0 | 1 => "VNĐ",
                    2 => "đồng",
                    _ => "", // an empty measure means VND
                }
            } else {
                "VND"
            };
            (thousands * 1000, frac, measure)
        } else if r < 95 {
            // Work-days: small counts, half days now and then.
            let whole = if rng.chance(7, 10) {
                rng.between(1, 30)
            } else {
                rng.between(31, 200)
            };
            let frac = if rng.chance(1, 5) { "5" } else { "" };
            (whole, frac, if vi { "ngày công" } else { "workday" })
        } else {
            // Donated land in m2: under 1000, so a vi value never has a `.` group.
            let frac = match rng.below(20) {
                0 => "5",
                1 => "25",
                _ => "",
            };
            (rng.between(1, 999), frac, if vi { "m²" } else { "m2" })
        };
        let mut digits = [0u8; 32];
        let q: &[u8] = if self.quote_all { b"\"" } else { b"" };
        line.extend_from_slice(q);
        line.extend_from_slice(format_int(whole, vi, &mut digits));
        if !frac.is_empty() {
            line.push(if vi { b',' } else { b'.' });
            line.extend_from_slice(frac.as_bytes());
        }
        line.extend_from_slice(q);
        line.push(self.delim);
        line.extend_from_slice(q);
        line.extend_from_slice(measure.as_bytes());
        line.extend_from_slice(q);
    }

    /// The registry of the models in `used`, in the same style as the ledger.
    fn write_registry(&self, file: File, used: &[bool]) -> io::Result<()> {
        let mut out = BufWriter::new(file);
        let vi = self.style == Style::Vi;
        out.write_all(match self.style {
            Style::Machine => b"id,name,unit,year,area,field,target\n",
            Style::Vi => {
                "\u{feff}Mã mô hình;Tên mô hình;Đơn vị;Năm;Địa bàn;Lĩnh vực;Chỉ tiêu\r\n".as_bytes()
            }
        })?;
        let d = [self.delim];
        let mut digits = [0u8; 32];
        for (i, m) in self.models.iter().enumerate().filter(|(i, _)| used[*i]) {
            out.write_all(&self.models_csv[i])?;
            out.write_all(&d)?;
            out.write_all(&csv_field(&m.name, self.delim, self.quote_all))?;
            out.write_all(&d)?;
            out.write_all(&self.units[m.unit])?;
            out.write_all(&d)?;
            out.write_all(MODEL_YEAR.to_string().as_bytes())?;
            out.write_all(&d)?;
            out.write_all(&self.areas_csv[m.area])?;
            out.write_all(&d)?;
            out.write_all(&self.fields[m.field])?;
            out.write_all(&d)?;
            if let Some(t) = m.target {
                out.write_all(format_int(t, vi, &mut digits))?;
            }
            out.write_all(self.eol)?;
        }
        out.flush()
    }
}

fn pick_weighted(rng: &mut Rng, items: &[(&str, u64)]) -> usize {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (i, (_, w)) in items.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    items.len() - 1
}

/// Formats `n` into the end of `buf`; with `grouped`, `.` separates thousands (the vi convention).
/// Hand-written because `write!` would dominate the run time at millions of rows.
fn format_int(mut n: u64, grouped: bool, buf: &mut [u8; 32]) -> &[u8] {
    let mut i = buf.len();
    let mut count = 0;
    loop {
        if grouped && count > 0 && count % 3 == 0 {
            i -= 1;
            buf[i] = b'.';
        }
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        count += 1;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// A CSV field, quoted (with quotes doubled) when it holds the delimiter, a quote, CR or LF, or
/// always with `all`.
fn csv_field(s: &str, delim: u8, all: bool) -> Vec<u8> {
    let needs_quotes = all
        || s.bytes()
            .any(|b| b == delim || matches!(b, b'"' | b'\r' | b'\n'));
    if !needs_quotes {
        return s.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    for b in s.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn generate(world: &World, args: &Args, rng: &mut Rng, used: &mut [bool]) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    out.write_all(world.header())?;
    let mut line = Vec::with_capacity(512);
    for n in 0..args.rows {
        line.clear();
        world.row(rng, &mut line, used, n);
        out.write_all(&line)?;
    }
    out.flush()
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("gen_ledger: {msg}\n\n{USAGE}");
            exit(2);
        }
    };
    // Opened first so that a bad path fails before minutes of output, not after.
    let registry = args.models.as_ref().map(|path| match File::create(path) {
        Ok(file) => (path, file),
        Err(e) => {
            eprintln!("gen_ledger: creating {path}: {e}");
            exit(1);
        }
    });
    let mut rng = Rng(args.seed);
    let world = World::new(&args, &mut rng);
    let mut used = vec![false; world.models.len()];

    if let Err(e) = generate(&world, &args, &mut rng, &mut used) {
        // A reader that stops early (`| head`) is not an error; the registry is still written.
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("gen_ledger: writing the ledger: {e}");
            exit(1);
        }
    }
    if let Some((path, file)) = registry
        && let Err(e) = world.write_registry(file, &used)
    {
        eprintln!("gen_ledger: writing {path}: {e}");
        exit(1);
    }
}
