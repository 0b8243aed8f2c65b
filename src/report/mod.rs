//! Reports: pure functions from read data and a request to a report value. A report never prints;
//! `render` turns the same value into a table, CSV, JSON or Markdown.

pub mod summary;
