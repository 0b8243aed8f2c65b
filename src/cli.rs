//! The command line, as clap derive structs. Each flag is typed where it is parsed (a mistake
//! is a usage error naming the flag, before anything is read); `request` then checks how flags go
//! together. Doc comments here are the `--help` text.

use crate::domain::{DateRange, Dim, Lang};
use crate::ledger::number::Convention;
use crate::ledger::{Col, LEDGER_COLUMNS};
use crate::present::Scale;
use crate::render::Format;
use crate::report::summary::SortBy;
use crate::select::Filter;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Adds up "dân vận khéo" contribution ledgers exactly, by unit, area, field and period.
#[derive(Debug, Parser)]
#[command(name = "danvan", version = env!("DANVAN_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Language of tables, messages and errors: vi (tiếng Việt: 481.000.000) or en
    /// (481,000,000). Default: DANVAN_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG);
    /// a locale starting with vi is Vietnamese, anything else English. CSV and JSON are the
    /// same in both.
    #[arg(long, global = true, value_name = "vi|en", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

// Parsed once per run, so the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Totals of the contributions, one line per group.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Summary(SummaryArgs),
    /// Registered models counted by unit, area, field or year, with target, mobilized and % of target.
    #[command(after_help = MODELS_EXAMPLES)]
    Models(ModelsArgs),
    /// Lists every problem in the ledgers and registry; exit 1 when there is one.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Adds up summary CSVs from lower levels (written by `danvan summary --format csv`, all
    /// grouped the same way), exactly.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// The year-end report (HTML with charts, Markdown, or a workbook) from one read of the ledgers.
    Report(ReportArgs),
    /// Prints the completion script for a shell (bash, zsh, fish, powershell, elvish), so the
    /// shell completes danvan's commands and flags with Tab.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Prints danvan's manual page (for `man`).
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

const SUMMARY_EXAMPLES: &str = "\
Examples:
  Totals by unit, as a table:
    danvan summary so-cai.csv --models mo-hinh.csv
  One quarter by area, in Vietnamese, in millions of đồng:
    danvan summary so-cai.csv --models mo-hinh.csv --by area --period 2024-Q3 --lang vi --in million
  The same for Excel (CSV, exact amounts):
    danvan summary so-cai.csv --models mo-hinh.csv --by area --period 2024-Q3 -o tong-hop.csv";

const MODELS_EXAMPLES: &str = "\
Examples:
  Models by unit, with target, mobilized and % of target:
    danvan models --models mo-hinh.csv so-cai.csv
  Model by model, into a Markdown file for the year-end report:
    danvan models --models mo-hinh.csv so-cai.csv --list -o mo-hinh.md";

const CHECK_EXAMPLES: &str = "\
Examples:
  Check a ledger before sending it:
    danvan check so-cai.csv --models mo-hinh.csv
  Put the rows to fix in a file to open in Excel:
    danvan check so-cai.csv --models mo-hinh.csv --rejects can-sua.csv";

const MERGE_EXAMPLES: &str = "\
Examples:
  Each commune sends `danvan summary ... --format csv`; add them up for the town:
    danvan merge xa-a.csv xa-b.csv xa-c.csv -o thi-xa.csv
  The same as a table, in millions of đồng:
    danvan merge xa-a.csv xa-b.csv xa-c.csv --format table --in million";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  bash: danvan completions bash > ~/.local/share/bash-completion/completions/danvan
  zsh:  danvan completions zsh > ~/.zfunc/_danvan   (and fpath+=~/.zfunc in ~/.zshrc)
  fish: danvan completions fish > ~/.config/fish/completions/danvan.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  Read it now:
    danvan man | man -l -
  Install it for `man danvan`:
    mkdir -p ~/.local/share/man/man1 && danvan man > ~/.local/share/man/man1/danvan.1";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// How ledgers are read; the same for every command.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Ledger files (CSV). `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// The model registry (CSV): rows naming a model take its unit, area and field. Default:
    /// DANVAN_MODELS, or `models` in the settings file.
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
    /// `;` and tab) when not given (nor set by DANVAN_DELIMITER or the settings file).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Text encoding of files that are not UTF-8, e.g. `windows-1258` for old Vietnamese office
    /// files (any WHATWG name). A file that is UTF-8 (or has a BOM) is still read as such.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// How to read numbers that could go either way, like `1.200`: `vi` (1.200 = one thousand
    /// two hundred) or `en` (1.200 = one point two). Detected from each file when not given
    /// (nor set by DANVAN_NUMBER_FORMAT or the settings file); a `;`-separated file counts as
    /// `vi` unless its own numbers say otherwise.
    #[arg(long, value_name = "vi|en", value_parser = parse_number_format)]
    pub number_format: Option<Convention>,

    /// The line the ledgers' header is on. Found when not given: the first line, among the
    /// first 50, that names the date and amount columns (title rows above it are skipped).
    #[arg(long, value_name = "N", value_parser = parse_header_row)]
    pub header_row: Option<u64>,

    /// Which header is a column, when danvan does not know its name:
    /// `--column amount="Giá trị quy đổi"`. Repeat for more columns.
    #[arg(long = "column", id = "column", value_name = "COLUMN=HEADER", value_parser = parse_column)]
    pub named_columns: Vec<(Col, String)>,

    /// Worker threads for big files (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Chunk size in bytes for the reader (for tests of chunk boundaries).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,

    /// Do not print warnings, the progress bar or the `rows read` line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Read the same file (or two files with the same content) more than once. Without it,
    /// that is refused: its rows would be counted twice.
    #[arg(long)]
    pub allow_duplicates: bool,
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

    /// Keep rows whose DIM is VALUE (case and spacing ignored, accents too when nothing else
    /// matches; for area, the area and all below it; a period as for --period, or 3/2025).
    /// Repeat for more: the same DIM twice means either value.
    #[arg(long = "where", value_name = "DIM=VALUE", value_parser = parse_filter)]
    pub filters: Vec<Filter>,

    /// Put the values of this dimension in columns (year, quarter, month, measure, field,
    /// source, unit, area, model), showing one measure (see --measure).
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

    /// The measure --columns shows and --sort total ranks by.
    #[arg(long, default_value = "VND", value_name = "MEASURE")]
    pub measure: String,

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

    /// Show money in thousands, millions or billions of đồng, rounded (tables and Markdown
    /// only; CSV and JSON stay exact).
    #[arg(long = "in", value_name = "thousand|million|billion", value_parser = parse_scale)]
    pub scale: Option<Scale>,

    /// Write to FILE (whole or not at all) instead of the screen.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave CSV text as it is (see summary --raw).
    #[arg(long)]
    pub raw: bool,

    /// CSV for Excel: UTF-8 with a BOM, CRLF line ends, and the list separator and decimal mark
    /// of the language (--lang vi: `;` and `,`; en: `,` and `.`), so Excel shows the accents
    /// and sums the numbers. Implies --format csv.
    #[arg(long)]
    pub excel: bool,

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

    /// The measure --sort total ranks by.
    #[arg(long, default_value = "VND", value_name = "MEASURE")]
    pub measure: String,

    #[command(flatten)]
    pub layout: LayoutArgs,

    /// Do not print warnings or the `rows read` line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// How a summary is laid out and where it goes; shared by `summary` and `merge`.
#[derive(Debug, Args)]
pub struct LayoutArgs {
    /// Order lines by their key (default) or by total, largest first.
    #[arg(long, default_value = "key", value_name = "key|total", value_parser = parse_sort)]
    pub sort: SortBy,

    /// Show only the first N lines (N at least 1); the rest are added up in one "others" line.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Add each line's share of the grand total, per measure.
    #[arg(long)]
    pub percent: bool,

    /// Show money in thousands, millions or billions of đồng, rounded (tables and Markdown
    /// only; CSV and JSON stay exact).
    #[arg(long = "in", value_name = "thousand|million|billion", value_parser = parse_scale)]
    pub scale: Option<Scale>,

    /// table, csv, json, markdown, html or xlsx. Default: the extension of -o, else table for
    /// `summary` and csv for `merge`.
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Write to FILE (whole or not at all) instead of the screen. Its extension chooses the
    /// format (.csv, .json, .md, .txt); another one is refused unless --format is given.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave CSV text as it is. By default a text cell starting with =, +, -, @, tab or carriage
    /// return gets a leading ' so a spreadsheet shows it instead of running it as a formula.
    #[arg(long)]
    pub raw: bool,

    /// CSV for Excel: UTF-8 with a BOM, CRLF line ends, and the list separator and decimal mark
    /// of the language (--lang vi: `;` and `,`; en: `,` and `.`), so Excel shows the accents
    /// and sums the numbers. Implies --format csv.
    #[arg(long)]
    pub excel: bool,
}

/// The dimensions of `--by`, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dims(pub Vec<Dim>);

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

/// `--lang` names.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangName {
    Vi,
    En,
}

/// `--in` names, with the Vietnamese words for them.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScaleName {
    #[value(alias = "nghìn", alias = "nghin", alias = "ngàn")]
    Thousand,
    #[value(alias = "triệu", alias = "trieu")]
    Million,
    #[value(alias = "tỷ", alias = "ty", alias = "tỉ")]
    Billion,
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
    Format::named(s).ok_or_else(|| {
        FlagError(format!(
            "unknown format {:?}; use {}",
            s.trim().to_lowercase(),
            Format::names()
        ))
    })
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

fn parse_lang(s: &str) -> Result<Lang, FlagError> {
    let lower = s.trim().to_lowercase();
    match LangName::from_str(&lower, false) {
        Ok(LangName::Vi) => Ok(Lang::Vi),
        Ok(LangName::En) => Ok(Lang::En),
        Err(_) => Err(FlagError(format!(
            "--lang {lower:?}: use vi (tiếng Việt) or en (English)"
        ))),
    }
}

fn parse_scale(s: &str) -> Result<Scale, FlagError> {
    let lower = s.trim().to_lowercase();
    match ScaleName::from_str(&lower, false) {
        Ok(ScaleName::Thousand) => Ok(Scale::Thousand),
        Ok(ScaleName::Million) => Ok(Scale::Million),
        Ok(ScaleName::Billion) => Ok(Scale::Billion),
        Err(_) => Err(FlagError(format!(
            "--in {lower:?}: use thousand, million or billion (nghìn, triệu or tỷ)"
        ))),
    }
}

/// A delimiter by the names `--delimiter` and the settings file take.
pub fn delimiter_named(s: &str) -> Option<u8> {
    match s {
        "," | "comma" => Some(b','),
        ";" | "semicolon" => Some(b';'),
        "tab" | "\\t" | "\t" => Some(b'\t'),
        "|" | "pipe" => Some(b'|'),
        _ => None,
    }
}

fn parse_delimiter(s: &str) -> Result<u8, FlagError> {
    delimiter_named(s)
        .ok_or_else(|| FlagError(format!("--delimiter {s:?}: use ',', ';', 'tab' or '|'")))
}

/// `--column COLUMN=HEADER`: a ledger column by its name (`amount`) or any of its aliases
/// (`số tiền`), and the header text that names it in the files.
fn parse_column(s: &str) -> Result<(Col, String), FlagError> {
    let names: Vec<&str> = LEDGER_COLUMNS.iter().map(|c| c.aliases[0]).collect();
    let usage = || {
        FlagError(format!(
            "--column {s:?}: use COLUMN=HEADER, e.g. amount=\"Giá trị quy đổi\"; COLUMN is \
             one of {}",
            names.join(", ")
        ))
    };
    let (column, header) = s.split_once('=').ok_or_else(usage)?;
    let column = crate::domain::text::fold_case(column);
    let col = LEDGER_COLUMNS
        .iter()
        .find(|c| c.aliases.contains(&column.as_str()))
        .ok_or_else(usage)?
        .key;
    let header = crate::domain::text::normalize(header).into_owned();
    if header.is_empty() {
        return Err(usage());
    }
    Ok((col, header))
}

fn parse_header_row(s: &str) -> Result<u64, FlagError> {
    match s.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(FlagError(format!(
            "--header-row {s:?}: give the line number of the header, 1 or more"
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
