//! The area tree: a table by area turned into the locality hierarchy, with a subtotal line above
//! the children of every place that has any (`Yên Giang` above `Yên Giang/Khu 1`). Rows booked on
//! a place that also has children (a ward's own rows beside its neighbourhoods') are shown as a
//! `Direct` line among the children, so every subtotal is exactly the sum of the lines just below
//! it. Derived cells (shares, progress) are computed again for the new lines.

use super::derive::{add_cells, derive, is_additive};
use super::table::{Cell, Kind, Line, Table};
use crate::domain::order::{TextOrder, sort_texts};
use crate::domain::{Dim, Value};
use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// One place in the tree.
#[derive(Default)]
struct Node {
    /// The cells of rows booked on this place itself.
    own: Option<Vec<Cell>>,
    /// Paths of the places just below.
    children: Vec<String>,
}

/// `flat`, a table whose label is one area path, as a tree. Its others line (if any) and total
/// line are kept as they are, after the tree.
pub fn tree(flat: Table, order: &dyn TextOrder) -> Result<Table> {
    if flat.dims != [Dim::Area] {
        bail!("internal error: a tree needs a table by area alone");
    }
    let width = flat.columns.len();
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut empty: Option<Line> = None;
    let mut tail: Vec<Line> = Vec::new();
    for line in flat.lines {
        let path = match (line.kind, line.label.first()) {
            (Kind::Body, Some(Value::Area(path))) if !path.is_empty() => path.clone(),
            (Kind::Body, _) => {
                empty = Some(line);
                continue;
            }
            _ => {
                tail.push(line);
                continue;
            }
        };
        nodes.entry(path.clone()).or_default().own = Some(line.cells);
        // Every ancestor exists, and knows this child.
        let mut child = path;
        while let Some((parent, _)) = child.rsplit_once('/') {
            let parent = parent.to_string();
            let node = nodes.entry(parent.clone()).or_default();
            if !node.children.contains(&child) {
                node.children.push(child);
            }
            child = parent;
        }
    }
    let additive: Vec<bool> = flat.columns.iter().map(is_additive).collect();
    let mut roots: Vec<String> = nodes.keys().filter(|p| !p.contains('/')).cloned().collect();
    sort_texts(order, &mut roots);
    for node in nodes.values_mut() {
        sort_texts(order, &mut node.children);
    }
    let mut lines = Vec::new();
    for root in &roots {
        emit(root, &nodes, &additive, width, &mut lines)?;
    }
    if let Some(line) = empty {
        lines.push(line);
    }
    lines.extend(tail);
    let mut table = Table {
        lines,
        tree: true,
        ..flat
    };
    derive(&mut table)?;
    Ok(table)
}

/// Pushes the lines of `path` and everything below it; returns the sum of its additive cells.
fn emit(
    path: &str,
    nodes: &BTreeMap<String, Node>,
    additive: &[bool],
    width: usize,
    out: &mut Vec<Line>,
) -> Result<Vec<Cell>> {
    let node = &nodes[path];
    let label = vec![Value::Area(path.to_string())];
    let keep_additive = |cells: &[Cell]| -> Vec<Cell> {
        cells
            .iter()
            .zip(additive)
            .map(|(&c, &a)| if a { c } else { Cell::Empty })
            .collect()
    };
    if node.children.is_empty() {
        let cells = node.own.clone().unwrap_or_else(|| vec![Cell::Empty; width]);
        out.push(Line {
            kind: Kind::Body,
            label,
            cells: cells.clone(),
        });
        return Ok(keep_additive(&cells));
    }
    let at = out.len();
    out.push(Line {
        kind: Kind::Subtotal,
        label: label.clone(),
        cells: Vec::new(),
    });
    let mut sum = vec![Cell::Empty; width];
    if let Some(own) = &node.own {
        out.push(Line {
            kind: Kind::Direct,
            label,
            cells: own.clone(),
        });
        sum = keep_additive(own);
    }
    for child in &node.children {
        let below = emit(child, nodes, additive, width, out)?;
        for (s, b) in sum.iter_mut().zip(below) {
            *s = add_cells(*s, b)?;
        }
    }
    out[at].cells = sum.clone();
    Ok(sum)
}
