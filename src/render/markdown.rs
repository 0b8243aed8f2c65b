//! A Markdown table for reports and wikis: the same grid as the terminal table, numeric columns
//! right-aligned, the total row in bold. Pipes in values are escaped.

use super::grid::grid;
use crate::report::summary::Summary;

pub fn render(s: &Summary) -> String {
    let g = grid(s);
    let esc = |v: &str| v.replace('|', "\\|");
    let mut out = String::new();
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(g.header.iter().map(|h| esc(h)).collect()));
    out.push_str(&line(
        g.numeric
            .iter()
            .map(|&n| {
                if n {
                    "---:".to_string()
                } else {
                    "---".to_string()
                }
            })
            .collect(),
    ));
    for row in &g.rows {
        out.push_str(&line(row.iter().map(|v| esc(v)).collect()));
    }
    out.push_str(&line(
        g.total
            .iter()
            .map(|v| {
                if v.is_empty() {
                    String::new()
                } else {
                    format!("**{}**", esc(v))
                }
            })
            .collect(),
    ));
    out
}
