//! danvan adds up "dân vận khéo" contribution ledgers exactly.
//!
//! The pipeline runs one way, and the folders follow it:
//! - `ledger` reads files as clerks really write them (encodings, delimiters, Vietnamese headers
//!   and numbers, day-first dates) and normalizes each record into a `Contribution` or a problem;
//! - `engine` streams chunks of records through worker threads, keeping rows with `select` and
//!   adding them up with `aggregate`, exactly, into groups with typed keys;
//! - a module of `report` turns the groups into a report `Table` (typed data, no text);
//! - `present` lays a table out for people in a locale, and a module of `render` writes it as
//!   bytes in one format (table, Markdown, CSV, JSON), through `output`, atomically.
//!
//! `domain` holds the notions they all share (dimensions, periods, typed values, measures, text
//! folding, exact addition) and depends on nothing else; `problem` the problems found in data.
//! `cli` holds the flags, `config` the defaults a clerk sets once, `request` turns both into
//! checked domain types, and `command` wires one command from flags to output. `ledger` and `engine` never import `report`, `render`,
//! `request` or `command`.

pub mod aggregate;
pub mod check;
pub mod cli;
pub mod command;
pub mod config;
pub mod domain;
pub mod engine;
pub mod identity;
pub mod ledger;
pub mod memory;
pub mod output;
pub mod prefetch;
pub mod present;
pub mod problem;
pub mod progress;
pub mod render;
pub mod report;
pub mod request;
pub mod select;
