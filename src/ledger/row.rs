//! One record in, one [`Contribution`] (or the reasons it is invalid) out.
//!
//! This is the heart of reading, and it is a pure function of the record, the file's layout and
//! the registry; the only state is the reading thread's interner and caches, which make repeated
//! values cheap. Nothing here does I/O, so the engine can run it over chunks on any thread.

use super::aliases::Aliases;
use super::date::{excel_serial, parse_date_bytes};
use super::dialect::{AmountUnit, HeaderMap, has_own_unit, scale_reading};
use super::intern::{EMPTY, Interner, RawCache, Sym};
use super::number::{Convention, Reading, parse_amount_bytes};
use super::record::Record;
use super::registry::Registry;
use super::{Col, Contribution, column_name};
use crate::domain::Dim;
use crate::domain::measure::{VND, canonical_measure};
use crate::domain::text::{fold_case, normalize, normalize_area};
use crate::problem::Kind;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// One ledger file's shape, shared by every thread reading it.
#[derive(Debug, Clone)]
pub struct Layout {
    pub file: Arc<str>,
    pub file_index: usize,
    pub columns: HeaderMap<Col>,
    idx: [Option<usize>; 9],
    /// The number convention forced by `--number-format`, if any.
    pub forced: Option<Convention>,
    /// What every amount is multiplied by, from a scale in the amount header
    /// (`Số tiền (triệu đồng)`); `None` for 1.
    pub scale: Option<Decimal>,
    /// The amount header's unit as written (`triệu đồng`), for messages.
    pub unit: Option<String>,
    /// The measure of rows with an empty measure cell when the amount header names one
    /// (`Số lượng (ngày công)`); VND otherwise.
    pub header_measure: Option<&'static str>,
    /// What the fast lane must keep apart: rows with the same raw text are the same group and
    /// equally valid only in files of the same lane (0: plain, 1: scaled, 2 and 3: a header
    /// measure); at most 15.
    pub lane: u8,
}

impl Layout {
    pub fn new(
        file: Arc<str>,
        file_index: usize,
        columns: HeaderMap<Col>,
        forced: Option<Convention>,
    ) -> Self {
        let mut idx = [None; 9];
        for col in Col::CONTENT.into_iter().chain([Col::Note]) {
            idx[col as usize] = columns.index(col);
        }
        Layout {
            file,
            file_index,
            columns,
            idx,
            forced,
            scale: None,
            unit: None,
            header_measure: None,
            lane: 0,
        }
    }

    /// The layout with the amount header's unit applied (`unit` as written, for messages).
    pub fn with_amount_unit(mut self, unit: AmountUnit, written: &str) -> Self {
        self.scale = unit.factor();
        self.unit = Some(written.to_string());
        match unit {
            AmountUnit::Measure(m) => {
                self.header_measure = Some(m);
                self.lane = if m == crate::domain::measure::WORKDAY {
                    2
                } else {
                    3
                };
            }
            AmountUnit::Money(_) if self.scale.is_some() => self.lane = 1,
            AmountUnit::Money(_) => {}
        }
        self
    }

    /// Where `col` is in this file, if it has it.
    pub fn index(&self, col: Col) -> Option<usize> {
        self.idx[col as usize]
    }

    /// The column's header as written in this file, for messages.
    pub fn name(&self, col: Col) -> String {
        self.columns.name(col, column_name(col))
    }
}

/// What one record turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Only empty fields: skipped, and counted as nothing.
    Blank,
    /// A valid contribution. `evidence` is the number convention its amount proves, if any;
    /// `notes` are warnings about a valid row (its unit or field differs from its model's).
    Valid {
        row: Contribution,
        evidence: Option<Convention>,
        notes: Vec<(String, Kind)>,
    },
    /// Valid but for what only the whole file can settle: an amount that reads two ways
    /// (`amount`: its readings and text; `row.amount` is zero until the file's convention is
    /// known), or a date written as an Excel serial number (`serial`: its text; good only if no
    /// row of the file writes a date as text). `evidence` as for a valid row.
    Pending {
        row: Contribution,
        evidence: Option<Convention>,
        notes: Vec<(String, Kind)>,
        amount: Option<(Reading, String)>,
        serial: Option<String>,
    },
    /// Invalid, with each (column, reason).
    Invalid(Vec<(String, Kind)>),
}

/// Which text columns a run looks at. Reading a column costs a hash lookup per row, so columns
/// no report, filter or check uses are left empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub unit: bool,
    pub area: bool,
    pub field: bool,
    pub source: bool,
    pub model: bool,
    /// `check`: everything, plus warnings about rows that disagree with their model.
    pub check: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        unit: true,
        area: true,
        field: true,
        source: true,
        model: true,
        check: true,
    };
}

/// The registry's values for one model, as symbols of this thread's interner.
#[derive(Debug, Clone, Copy)]
struct ModelSyms {
    id: Sym,
    unit: Sym,
    area: Sym,
    field: Sym,
}

/// Per-thread reading state: the interner and the caches that make repeated values cheap.
pub struct RowReader {
    pub interner: Interner,
    caches: [RawCache; 6],
    models: FxHashMap<Sym, Option<ModelSyms>>,
    registry: Option<Arc<Registry>>,
    needs: Needs,
    /// An empty measure means VND.
    vnd: Sym,
    /// Old names mapped onto current ones (`--aliases`).
    aliases: Arc<Aliases>,
    /// Per symbol: whether its value is a totals label.
    labels: Vec<bool>,
    /// Rows with a date written as text, for [`RowReader::take_text_dates`].
    text_dates: u64,
}

const C_MODEL: usize = 0;
const C_UNIT: usize = 1;
const C_AREA: usize = 2;
const C_FIELD: usize = 3;
const C_SOURCE: usize = 4;
const C_MEASURE: usize = 5;

/// The text columns where a typed subtotal writes its label (`Cộng tháng 3` in place of a unit).
/// Notes are free text and measures are no names: neither is looked at.
pub const LABEL_COLUMNS: [Col; 5] = [Col::Unit, Col::Area, Col::Model, Col::Field, Col::Source];

/// The cache of each of [`LABEL_COLUMNS`].
const LABEL_CACHES: [usize; 5] = [C_UNIT, C_AREA, C_MODEL, C_FIELD, C_SOURCE];

impl RowReader {
    pub fn new(registry: Option<Arc<Registry>>, needs: Needs, aliases: Arc<Aliases>) -> Self {
        let mut interner = Interner::default();
        let vnd = interner.intern(VND);
        RowReader {
            interner,
            caches: Default::default(),
            models: FxHashMap::default(),
            registry,
            needs,
            vnd,
            aliases,
            labels: Vec::new(),
            text_dates: 0,
        }
    }

    /// Starts loading, for `next` (the record after the one about to be read), the interner's
    /// slot of each name column whose values do not repeat: with every row a new unit, that
    /// lookup was a third of the reading, waiting on memory. The cell as written is what is
    /// looked for; one that normalizes to other text (spaces, aliases) only fetches for
    /// nothing. Changes nothing.
    pub fn fetch_ahead(&self, next: &Record<'_>, layout: &Layout) {
        for (&col, &cache) in LABEL_COLUMNS.iter().zip(&LABEL_CACHES) {
            if self.caches[cache].repeats() {
                continue;
            }
            if let Some(i) = layout.index(col) {
                self.interner.fetch_ahead(next.bytes(i).trim_ascii());
            }
        }
    }

    /// True when the value `sym` is a totals label; decided once per distinct value.
    #[inline]
    fn is_label(&mut self, sym: Sym) -> bool {
        match self.labels.get(sym as usize) {
            Some(&label) => label,
            None => self.judge_new_values(sym),
        }
    }

    /// Decides for every value interned since the last time whether it is a totals label, and
    /// answers for `sym`.
    #[cold]
    fn judge_new_values(&mut self, sym: Sym) -> bool {
        for s in self.labels.len()..self.interner.len() {
            // The first bytes rule out almost every value (a ledger of millions of distinct
            // units pays next to nothing); the full test sees the few that could be a label.
            let text = self.interner.get(s as Sym);
            let label = may_be_totals_label(text.as_bytes()) && is_totals_label(text);
            self.labels.push(label);
        }
        self.labels.get(sym as usize).copied().unwrap_or(false)
    }

    fn text(&mut self, cache: usize, raw: &[u8]) -> Sym {
        let interner = &mut self.interner;
        // Aliases apply once per distinct raw value, when it is first normalized.
        let aliases = &self.aliases;
        let dim = match cache {
            C_MODEL => Dim::Model,
            C_UNIT => Dim::Unit,
            C_AREA => Dim::Area,
            C_FIELD => Dim::Field,
            _ => Dim::Source,
        };
        match cache {
            // Most rows say nothing or `VND`: skip the lookup.
            C_MEASURE if raw.trim_ascii().is_empty() || raw == b"VND" => self.vnd,
            C_MEASURE => self.caches[cache].sym(raw, interner, canonical_measure),
            C_AREA => {
                self.caches[cache].sym(raw, interner, |s| aliases.apply(dim, normalize_area(s)))
            }
            _ => self.caches[cache].sym(raw, interner, |s| aliases.apply(dim, normalize(s))),
        }
    }

    /// The registry entry for a model symbol: `Some(None)` when the registry lacks it, `None` when
    /// no registry was given (models are then free text).
    fn model(&mut self, sym: Sym) -> Option<Option<ModelSyms>> {
        let registry = self.registry.clone()?;
        if let Some(found) = self.models.get(&sym) {
            return Some(*found);
        }
        let found = registry.find(self.interner.get(sym)).map(|m| ModelSyms {
            id: self.interner.intern(&m.id),
            unit: self.interner.intern(&m.unit),
            area: self.interner.intern(&m.area),
            field: self.interner.intern(&m.field),
        });
        self.models.insert(sym, found);
        Some(found)
    }

    /// Multiplies an amount by its column's scale, or says why the row cannot be scaled: the
    /// cell has a unit of its own, the row counts something other than money, or the product
    /// leaves the exact range.
    fn scale_amount(
        &self,
        amount: &mut super::number::Amount,
        factor: Decimal,
        cell: &[u8],
        measure: Sym,
        layout: &Layout,
        problems: &mut Vec<(String, Kind)>,
    ) {
        let text = || String::from_utf8_lossy(cell).into_owned();
        let unit = || layout.unit.clone().unwrap_or_default();
        let column = layout.name(Col::Amount);
        if has_own_unit(cell) {
            problems.push((
                column,
                Kind::OwnUnitInScaledColumn {
                    text: text(),
                    unit: unit(),
                },
            ));
        } else if measure != self.vnd {
            problems.push((
                column,
                Kind::ScaledNotMoney {
                    measure: self.interner.get(measure).to_string(),
                    unit: unit(),
                },
            ));
        } else {
            match scale_reading(amount.reading, factor) {
                Some(r) => amount.reading = r,
                None => problems.push((
                    column,
                    Kind::Amount(super::number::NumberError::TooLarge(text())),
                )),
            }
        }
    }

    /// Reads one record.
    pub fn read(&mut self, rec: &Record<'_>, layout: &Layout) -> Outcome {
        if rec.is_blank() {
            return Outcome::Blank;
        }
        if rec.unclosed_quote() {
            return Outcome::Invalid(vec![("row".to_string(), Kind::UnclosedQuote)]);
        }
        let width = layout.columns.width();
        if rec.len() != width {
            return Outcome::Invalid(vec![(
                "row".to_string(),
                Kind::FieldCount {
                    found: rec.len(),
                    expected: width,
                },
            )]);
        }
        let cell = |col: Col| layout.index(col).map_or(&b""[..], |i| rec.bytes(i));
        let text = |col: Col| layout.index(col).map_or("", |i| rec.text(i));

        let date_cell = cell(Col::Date);
        let mut problems = Vec::new();
        let mut serial = None;
        let date = match parse_date_bytes(date_cell).map_err(|e| (excel_serial(text(Col::Date)), e))
        {
            Ok(d) => {
                self.text_dates += 1;
                Some(d)
            }
            Err((Some(d), _)) => {
                serial = Some(text(Col::Date).trim().to_string());
                Some(d)
            }
            Err((None, e)) => {
                // A row without a date may be a totals row typed in by hand: say so plainly.
                let date_text = text(Col::Date);
                if (date_text.trim().is_empty() || is_totals_label(date_text))
                    && let Some(word) = (0..rec.len())
                        .map(|i| rec.text(i))
                        .find(|f| is_totals_label(f))
                {
                    return Outcome::Invalid(vec![(
                        layout.name(Col::Date),
                        Kind::TotalsRow {
                            word: normalize(word).into_owned(),
                        },
                    )]);
                }
                problems.push((layout.name(Col::Date), Kind::Date(e)));
                None
            }
        };
        // The text columns, read once. A subtotal typed with a date (`31/03/2025;Cộng tháng 3;…`)
        // names itself in one of them, so columns no report needs are looked at too, but only
        // cells whose first bytes could start a label cost a lookup; the verdict is kept per
        // distinct value.
        let needs = self.needs;
        let wanted = [
            needs.unit,
            needs.area,
            needs.model || self.registry.is_some(),
            needs.field,
            needs.source,
        ];
        let mut texts = [EMPTY; 5];
        for (k, col) in LABEL_COLUMNS.into_iter().enumerate() {
            let raw = cell(col);
            if !(wanted[k] || may_be_totals_label(raw)) {
                continue;
            }
            let sym = self.text(LABEL_CACHES[k], raw);
            if self.is_label(sym) {
                return Outcome::Invalid(vec![(
                    layout.name(col),
                    Kind::TotalsRow {
                        word: self.interner.get(sym).to_string(),
                    },
                )]);
            }
            if wanted[k] {
                texts[k] = sym;
            }
        }
        let [mut unit, mut area, mut model, mut field, source] = texts;
        let amount_cell = cell(Col::Amount).trim_ascii();
        let mut amount = parse_amount_bytes(amount_cell)
            .map_err(|e| problems.push((layout.name(Col::Amount), Kind::Amount(e))))
            .ok();
        let mut measure = self.text(C_MEASURE, cell(Col::Measure));
        if let Some(m) = layout.header_measure
            && measure == self.vnd
            && normalize(text(Col::Measure)).is_empty()
        {
            measure = self.interner.intern(m);
        }
        if let (Some(factor), Some(a)) = (layout.scale, amount.as_mut()) {
            self.scale_amount(a, factor, amount_cell, measure, layout, &mut problems);
            if !problems.is_empty() {
                amount = None;
            }
        }
        if let Some(a) = amount
            && a.currency
            && measure != self.vnd
        {
            problems.push((
                layout.name(Col::Amount),
                Kind::CurrencyNotMeasure {
                    text: text(Col::Amount).trim().to_string(),
                    measure: self.interner.get(measure).to_string(),
                },
            ));
        }

        let mut notes = Vec::new();
        if model != EMPTY {
            match self.model(model) {
                None => {}
                Some(None) => problems.push((
                    layout.name(Col::Model),
                    Kind::UnknownModel {
                        id: self.interner.get(model).to_string(),
                    },
                )),
                Some(Some(m)) => {
                    model = m.id;
                    for (own, theirs, col, on) in [
                        (&mut unit, m.unit, Col::Unit, needs.unit),
                        (&mut field, m.field, Col::Field, needs.field),
                        (&mut area, m.area, Col::Area, needs.area),
                    ] {
                        if !on {
                            continue;
                        }
                        if *own == EMPTY {
                            *own = theirs;
                        } else if needs.check
                            && col != Col::Area
                            && *own != theirs
                            && theirs != EMPTY
                        {
                            notes.push((
                                layout.name(col),
                                Kind::DiffersFromModel {
                                    value: self.interner.get(*own).to_string(),
                                    model: self.interner.get(m.id).to_string(),
                                    column: col,
                                    theirs: self.interner.get(theirs).to_string(),
                                },
                            ));
                        }
                    }
                }
            }
        }

        let (Some(date), Some(amount)) = (date, amount) else {
            return Outcome::Invalid(problems);
        };
        if !problems.is_empty() {
            return Outcome::Invalid(problems);
        }
        let mut row = Contribution {
            date,
            amount: Decimal::ZERO,
            measure,
            model,
            unit,
            area,
            field,
            source,
        };
        let mut evidence = None;
        let mut pending_amount = None;
        match (amount.reading, layout.forced) {
            (Reading::Exact { value, evidence: e }, _) => {
                row.amount = value;
                evidence = e;
                // A float leaking from a spreadsheet has 16 or more digits: short cells skip it.
                if needs.check
                    && amount_cell.len() >= 17
                    && let Some(meant) = crate::domain::amount::float_artifact(value)
                {
                    notes.push((
                        layout.name(Col::Amount),
                        Kind::FloatArtifact {
                            text: text(Col::Amount).trim().to_string(),
                            meant,
                        },
                    ));
                }
            }
            (reading @ Reading::Ambiguous { .. }, Some(c)) => {
                row.amount = reading.settle(Some(c)).unwrap_or_default();
            }
            (reading, None) => {
                pending_amount = Some((reading, text(Col::Amount).trim().to_string()));
            }
        }
        if pending_amount.is_none() && serial.is_none() {
            Outcome::Valid {
                row,
                evidence,
                notes,
            }
        } else {
            Outcome::Pending {
                row,
                evidence,
                notes,
                amount: pending_amount,
                serial,
            }
        }
    }

    /// How many rows read so far had a date written as text (not a serial number), since the
    /// last call.
    pub fn take_text_dates(&mut self) -> u64 {
        std::mem::take(&mut self.text_dates)
    }
}

/// Whole cells that label a totals row, case-folded: the sums clerks type under their rows.
/// The forms without accents are whole cells only (`Tong cong`): with more words after them they
/// are too close to real names written without accents (`Tong cong ty…` is `Tổng công ty…`).
const TOTALS_LABELS: &[&str] = &[
    "tổng",
    "tổng cộng",
    "tổng số",
    "cộng",
    "cộng dồn",
    "lũy kế",
    "luỹ kế",
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub-total",
    "sub total",
    "sum",
    "tong",
    "tong cong",
    "tong so",
    "cong",
    "cong don",
    "luy ke",
];

/// Words that, after `Cộng` or `Tổng`, make the cell a totals label whatever follows: a period
/// (`Cộng tháng 3`, `Cộng quý I`, `Tổng năm 2024`), a running total (`Cộng dồn`, `Cộng lũy kế`,
/// `Cộng chuyển sang trang sau`, `Cộng phát sinh`), or `Tổng cộng …`, `Tổng số …`. Any other
/// word makes a name: `Cộng Hòa` is a ward, `Cộng đồng dân cư` a unit, `Tổng công ty …` a business.
const AFTER_SUM_WORD: &[&str] = &[
    "cộng", "số", "tháng", "quý", "năm", "kỳ", "đợt", "tuần", "dồn", "lũy", "luỹ", "phát",
    "chuyển", "trang", "cả",
];

/// True when a whole cell labels a totals row (`Tổng cộng`, `Cộng tháng 3`, `Lũy kế từ đầu năm`,
/// `Subtotal`…); never for a cell that only contains such a word (`Cộng Hòa`).
pub fn is_totals_label(cell: &str) -> bool {
    let folded = fold_case(cell);
    let label = folded.trim_end_matches([':', '.']).trim_end();
    if TOTALS_LABELS.contains(&label) {
        return true;
    }
    let mut words = label.split(' ');
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    match first {
        // `Cộng: quý I`, `Tổng: 2024`: with a colon the label goes on with anything.
        "cộng:" | "tổng:" | "total:" | "subtotal:" => true,
        "cộng" | "tổng" => AFTER_SUM_WORD.contains(&second),
        "lũy" | "luỹ" => second == "kế",
        "total" | "subtotal" | "sub-total" => true,
        "grand" | "sub" => second == "total",
        _ => false,
    }
}

/// False when `raw` (a cell's bytes as written) cannot be a totals label, decided from its first
/// bytes so that it costs next to nothing. Every label, once trimmed, composed and
/// lower-cased, starts with `co`/`cộ`, `to`/`tổ`, `lu`/`lũ`, `su` or `gr` (`Cộng`, `Tổng`,
/// `Total`, `Lũy kế`, `Sum`, `Subtotal`, `Grand total`, and the unaccented `Cong`, `Tong`). The
/// accented vowel may be written precomposed or partly (`ộ`, `ô` or `ọ` and a mark, or `o` and
/// marks), so after `c` or `t` the second byte is `o` or the first byte of `ô` (0xC3) or of `ọ`,
/// `ộ`, `ỏ`, `ổ` (0xE1); after `l`, `u` or that of `ũ` (0xC5). A cell starting with white space
/// (ASCII or Unicode) may be anything: true.
#[inline]
pub fn may_be_totals_label(raw: &[u8]) -> bool {
    let [a, b, ref rest @ ..] = *raw else {
        return false;
    };
    // A third byte rules out the accented letters that share a first byte with `ô`, `ộ`, `ũ`
    // (`Tân`, `Cừ`): after `c` or `t`, 0xC3 must be `ô`/`Ô` and 0xE1 one of `ọ`…`ổ` (0xE1 0xBB);
    // after `l`, 0xC5 must be `ũ`/`Ũ`.
    let third = rest.first().copied().unwrap_or(0);
    may_start_totals_label(a, b)
        && match (LABEL_FIRST[a as usize], b) {
            (C_OR_T, 0xC3) => matches!(third, 0xB4 | 0x94),
            (C_OR_T, 0xE1) => third == 0xBB,
            (L, 0xC5) => matches!(third, 0xA8 | 0xA9),
            _ => true,
        }
}

/// [`may_be_totals_label`] from the first two bytes of a cell at least two bytes long (what
/// [`any_may_be_totals_label`] tests, with the same tables).
#[inline(always)]
fn may_start_totals_label(a: u8, b: u8) -> bool {
    LABEL_FIRST[a as usize] & LABEL_SECOND[b as usize] != 0
}

/// True when one of `fields` of `rec` may hold a totals label (by [`may_be_totals_label`]'s
/// first two bytes): the fast lane's look at the columns a run does not read, on every row.
#[inline]
pub fn any_may_be_totals_label(rec: &Record<'_>, fields: &[u32]) -> bool {
    rec.starts(fields, &LABEL_FIRST, &LABEL_SECOND) != 0
}

const C_OR_T: u8 = 1;
const L: u8 = 2;
const S: u8 = 4;
const G: u8 = 8;
/// After a first byte 0xE1: only 0x9A (U+1680, a white space) may start a label's cell; the
/// letters 0xE1 starts (`Ủ`) start none.
const E1: u8 = 16;
/// White space first: whatever follows.
const SPACE: u8 = 0xFF;

/// Per first byte, which second bytes may follow in a label (bits matched against
/// [`LABEL_SECOND`]). White space is ASCII's, or starts with 0xC2 (U+0085, U+00A0), 0xE2
/// (U+2000–U+205F) or 0xE3 (U+3000).
static LABEL_FIRST: [u8; 256] = {
    let mut t = [0u8; 256];
    let firsts: [(u8, u8); 15] = [
        (b'C', C_OR_T),
        (b'T', C_OR_T),
        (b'L', L),
        (b'S', S),
        (b'G', G),
        (b'\t', SPACE),
        (b'\n', SPACE),
        (0x0B, SPACE),
        (0x0C, SPACE),
        (b'\r', SPACE),
        (b' ', SPACE),
        (0xC2, SPACE),
        (0xE2, SPACE),
        (0xE3, SPACE),
        (0xE1, E1),
    ];
    let mut i = 0;
    while i < firsts.len() {
        let (byte, class) = firsts[i];
        t[byte as usize] = class;
        if byte.is_ascii_uppercase() {
            t[byte.to_ascii_lowercase() as usize] = class;
        }
        i += 1;
    }
    t
};

/// Per second byte, the first bytes it may follow in a label (bits of [`LABEL_FIRST`]); every
/// byte may follow white space.
static LABEL_SECOND: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let seconds: [(u8, u8); 10] = [
        (b'o', C_OR_T),
        (b'O', C_OR_T),
        (0xC3, C_OR_T),
        (0xE1, C_OR_T),
        (b'u', L | S),
        (b'U', L | S),
        (0xC5, L),
        (b'r', G),
        (b'R', G),
        (0x9A, E1),
    ];
    let mut i = 0;
    while i < seconds.len() {
        t[seconds[i].0 as usize] |= seconds[i].1;
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::LEDGER_COLUMNS;

    fn read(r: &mut RowReader, fields: &[&str], l: &Layout) -> Outcome {
        let line = fields
            .iter()
            .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(",");
        let chunk = crate::ledger::chunk::Chunk {
            data: format!("{line}\n").into_bytes(),
            first_line: 2,
        };
        let mut out = None;
        crate::ledger::record::for_each_record(&chunk, b',', "t.csv", |rec, _| {
            out = Some(r.read(rec, l));
            Ok(())
        })
        .unwrap();
        out.unwrap()
    }

    fn layout(header: &[&str]) -> Layout {
        let cells: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        Layout::new(
            Arc::from("t.csv"),
            0,
            HeaderMap::build(&cells, LEDGER_COLUMNS).unwrap(),
            None,
        )
    }

    #[test]
    fn valid_row_is_normalized() {
        let l = layout(&["Ngày", "Số tiền", "Đơn vị", "ĐVT"]);
        let mut r = RowReader::new(None, Needs::ALL, Default::default());
        match read(
            &mut r,
            &["15/03/2024", "106,8 triệu", "  Hội  Phụ nữ ", "VNĐ"],
            &l,
        ) {
            Outcome::Valid { row, evidence, .. } => {
                assert_eq!(row.amount, Decimal::from(106_800_000));
                assert_eq!(r.interner.get(row.unit), "Hội Phụ nữ");
                assert_eq!(r.interner.get(row.measure), "VND");
                assert_eq!(evidence, Some(Convention::Vi));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalid_rows_say_why() {
        let l = layout(&["date", "amount", "unit"]);
        let mut r = RowReader::new(None, Needs::ALL, Default::default());
        assert_eq!(read(&mut r, &["", " ", ""], &l), Outcome::Blank);
        let Outcome::Invalid(p) = read(&mut r, &["", "1.000.000", "Tổng cộng"], &l) else {
            panic!()
        };
        assert_eq!(
            p[0].1,
            Kind::TotalsRow {
                word: "Tổng cộng".into()
            }
        );
        let Outcome::Invalid(p) = read(&mut r, &["31/02/2024", "x", "A"], &l) else {
            panic!()
        };
        assert_eq!(p.len(), 2);
        let Outcome::Invalid(p) = read(&mut r, &["1/1/2024", "5"], &l) else {
            panic!()
        };
        assert_eq!(p[0].0, "row");
        assert!(matches!(
            read(&mut r, &["1/1/2024", "1.200", "A"], &l),
            Outcome::Pending {
                amount: Some(_),
                serial: None,
                ..
            }
        ));
    }

    /// The byte test never turns a label away: every label the tables make, in every case,
    /// composed or decomposed, after any white space, passes it, and so does its record in the
    /// fast lane's test of a row (`any_may_be_totals_label`), quoted or not.
    #[test]
    fn every_label_passes_the_byte_tests() {
        use unicode_normalization::UnicodeNormalization;
        let mut labels: Vec<String> = TOTALS_LABELS.iter().map(|s| s.to_string()).collect();
        for head in ["cộng", "tổng"] {
            for word in AFTER_SUM_WORD {
                labels.push(format!("{head} {word} 3"));
            }
            labels.push(format!("{head}: quý I"));
        }
        labels.extend(
            [
                "lũy kế từ đầu năm",
                "luỹ kế",
                "total 2024",
                "subtotal x",
                "sub total",
            ]
            .map(String::from),
        );
        let mut n = 0;
        for label in &labels {
            assert!(is_totals_label(label), "{label}");
            let upper = label.to_uppercase();
            let title: String = label
                .char_indices()
                .map(|(i, c)| {
                    if i == 0 {
                        c.to_uppercase().collect()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            for form in [label.clone(), upper, title] {
                for text in [
                    form.nfc().collect::<String>(),
                    form.nfd().collect(),
                    form.clone(),
                ] {
                    for lead in ["", " ", "\t", "\u{a0}", "\u{3000}", "\u{1680}"] {
                        let cell = format!("{lead}{text}");
                        assert!(is_totals_label(&cell), "{cell:?}");
                        assert!(may_be_totals_label(cell.as_bytes()), "{cell:?}");
                        for quoted in [false, true] {
                            let field = if quoted {
                                format!("\"{cell}\"")
                            } else {
                                cell.clone()
                            };
                            let line = format!("x,{field},y\n");
                            let chunk = crate::ledger::chunk::Chunk {
                                data: line.into_bytes(),
                                first_line: 2,
                            };
                            crate::ledger::record::for_each_record(&chunk, b',', "t", |rec, _| {
                                assert!(any_may_be_totals_label(rec, &[1]), "{field:?}");
                                Ok(())
                            })
                            .unwrap();
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 1000, "{n}");
    }

    /// The fast lane's row test looks at the fields it is given, and only at their starts.
    #[test]
    fn the_row_test_looks_at_the_given_fields() {
        let line = b"Cong,Nhan dan,C,,Tong cong ty\n".to_vec();
        let chunk = crate::ledger::chunk::Chunk {
            data: line,
            first_line: 2,
        };
        crate::ledger::record::for_each_record(&chunk, b',', "t", |rec, _| {
            assert!(any_may_be_totals_label(rec, &[0]));
            assert!(!any_may_be_totals_label(rec, &[1]));
            // A one-letter field and an empty one start no label.
            assert!(!any_may_be_totals_label(rec, &[2, 3]));
            // The test only reads a start: a name that begins like a label passes it (the
            // fast lane then judges the whole cell).
            assert!(any_may_be_totals_label(rec, &[1, 4]));
            assert!(!any_may_be_totals_label(rec, &[]));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn community_is_not_a_total() {
        assert!(!is_totals_label("Cộng đồng dân cư"));
        assert!(is_totals_label(" TỔNG CỘNG: "));
        assert!(is_totals_label("Total"));
        // Labels that go on after the word: each form on its own.
        assert!(is_totals_label("Tổng cộng năm 2024"));
        assert!(is_totals_label("Total 2024"));
        assert!(is_totals_label("Cộng: quý I"));
        assert!(!is_totals_label("Tổng cộngx"));
        assert!(!is_totals_label("Totally"));
    }

    /// Each label of the issue, whole-cell; names that start like one stay names.
    #[test]
    fn dated_subtotal_labels_and_the_names_that_are_not() {
        use unicode_normalization::UnicodeNormalization;
        let labels = [
            "Cộng tháng 3",
            "Lũy kế từ đầu năm",
            "Luỹ kế đến 31/3",
            "Cộng quý I",
            "Tổng",
            "Cộng",
            "Tổng số",
            "Cộng dồn",
            "Subtotal",
            "Sub-total March",
            "Grand total",
            "CỘNG LŨY KẾ",
            "Cộng chuyển sang trang sau",
            "Cộng phát sinh",
            "Tổng cả năm",
            "Tổng:",
            "Tong cong",
            "Cong",
            "Sum",
        ];
        for label in labels {
            assert!(is_totals_label(label), "{label}");
            let nfd: String = label.nfd().collect();
            assert!(is_totals_label(&nfd), "NFD {label}");
            assert!(may_be_totals_label(label.as_bytes()), "{label}");
            assert!(may_be_totals_label(nfd.as_bytes()), "NFD {label}");
            let spaced = format!("\u{a0} {label}\t");
            assert!(is_totals_label(&spaced) && may_be_totals_label(spaced.as_bytes()));
            let upper = label.to_uppercase();
            assert!(is_totals_label(&upper) && may_be_totals_label(upper.as_bytes()));
        }
        for name in [
            "Cộng Hòa",
            "Phường Cộng Hòa",
            "Cộng đồng dân cư",
            "Cộng tác viên",
            "Tổng công ty Điện lực",
            "Tổng cục Thống kê",
            "Tong cong ty Dien luc",
            "Cong quy",
            "Công quỹ",
            "Tổ dân phố 3",
            "Summer",
            "Lũy tre",
            "Nhân dân",
            "Thôn 1",
        ] {
            assert!(!is_totals_label(name), "{name}");
        }
        // The byte test turns away most names at once, never a label.
        for name in [
            "Cơ quan",
            "Thôn 1",
            "Liên Hòa",
            "Ủy ban MTTQ",
            "Đoàn",
            "QY-2024-001",
            "Sông Khoai",
            "Tân An",
            "Tiền An",
            "Lê Lợi",
            "Lực lượng",
            "Sở Tài chính",
            "Giáo dục",
            "",
            "T",
        ] {
            assert!(!may_be_totals_label(name.as_bytes()), "{name}");
        }
        // A label precomposed another way: `ô` plus a dot below composes to `ộ`.
        let partly = "Co\u{302}\u{323}ng".to_string();
        let other = "C\u{f4}\u{323}ng";
        assert!(is_totals_label(&partly) && may_be_totals_label(partly.as_bytes()));
        assert!(is_totals_label(other) && may_be_totals_label(other.as_bytes()));
    }
}
