//! Reading ledgers: bytes in, normalized [`Contribution`]s (or problems) out.
//!
//! Every command reads through this module, with one set of rules (SPEC §1–§2): `source` opens and
//! decodes, `chunk` cuts whole records, `dialect` finds the delimiter and columns, `text`, `number`,
//! `date` and `measure` read cells, `row` turns one record into a contribution or problems, and
//! `registry` reads the model list rows are joined with. Turning a record into a contribution is a
//! pure function of the record and the file's layout, so chunks can be parsed on any thread.

pub mod aliases;
pub mod chunk;
pub mod date;
pub mod dialect;
pub mod intern;
pub mod number;
pub mod pacing;
pub mod period;
pub mod quotes;
pub mod record;
pub mod registry;
pub mod results;
pub mod row;
pub mod source;
pub mod table;

use crate::domain::Dim;
use chrono::NaiveDate;
use dialect::ColumnSpec;
use intern::Sym;
use rust_decimal::Decimal;

/// One contribution received for a model, normalized. Text values are symbols of the reading
/// thread's interner; `EMPTY` where the ledger (and the model) says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub measure: Sym,
    pub model: Sym,
    pub unit: Sym,
    pub area: Sym,
    pub field: Sym,
    pub source: Sym,
}

impl Contribution {
    /// The value of a text dimension on this row (`EMPTY` for a period dimension).
    pub fn text_sym(&self, dim: Dim) -> Sym {
        match dim {
            Dim::Unit => self.unit,
            Dim::Area => self.area,
            Dim::Field => self.field,
            Dim::Source => self.source,
            Dim::Model => self.model,
            Dim::Measure => self.measure,
            Dim::Year | Dim::Quarter | Dim::Month | Dim::Name => 0,
        }
    }
}

/// The columns a contribution ledger may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Date,
    Amount,
    Measure,
    Model,
    Unit,
    Area,
    Field,
    Source,
    Note,
}

impl Col {
    /// Every column but the note, in the order of their numbers: what a row says, as against
    /// what is said about it.
    pub const CONTENT: [Col; 8] = [
        Col::Date,
        Col::Amount,
        Col::Measure,
        Col::Model,
        Col::Unit,
        Col::Area,
        Col::Field,
        Col::Source,
    ];
}

/// Header spellings for each ledger column (SPEC §1), compared after trim, NFC and lower-casing
/// (and without a unit in brackets). `STT` and other row numbers are recognised apart
/// ([`dialect::ROW_NUMBER_HEADERS`]) and left out.
pub const LEDGER_COLUMNS: &[ColumnSpec<Col>] = &[
    ColumnSpec {
        key: Col::Date,
        required: true,
        aliases: &[
            "date",
            "ngày",
            "ngày đóng góp",
            "ngày nhận",
            "ngày tháng",
            "ngày tháng năm",
            "ngày nộp",
        ],
    },
    ColumnSpec {
        key: Col::Amount,
        required: true,
        aliases: &[
            "amount",
            "số tiền",
            "giá trị",
            "số lượng",
            "value",
            "thành tiền",
            "kinh phí",
            "tổng tiền",
            "số tiền đóng góp",
        ],
    },
    ColumnSpec {
        key: Col::Measure,
        required: false,
        aliases: &["measure", "đvt", "đơn vị tính", "unit of measure"],
    },
    ColumnSpec {
        key: Col::Model,
        required: false,
        aliases: &["model", "mã mô hình", "model id", "model_id"],
    },
    ColumnSpec {
        key: Col::Unit,
        required: false,
        aliases: &["unit", "đơn vị", "đơn vị thực hiện", "tên đơn vị"],
    },
    ColumnSpec {
        key: Col::Area,
        required: false,
        aliases: &["area", "địa bàn"],
    },
    ColumnSpec {
        key: Col::Field,
        required: false,
        aliases: &["field", "lĩnh vực"],
    },
    ColumnSpec {
        key: Col::Source,
        required: false,
        aliases: &["source", "nguồn", "nguồn đóng góp"],
    },
    ColumnSpec {
        key: Col::Note,
        required: false,
        aliases: &["note", "ghi chú"],
    },
];

/// The canonical (English) name of a ledger column, for messages.
pub fn column_name(col: Col) -> &'static str {
    LEDGER_COLUMNS
        .iter()
        .find(|s| s.key == col)
        .map_or("?", |s| s.aliases[0])
}

/// Whole-run limits on what one record may be, so hostile files end in an error, not in
/// exhausted memory.
pub const MAX_RECORD_BYTES: usize = 64 << 20;
