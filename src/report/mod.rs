//! Reports: pure functions from grouped totals and a request to a [`table::Table`]. A report
//! never prints and never names a flag; `present` and `render` turn the same table into every
//! format. A new report is a new module here.

pub mod change;
pub mod derive;
pub mod long;
pub mod models;
pub mod summary;
pub mod table;
pub mod tree;
pub mod variants;
pub mod yearend;
