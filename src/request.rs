//! The request, checked: the typed flags of `cli` put together into what each command does,
//! with every error about how flags combine, before any file is read. The engine, aggregation
//! and reports take the domain types made here, never clap structs; `report` never names a flag.

use crate::aggregate::Grouping;
use crate::cli::{
    LayoutArgs, MergeArgs, ModelsArgs, ReadArgs, ReaderArgs, ReportArgs, SummaryArgs,
};
use crate::config::Settings;
use crate::domain::measure::canonical_measure;
use crate::domain::text::fold_case;
use crate::domain::{DateRange, Dim, Lang};
use crate::ledger::column_name;
use crate::ledger::period::read_period;
use crate::ledger::source::{Source, encoding_for_label, is_stdin};
use crate::ledger::table::ReadOptions;
use crate::present::Scale;
use crate::problem::{Kind, Message, en};
use crate::render::csv::Excel;
use crate::render::{self, Format};
use crate::report::models::ModelsSpec;
use crate::report::summary::SummarySpec;
use crate::select::{self, Filter, Selection};
use anyhow::{Result, anyhow, bail};
use std::path::PathBuf;

/// Parses `unit,area,year`, refusing repeats.
pub fn parse_dims(list: &str) -> Result<Vec<Dim>> {
    let mut dims = Vec::new();
    for part in list.split(',').filter(|p| !p.trim().is_empty()) {
        let d = Dim::parse(part)?;
        if d == Dim::Measure {
            bail!("measure is always part of the grouping; leave it out of --by");
        }
        if dims.contains(&d) {
            bail!("{d} is named twice in --by");
        }
        dims.push(d);
    }
    if dims.is_empty() {
        bail!("--by needs at least one dimension");
    }
    Ok(dims)
}

/// Parses one `--where DIM=VALUE`. A period is read as `--where` readers write it
/// (`month=3/2025`, `month=2025-4`, `quarter=Q1/2025`) into a typed period, or refused.
pub fn parse_filter(arg: &str) -> Result<Filter> {
    let (dim, value) = arg
        .split_once('=')
        .ok_or_else(|| anyhow!("--where takes DIM=VALUE, got {arg:?}"))?;
    let dim = Dim::parse(dim)?;
    if !dim.is_period() {
        return Ok(Filter::text(dim, value));
    }
    match read_period(dim, value) {
        Some(p) => Ok(Filter::period(dim, p)),
        None => {
            let kind = Kind::NotAPeriod {
                dim,
                text: value.trim().to_string(),
            };
            bail!("--where {dim}={}: {}", value.trim(), en::message(&kind))
        }
    }
}

/// Repeated `--where` flags as one filter per dimension: the same dimension twice means either
/// value.
pub fn join_filters(given: &[Filter]) -> Vec<Filter> {
    let mut filters: Vec<Filter> = Vec::new();
    for f in given {
        match filters.iter_mut().find(|g| g.dim == f.dim) {
            Some(g) => {
                g.texts.extend(f.texts.iter().cloned());
                g.periods.extend(f.periods.iter().copied());
            }
            None => filters.push(f.clone()),
        }
    }
    filters
}

/// The most worker threads danvan starts. Each holds a chunk of the file and its own table of
/// groups, so beyond the cores there is nothing to gain, and a mistyped `--threads 100000` must
/// not exhaust the machine.
pub const MAX_THREADS: usize = 256;

/// Refuses standard input named twice (`- -`, `- /dev/stdin`): it can be read only once.
pub fn refuse_stdin_twice<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<()> {
    if args.into_iter().filter(|a| is_stdin(a)).count() > 1 {
        bail!("standard input (-) can be read only once");
    }
    Ok(())
}

/// How the ledgers are read; the same for every command.
pub struct ReadRequest {
    pub sources: Vec<Source>,
    pub options: ReadOptions,
    pub models: Option<PathBuf>,
    pub aliases: Option<PathBuf>,
    pub threads: usize,
    pub quiet: bool,
    /// Notes about the request for standard error (a capped `--threads`).
    pub notes: Vec<Message>,
    /// `--allow-duplicates`: read the same input twice if asked to.
    pub allow_duplicates: bool,
}

/// The flags over the defaults a clerk set once (environment, settings file).
pub fn reading(args: &ReadArgs) -> Result<ReadRequest> {
    read_request(
        &args.files,
        args.models.clone(),
        &args.how,
        &Settings::load()?,
    )
}

/// The reading request of `files` (and the registry `models`, when given) under `args`, over
/// the defaults a clerk set once in `settings`.
pub fn read_request(
    files: &[String],
    models: Option<PathBuf>,
    args: &ReaderArgs,
    settings: &Settings,
) -> Result<ReadRequest> {
    let encoding = args
        .encoding
        .as_deref()
        .map(encoding_for_label)
        .transpose()?;
    let mut notes = Vec::new();
    let threads = match args.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) if n > MAX_THREADS => {
            notes.push(Message::ThreadsCapped {
                asked: n,
                max: MAX_THREADS,
            });
            MAX_THREADS
        }
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS)),
    };
    refuse_stdin_twice(files.iter().map(String::as_str))?;
    if let Some(models) = &models {
        let models = models.to_string_lossy();
        if is_stdin(&models) && files.iter().any(|f| is_stdin(f)) {
            bail!(
                "standard input is given both as --models {models} and as a ledger; it can be \
                 read only once: save one of them to a file"
            );
        }
    }
    for (i, (col, header)) in args.named_columns.iter().enumerate() {
        for (other, text) in &args.named_columns[..i] {
            if other == col {
                bail!("--column {} is given twice", column_name(*col));
            }
            if fold_case(text) == fold_case(header) {
                bail!(
                    "--column: {header:?} is given for both {} and {}",
                    column_name(*other),
                    column_name(*col)
                );
            }
        }
    }
    Ok(ReadRequest {
        sources: files.iter().map(|f| Source::from_arg(f)).collect(),
        options: ReadOptions {
            delimiter: args.delimiter.or(settings.delimiter),
            encoding,
            number_format: args.number_format.or(settings.number_format),
            chunk_bytes: args.chunk_bytes.unwrap_or(0),
            header_row: args.header_row,
            columns: args.named_columns.clone(),
            memo_rows: 0,
        },
        models: models.or_else(|| settings.models.clone()),
        aliases: args.aliases.clone(),
        threads,
        quiet: args.quiet,
        notes,
        allow_duplicates: args.allow_duplicates,
    })
}

/// The output format and, with `--excel`, Excel's CSV in `lang`, the run's language (chosen
/// once, by `present::choose`, from `--lang`, `DANVAN_LANG`, the settings file or the locale). `--excel` is CSV for
/// Excel: it makes CSV the default, and refuses any other format chosen.
fn format_for(
    flag: Option<Format>,
    output: Option<&std::path::Path>,
    default: Format,
    excel: bool,
    lang: Lang,
) -> Result<(Format, Option<Excel>)> {
    if !excel {
        return Ok((Format::choose(flag, output, default)?, None));
    }
    let format = Format::choose(flag, output, Format::Csv)?;
    if format != Format::Csv {
        bail!(
            "--excel writes CSV for Excel; leave out --format, or give --format csv (or an -o \
             name ending in .csv); for a workbook, write -o NAME.xlsx without --excel"
        );
    }
    Ok((format, Some(Excel::of(lang))))
}

/// How a summary table is laid out and written, for `summary` and `merge`.
pub struct Layout {
    pub spec: SummarySpec,
    pub format: Format,
    pub render: render::Options,
    pub output: Option<PathBuf>,
    /// Money shown in thousands, millions or billions (tables and Markdown).
    pub scale: Option<Scale>,
}

fn layout(
    args: &LayoutArgs,
    measure: &str,
    by: Vec<Dim>,
    columns: Option<Dim>,
    default: Format,
    lang: Lang,
) -> Result<Layout> {
    if args.top == Some(0) {
        bail!("--top must be at least 1 (it is how many lines to show)");
    }
    let (format, excel) = format_for(
        args.format,
        args.output.as_deref(),
        default,
        args.excel,
        lang,
    )?;
    Ok(Layout {
        spec: SummarySpec {
            by,
            columns,
            measure: canonical_measure(measure).into_owned(),
            sort: args.sort,
            top: args.top,
            percent: args.percent,
        },
        format,
        render: render::Options {
            raw: args.raw,
            wide: columns.is_some(),
            excel,
        },
        output: args.output.clone(),
        scale: args.scale,
    })
}

/// `summary`, checked.
pub struct SummaryRequest {
    /// How reading groups the rows: what is shown, and (for `--where` on text) the filtered
    /// dimensions, areas uncut, until `select::resolve` settles the filters.
    pub grouping: Grouping,
    /// How the report groups them: the `--by` dimensions and the pivoted one.
    pub shown: Grouping,
    pub selection: Selection,
    pub layout: Layout,
    /// Lines as the area hierarchy with subtotals.
    pub tree: bool,
    /// Change columns after each period column.
    pub change: bool,
}

/// `summary`, checked, in `lang`, the run's language (for `--excel`).
pub fn summary(args: &SummaryArgs, lang: Lang) -> Result<SummaryRequest> {
    let by = args.by.0.clone();
    let mut dims = by.clone();
    if let Some(c) = args.columns {
        if by.contains(&c) {
            bail!("--columns {c} is also in --by; a dimension is either lines or columns");
        }
        if c != Dim::Measure {
            dims.push(c);
        }
    }
    if args.depth == Some(0) {
        bail!("--depth must be at least 1");
    }
    if args.tree {
        check_tree(&by)?;
        if args.layout.top.is_some() || args.layout.sort != crate::report::summary::SortBy::Key {
            bail!(
                "--tree shows every place in the order of the hierarchy; leave out --top and --sort"
            );
        }
    }
    if args.change && !args.columns.is_some_and(|c| c.is_period()) {
        bail!("--change compares periods: add --columns year, quarter or month");
    }
    let selection = Selection {
        period: args.period,
        filters: join_filters(&args.filters),
    };
    let shown = Grouping {
        dims,
        depth: args.depth,
    };
    let grouping = if select::needs_resolving(&selection) {
        Grouping {
            dims: select::keyed_dims(&shown.dims, &selection),
            depth: None,
        }
    } else {
        shown.clone()
    };
    let layout = layout(
        &args.layout,
        &args.measure,
        by,
        args.columns,
        Format::Table,
        lang,
    )?;
    binary_to_terminal(layout.format, layout.output.as_deref())?;
    Ok(SummaryRequest {
        grouping,
        shown,
        selection,
        layout,
        tree: args.tree,
        change: args.change,
    })
}

/// `--tree` is the area hierarchy: it needs `--by area` alone.
fn check_tree(by: &[Dim]) -> Result<()> {
    if by != [Dim::Area] {
        bail!("--tree shows the area hierarchy: use it with --by area");
    }
    Ok(())
}

/// `models`, checked.
pub struct ModelsRequest {
    pub read: ReadRequest,
    pub selection: Selection,
    pub spec: ModelsSpec,
    pub tree: bool,
    pub format: Format,
    pub render: render::Options,
    pub output: Option<PathBuf>,
    pub scale: Option<Scale>,
}

/// `models`, checked, in `lang`, the run's language (for `--excel`).
pub fn models(args: &ModelsArgs, lang: Lang) -> Result<ModelsRequest> {
    let read = read_request(
        &args.files,
        Some(args.models.clone()),
        &args.how,
        &Settings::load()?,
    )?;
    let by = args.by.0.clone();
    if let Some(d) = by
        .iter()
        .find(|d| !matches!(d, Dim::Unit | Dim::Area | Dim::Field | Dim::Year))
    {
        bail!(
            "models are counted by unit, area, field or year, not {d}; write for example --by unit,year"
        );
    }
    if args.tree {
        check_tree(&by)?;
        if args.list {
            bail!("--list shows models one by one; leave out --tree");
        }
    }
    let (format, excel) = format_for(
        args.format,
        args.output.as_deref(),
        Format::Table,
        args.excel,
        lang,
    )?;
    binary_to_terminal(format, args.output.as_deref())?;
    Ok(ModelsRequest {
        read,
        selection: Selection {
            period: args.period,
            filters: join_filters(&args.filters),
        },
        spec: ModelsSpec {
            by,
            list: args.list,
        },
        tree: args.tree,
        format,
        render: render::Options {
            raw: args.raw,
            wide: true,
            excel,
        },
        output: args.output.clone(),
        scale: args.scale,
    })
}

/// `report`, checked.
pub struct ReportRequest {
    pub read: ReadRequest,
    pub year: i32,
    /// Rows of the year and the year before.
    pub selection: Selection,
    pub results: Option<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
}

pub fn report(args: &ReportArgs) -> Result<ReportRequest> {
    let read = reading(&args.read)?;
    let year = args.year;
    let first = crate::domain::YEARS.start() + 1;
    if !(first..=*crate::domain::YEARS.end()).contains(&year) {
        bail!(
            "--year {year}: give a year from {first} to {}",
            crate::domain::YEARS.end()
        );
    }
    if args.results.is_some() && read.models.is_none() {
        bail!("--results names models: give the registry with --models too");
    }
    let format = match (args.format, args.output.as_deref()) {
        (Some(f), _) => f,
        (None, Some(path)) => match Format::choose(None, Some(path), Format::Markdown) {
            Ok(f @ (Format::Html | Format::Markdown | Format::Xlsx)) => f,
            _ => bail!(
                "{}: the report is written as .html, .md or .xlsx; name the file so, or give --format",
                path.display()
            ),
        },
        (None, None) => Format::Markdown,
    };
    if !matches!(format, Format::Html | Format::Markdown | Format::Xlsx) {
        bail!("the report is written as html, md or xlsx, not as a table, CSV or JSON");
    }
    binary_to_terminal(format, args.output.as_deref())?;
    let range = DateRange::parse(&format!("{}..{year}", year - 1))?;
    Ok(ReportRequest {
        read,
        year,
        selection: Selection {
            period: Some(range),
            filters: Vec::new(),
        },
        results: args.results.clone(),
        format,
        output: args.output.clone(),
    })
}

/// A workbook is bytes for a spreadsheet program: written to a file with `-o`, or to standard
/// output only when that is not a terminal (a pipe or a redirection).
pub fn binary_to_terminal(format: Format, output: Option<&std::path::Path>) -> Result<()> {
    use std::io::IsTerminal;
    if format.is_binary() && output.is_none() && std::io::stdout().is_terminal() {
        bail!("a workbook is not for the screen: write it to a file with -o FILE.xlsx");
    }
    Ok(())
}

/// `merge`, checked: the label dimensions come from the files, so only the layout is here.
pub fn merge(args: &MergeArgs, lang: Lang) -> Result<Layout> {
    layout(
        &args.layout,
        &args.measure,
        Vec::new(),
        None,
        Format::Csv,
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let given: Vec<Filter> = ["area=yên giang", "unit=A", "unit=B", "month=3/2025"]
            .iter()
            .map(|a| parse_filter(a).unwrap())
            .collect();
        let f = join_filters(&given);
        assert_eq!(f.len(), 3);
        assert!(f[0].accepts("Yên Giang/Khu 3"));
        assert!(!f[0].accepts("Yên Giang 2"));
        assert!(f[1].accepts("a") && f[1].accepts("b"));
        assert_eq!(f[2].periods, [crate::domain::Period::Month(2025, 3)]);
        assert!(parse_filter("unit").is_err());
        for bad in ["year=abc", "month=2024-13", "quarter=2024-Q5"] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }
}
