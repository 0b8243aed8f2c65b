//! The notions every stage shares: the dimensions rows are grouped by, periods, the typed values
//! a group key holds, area paths, measures, text folding, and exact addition. Everything may use
//! `domain`; `domain` uses nothing else of danvan, so the pipeline's dependencies run one way:
//! `ledger` → `engine` → `report` → `render`, with `domain` beneath them all.

pub mod amount;
pub mod dim;
pub mod lang;
pub mod measure;
pub mod order;
pub mod period;
pub mod text;
pub mod value;

pub use dim::Dim;
pub use lang::Lang;
pub use period::{DateRange, Period, YEARS};
pub use value::{Key, Value};
