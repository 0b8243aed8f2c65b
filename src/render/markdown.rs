//! Markdown for reports and wikis: the same sheet as the terminal table, numeric columns
//! right-aligned, the total line in bold. Pipes in values are escaped. The year-end report is
//! its sections as headings and tables (charts are left out), for pasting into other documents.

use super::{BLOCK, Lines, in_blocks};
use crate::present::locale::Words;
use crate::present::report::{audit_lines, headline, inputs, notes, results};
use crate::present::{Align, Emphasis, Locale, Presenter, Sheet, emphasis};
use crate::report::table::Table;
use crate::report::yearend::{Part, YearEnd};
use anyhow::Result;
use std::io::Write;

/// Writes `table` a line at a time, so a summary of millions of groups never holds all its
/// text at once: each line is made, written and dropped.
pub fn write(table: &Table, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    write_lines(table, &table.lines, locale, out, BLOCK)
}

/// [`write`] with the lines `lines` in place of the table's own, made into text in blocks of
/// `block` lines on every core.
pub fn write_lines(
    table: &Table,
    lines: &dyn Lines,
    locale: &Locale,
    out: &mut dyn Write,
    block: usize,
) -> Result<()> {
    let p = Presenter::new(table, locale);
    write_head(&p.heads(), &p.align(), out)?;
    in_blocks(lines, out, block, |range, bytes| {
        lines.each_in(range, &mut |line| {
            write_row(&p.cells(line), emphasis(line.kind), bytes)
        })
    })
}

/// Text as Markdown shows it: pipes, backslashes and the marks that start emphasis, links,
/// headings or HTML escaped, and line breaks made spaces, so ledger text stays plain text.
fn esc(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn write_sheet(sheet: &Sheet, out: &mut dyn Write) -> Result<()> {
    write_head(&sheet.heads, &sheet.align, out)?;
    for row in &sheet.rows {
        write_row(&row.cells, row.emphasis, out)?;
    }
    Ok(())
}

/// The heads and the alignment line.
fn write_head(heads: &[String], align: &[Align], out: &mut dyn Write) -> Result<()> {
    line(heads.iter().map(|h| esc(h)), out)?;
    let marks = align.iter().map(|a| match a {
        Align::Right => "---:".to_string(),
        Align::Left => "---".to_string(),
    });
    line(marks, out)
}

/// One line of cells; the grand total's in bold.
fn write_row(cells: &[String], emphasis: Emphasis, out: &mut dyn Write) -> Result<()> {
    let strong = emphasis == Emphasis::Strong;
    line(
        cells.iter().map(|v| match (strong, v.is_empty()) {
            (true, false) => format!("**{}**", esc(v)),
            _ => esc(v),
        }),
        out,
    )
}

fn line(cells: impl Iterator<Item = String>, out: &mut dyn Write) -> Result<()> {
    let cells: Vec<String> = cells.collect();
    writeln!(out, "| {} |", cells.join(" | "))?;
    Ok(())
}

/// The year-end report: a title, then each part as a heading with its table and notes.
pub fn write_report(report: &YearEnd, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "# {}\n\n{}\n",
        esc(&locale.words(&Words::Title { year: report.year })),
        esc(&locale.words(&Words::Subtitle))
    )?;
    let heading = |out: &mut dyn Write, part: Part| -> Result<()> {
        writeln!(out, "## {}\n", esc(&locale.part(report, part)))?;
        Ok(())
    };
    heading(out, Part::Headline)?;
    write_sheet(&headline(report, locale), out)?;
    writeln!(out)?;
    for section in &report.sections {
        heading(out, section.part)?;
        if let Some(table) = &section.table {
            write(table, locale, out)?;
            writeln!(out)?;
        }
        for note in notes(report, &section.notes, locale) {
            writeln!(out, "{}\n", esc(&note))?;
        }
    }
    if let Some(lines) = &report.results {
        heading(out, Part::Results)?;
        write_sheet(&results(lines, locale), out)?;
        writeln!(out)?;
    }
    heading(out, Part::Audit)?;
    for line in audit_lines(report, locale) {
        writeln!(out, "{}\n", esc(&line))?;
    }
    write_sheet(&inputs(&report.audit, locale), out)?;
    writeln!(
        out,
        "\n{}:\n\n```sh\n{}\n```\n\n{}",
        esc(&locale.words(&Words::CommandHead)),
        report.audit.command.replace("```", "` ` `"),
        esc(&locale.words(&Words::Footer {
            version: &report.audit.version
        }))
    )?;
    Ok(())
}
