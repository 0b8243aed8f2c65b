//! The command line, as clap derive structs. Each flag is typed where it is parsed (a mistake
//! is a usage error naming the flag, before anything is read); `request` then checks how flags go
//! together. Doc comments here are the `--help` text.

use crate::domain::{DateRange, Dim};
use crate::ledger::number::Convention;
use crate::render::Format;
use crate::report::summary::SortBy;
use crate::select::Filter;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Adds up "dân vận khéo" contribution ledgers exactly, by unit, area, field and period.
#[derive(Debug, Parser)]
#[command(name = "danvan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run, so the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Totals of the contributions, one line per group.
    Summary(SummaryArgs),
    /// Registered models counted by unit, area, field or year, with target, mobilized and % of target.
    Models(ModelsArgs),
    /// Lists every problem in the ledgers and registry; exit 1 when there is one.
    Check(CheckArgs),
    /// Adds up summary CSVs (from `summary --format csv`, same --by) from lower levels, exactly.
    Merge(MergeArgs),
    /// The year-end report (HTML with charts, Markdown, or a workbook) from one read of the ledgers.
    Report(ReportArgs),
}

/// How ledgers are read; the same for every command.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Ledger files (CSV). `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// The model registry (CSV): rows naming a model take its unit, area and field.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,

    #[command(flatten)]
    pub how: ReaderArgs,
}

/// How files are read, whatever they hold; the same for every command that reads ledgers.
#[derive(Debug, Args)]
pub struct ReaderArgs {
    /// Old names mapped onto current ones before grouping and filtering: a CSV with the columns
    /// `dimension,from,to` (e.g. `area,Phường Yên Giang,Yên Giang`).
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,

    /// Column separator: `,`, `;`, `tab` or `|`. Detected from the header line (among `,`,
    /// `;` and tab) when not given.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Text encoding of the files, e.g. `windows-1258` for old Vietnamese office files
    /// (any WHATWG name). UTF-8 when not given.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// How to read numbers that could go either way, like `1.200`: `vi` (1.200 = one thousand
    /// two hundred) or `en` (1.200 = one point two). Detected from each file when not given.
    #[arg(long, value_name = "vi|en", value_parser = parse_number_format)]
    pub number_format: Option<Convention>,

    /// Worker threads for big files (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Chunk size in bytes for the reader (for tests of chunk boundaries).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,

    /// Do not print warnings, the progress bar or the `rows read` line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// Group by these, comma separated: unit, area, field, source, model, year, quarter, month.
    #[arg(long, default_value = "unit", value_name = "DIMS", value_parser = parse_dims)]
    pub by: Dims,

    /// Cut area paths to their first N levels before grouping (1: ward or commune).
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,

    /// Keep rows dated in this period: 2024, 2024-Q3, 2024-11, or 2024-01..2024-06.
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<DateRange>,

    /// Keep rows whose DIM is VALUE (case and spacing ignored; for area, the area and all
    /// below it). Repeat for more: the same DIM twice means either value.
    #[arg(long = "where", value_name = "DIM=VALUE", value_parser = parse_filter)]
    pub filters: Vec<Filter>,

    /// Put the values of this dimension in columns (year, quarter, month, measure, field,
    /// source, unit, area), showing one measure (see --measure).
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub columns: Option<Dim>,

    /// Show areas as their hierarchy, with a subtotal above the places below each (needs
    /// --by area).
    #[arg(long)]
    pub tree: bool,

    /// With --columns year, quarter or month: after each period, the change from the one
    /// before, in value and in percent.
    #[arg(long)]
    pub change: bool,

    #[command(flatten)]
    pub layout: LayoutArgs,

    /// Add up the valid rows and leave the invalid ones out (they are listed as warnings).
    #[arg(long)]
    pub skip_invalid: bool,

    /// Write every rejected row to FILE, with its file, line and reason.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// The model registry (CSV): the models counted, with their targets.
    #[arg(long, value_name = "FILE", required = true)]
    pub models: PathBuf,

    /// Ledger files (CSV) whose rows give what each model mobilized. `-` reads standard input.
    #[arg(value_name = "LEDGER")]
    pub files: Vec<String>,

    #[command(flatten)]
    pub how: ReaderArgs,

    /// Count models by these, comma separated: unit, area, field, year.
    #[arg(long, default_value = "unit", value_name = "DIMS", value_parser = parse_dims)]
    pub by: Dims,

    /// One line per model (id, name, unit, year, target, mobilized, percent) instead of groups.
    #[arg(long)]
    pub list: bool,

    /// With --by area: the area hierarchy, with a subtotal above the places below each.
    #[arg(long)]
    pub tree: bool,

    /// Count contributions dated in this period (and models registered for its years).
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<DateRange>,

    /// Keep models and rows whose DIM is VALUE (as for summary).
    #[arg(long = "where", value_name = "DIM=VALUE", value_parser = parse_filter)]
    pub filters: Vec<Filter>,

    /// table, csv, json, markdown, html or xlsx. Default: the extension of -o, else table.
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Write to FILE (whole or not at all) instead of the screen.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave CSV text as it is (see summary --raw).
    #[arg(long)]
    pub raw: bool,

    /// Count rows with problems out instead of refusing (they are listed as warnings).
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The year the report is for, e.g. 2024. Rows of the year before are read too, to compare
    /// with; rows of other years are counted as filtered.
    #[arg(long, value_name = "YEAR")]
    pub year: i32,

    /// Each model's results that are not money (shares, lengths): a CSV with the columns
    /// `model,indicator,value,unit`, shown model by model, never added up. Needs --models.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,

    /// html, md (markdown) or xlsx. Default: the extension of -o, else markdown.
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Write to FILE (whole or not at all): report.html, report.md or report.xlsx.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Count rows with problems out instead of refusing (they are listed as warnings).
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// Write every rejected row to FILE, with its file, line and reason.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Leave CSV text as it is. By default a text cell starting with =, +, -, @, tab or carriage
    /// return gets a leading ' so a spreadsheet shows it instead of running it as a formula.
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Summary CSV files written by `danvan summary --format csv`, all with the same columns.
    /// `-` reads standard input.
    #[arg(required = true, value_name = "SUMMARY.csv")]
    pub files: Vec<String>,

    /// Accept the same file (or two files with the same content) more than once.
    #[arg(long)]
    pub allow_duplicates: bool,

    /// Old names mapped onto current ones before adding up: a CSV with the columns
    /// `dimension,from,to` (as for summary).
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,

    #[command(flatten)]
    pub layout: LayoutArgs,

    /// Do not print warnings or the `rows read` line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// How a summary is laid out and where it goes; shared by `summary` and `merge`.
#[derive(Debug, Args)]
pub struct LayoutArgs {
    /// The measure --columns shows and --sort total ranks by.
    #[arg(long, default_value = "VND", value_name = "MEASURE")]
    pub measure: String,

    /// Order lines by their key (default) or by total, largest first.
    #[arg(long, default_value = "key", value_name = "key|total", value_parser = parse_sort)]
    pub sort: SortBy,

    /// Show only the first N lines; the rest are added up in one "others" line.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Add each line's share of the grand total, per measure.
    #[arg(long)]
    pub percent: bool,

    /// table, csv, json, markdown, html or xlsx. Default: the extension of -o, else table for
    /// `summary` and csv for `merge`.
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Write to FILE (whole or not at all) instead of the screen.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave CSV text as it is. By default a text cell starting with =, +, -, @, tab or carriage
    /// return gets a leading ' so a spreadsheet shows it instead of running it as a formula.
    #[arg(long)]
    pub raw: bool,
}

/// The dimensions of `--by`, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dims(pub Vec<Dim>);

/// `--format` names.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatName {
    #[value(alias = "txt", alias = "text")]
    Table,
    Csv,
    Json,
    #[value(alias = "md")]
    Markdown,
    #[value(alias = "htm")]
    Html,
    Xlsx,
}

/// `--sort` names.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortName {
    Key,
    Total,
}

/// `--number-format` names.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum NumberFormatName {
    Vi,
    En,
}

/// A flag danvan checks itself, with the message `main` prints after `danvan: ` (naming the flag
/// and what it takes); clap's own wording stays for what clap checks itself (`--top many`).
#[derive(Debug)]
pub struct FlagError(pub String);

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlagError {}

fn parse_format(s: &str) -> Result<Format, FlagError> {
    match FormatName::from_str(s.trim(), true) {
        Ok(FormatName::Table) => Ok(Format::Table),
        Ok(FormatName::Csv) => Ok(Format::Csv),
        Ok(FormatName::Json) => Ok(Format::Json),
        Ok(FormatName::Markdown) => Ok(Format::Markdown),
        Ok(FormatName::Html) => Ok(Format::Html),
        Ok(FormatName::Xlsx) => Ok(Format::Xlsx),
        Err(_) => Err(FlagError(format!(
            "unknown format {:?}; use table, csv, json, markdown, html or xlsx",
            s.trim().to_lowercase()
        ))),
    }
}

fn parse_sort(s: &str) -> Result<SortBy, FlagError> {
    match SortName::from_str(s, false) {
        Ok(SortName::Key) => Ok(SortBy::Key),
        Ok(SortName::Total) => Ok(SortBy::Total),
        Err(_) => Err(FlagError(format!("--sort {s:?}: use key or total"))),
    }
}

fn parse_number_format(s: &str) -> Result<Convention, FlagError> {
    let lower = s.to_lowercase();
    match NumberFormatName::from_str(&lower, false) {
        Ok(NumberFormatName::Vi) => Ok(Convention::Vi),
        Ok(NumberFormatName::En) => Ok(Convention::En),
        Err(_) => Err(FlagError(format!(
            "--number-format {lower:?}: use vi or en"
        ))),
    }
}

fn parse_delimiter(s: &str) -> Result<u8, FlagError> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(FlagError(format!(
            "--delimiter {other:?}: use ',', ';', 'tab' or '|'"
        ))),
    }
}

fn parse_dims(s: &str) -> Result<Dims, FlagError> {
    crate::request::parse_dims(s)
        .map(Dims)
        .map_err(|e| FlagError(e.to_string()))
}

fn parse_dim(s: &str) -> Result<Dim, FlagError> {
    Dim::parse(s).map_err(|e| FlagError(e.to_string()))
}

fn parse_period(s: &str) -> Result<DateRange, FlagError> {
    DateRange::parse(s).map_err(|e| FlagError(e.to_string()))
}

fn parse_filter(s: &str) -> Result<Filter, FlagError> {
    crate::request::parse_filter(s).map_err(|e| FlagError(e.to_string()))
}
