//! What a group key holds: one typed value per dimension, then the measure. Values stay typed
//! until a writer prints them, so periods sort as time, an area keeps its path (and so its depth
//! and parent), and no stage re-reads text another stage printed.

use super::dim::Dim;
use super::period::Period;
use std::fmt;

/// One dimension's value in a group key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A unit, field, source or model, normalized; empty when the ledger says nothing.
    Text(String),
    /// A year, quarter or month.
    Period(Period),
    /// An area path, levels joined by `/` (`Yên Giang/Khu 1`); empty when unknown.
    Area(String),
}

impl Value {
    /// The value of dimension `dim` given as text (a period as [`Period`] prints it). A period
    /// that does not read as one stays text, so nothing is lost.
    pub fn of_text(dim: Dim, text: String) -> Value {
        match dim {
            Dim::Area => Value::Area(text),
            d if d.is_period() => match Period::parse(d, &text) {
                Some(p) => Value::Period(p),
                None => Value::Text(text),
            },
            _ => Value::Text(text),
        }
    }

    /// Whether the ledger gave no value (never true of a period).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Text(t) | Value::Area(t) => t.is_empty(),
            Value::Period(_) => false,
        }
    }

    /// How deep an area path is (`Yên Giang` 1, `Yên Giang/Khu 1` 2); 0 for other values.
    pub fn depth(&self) -> usize {
        match self {
            Value::Area(path) if !path.is_empty() => path.split('/').count(),
            _ => 0,
        }
    }
}

impl fmt::Display for Value {
    /// The machine form: text as it is, periods as `2024-Q3`, areas as their path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(t) | Value::Area(t) => f.write_str(t),
            Value::Period(p) => write!(f, "{p}"),
        }
    }
}

/// A group: one value per grouping dimension, in order, and the measure its amounts are in.
/// Ordered by values, then measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub values: Vec<Value>,
    pub measure: String,
}
