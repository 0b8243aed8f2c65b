//! danvan adds up "dân vận khéo" contribution ledgers exactly.
//!
//! The pipeline runs one way: `ledger` reads files as clerks really write them (encodings,
//! delimiters, Vietnamese headers and numbers, day-first dates) and normalizes each record into a
//! `Contribution` or a `Problem`; `engine` streams chunks of records through worker threads;
//! `select` keeps the rows the request asks for; `aggregate` adds them up exactly by group; a
//! module of `report` turns the groups into a report value; a module of `render` prints it as a
//! table, CSV, JSON or Markdown. `spec` holds the checked request, `cli` the flags, and `command`
//! wires one command from flags to output.

pub mod aggregate;
pub mod check;
pub mod cli;
pub mod command;
pub mod engine;
pub mod ledger;
pub mod output;
pub mod problem;
pub mod progress;
pub mod render;
pub mod report;
pub mod select;
pub mod spec;
