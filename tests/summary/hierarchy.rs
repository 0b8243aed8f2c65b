//! Part of tests/summary.rs: the area tree (`--tree`), change between periods (`--change`) and
//! renamed places (`--aliases`), end to end through the binary, with whole outputs; and the
//! property that every tree subtotal is the sum of the lines just below it.

use crate::common::generated::{ledger, row};
use crate::common::{Work, sample};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Rows on a ward, two of its neighbourhoods (one spelled in lower case), a commune, a renamed
/// ward, and no area at all.
const PLACES: &str = "date,amount,area,unit\n\
    2024-01-05,100,Yên Giang,A\n\
    2024-02-05,40,Yên Giang/Khu 1,A\n\
    2024-03-05,60,Yên Giang/Khu 2,B\n\
    2025-01-05,30,Phường Yên Giang/Khu 1,B\n\
    2025-02-05,7,Liên Hòa/Thôn 1,A\n\
    2024-02-07,5,,A\n";

const ALIASES: &str = "dimension,from,to\narea,phường yên giang,Yên Giang\n";

fn places() -> Work {
    let w = Work::new();
    w.file("t.csv", PLACES).file("a.csv", ALIASES);
    w
}

#[test]
fn tree_puts_a_subtotal_above_the_places_below_and_a_direct_line_for_a_places_own_rows() {
    let w = places();
    let r = w.run(&["summary", "t.csv", "--by", "area", "--tree"]);
    assert_eq!(
        r.ok(),
        "\
┌──────────────────────┬─────┬──────┐
│ area                 ┆ VND ┆ rows │
╞══════════════════════╪═════╪══════╡
│ Liên Hòa             ┆   7 ┆    1 │
│   Thôn 1             ┆   7 ┆    1 │
│ Phường Yên Giang     ┆  30 ┆    1 │
│   Khu 1              ┆  30 ┆    1 │
│ Yên Giang            ┆ 200 ┆    3 │
│   Yên Giang (direct) ┆ 100 ┆    1 │
│   Khu 1              ┆  40 ┆    1 │
│   Khu 2              ┆  60 ┆    1 │
│ (none)               ┆   5 ┆    1 │
│ Total                ┆ 242 ┆    6 │
└──────────────────────┴─────┴──────┘
"
    );
    assert_eq!(
        r.tally(),
        "rows read 6 = counted 6 + filtered 0 + rejected 0"
    );
}

#[test]
fn tree_as_csv_is_tidy_rows_with_a_level_and_shares_of_the_grand_total() {
    let w = places();
    let r = w.run(&[
        "summary",
        "t.csv",
        "--by",
        "area",
        "--tree",
        "--percent",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.ok(),
        "area,level,measure,total,count,percent\n\
         Liên Hòa,1,VND,7,1,2.89\n\
         Liên Hòa/Thôn 1,2,VND,7,1,2.89\n\
         Phường Yên Giang,1,VND,30,1,12.40\n\
         Phường Yên Giang/Khu 1,2,VND,30,1,12.40\n\
         Yên Giang,1,VND,200,3,82.64\n\
         Yên Giang,2,VND,100,1,41.32\n\
         Yên Giang/Khu 1,2,VND,40,1,16.53\n\
         Yên Giang/Khu 2,2,VND,60,1,24.79\n\
         ,1,VND,5,1,2.07\n"
    );
}

#[test]
fn depth_cuts_the_tree() {
    let w = places();
    let r = w.run(&[
        "summary", "t.csv", "--by", "area", "--tree", "--depth", "1", "--format", "csv",
    ]);
    assert_eq!(
        r.ok(),
        "area,level,measure,total,count\n\
         Liên Hòa,1,VND,7,1\n\
         Phường Yên Giang,1,VND,30,1\n\
         Yên Giang,1,VND,200,3\n\
         ,1,VND,5,1\n"
    );
}

#[test]
fn aliases_unify_a_renamed_place_and_change_compares_the_years() {
    let w = places();
    let r = w.run(&[
        "summary",
        "t.csv",
        "--by",
        "area",
        "--depth",
        "1",
        "--aliases",
        "a.csv",
        "--columns",
        "year",
        "--change",
        "--format",
        "csv",
    ]);
    // Without the alias, Phường Yên Giang would be a place of its own with nothing in 2024.
    assert_eq!(
        r.ok(),
        "area,2024,2025,change_2025,change_pct_2025,total\n\
         ,5,,-5,-100.00,5\n\
         Liên Hòa,,7,7,,7\n\
         Yên Giang,200,30,-170,-85.00,230\n"
    );
    let table = w.run(&[
        "summary",
        "t.csv",
        "--by",
        "area",
        "--depth",
        "1",
        "--aliases",
        "a.csv",
        "--columns",
        "year",
        "--change",
        "-q",
    ]);
    assert_eq!(
        table.ok(),
        "\
┌───────────┬──────┬──────┬─────────────┬───────────────┬───────┬──────┐
│ area      ┆ 2024 ┆ 2025 ┆ 2025 change ┆ 2025 change % ┆ total ┆ rows │
╞═══════════╪══════╪══════╪═════════════╪═══════════════╪═══════╪══════╡
│ (none)    ┆    5 ┆      ┆          -5 ┆       -100.00 ┆     5 ┆    1 │
│ Liên Hòa  ┆      ┆    7 ┆           7 ┆               ┆     7 ┆    1 │
│ Yên Giang ┆  200 ┆   30 ┆        -170 ┆        -85.00 ┆   230 ┆    4 │
│ Total     ┆  205 ┆   37 ┆        -168 ┆        -81.95 ┆   242 ┆    6 │
└───────────┴──────┴──────┴─────────────┴───────────────┴───────┴──────┘
"
    );
}

#[test]
fn change_fills_in_the_periods_with_no_rows_so_the_previous_is_always_just_before() {
    let w = places();
    let r = w.run(&[
        "summary",
        "t.csv",
        "--by",
        "unit",
        "--columns",
        "quarter",
        "--change",
        "--format",
        "csv",
    ]);
    // Rows in 2024-Q1 and 2025-Q1 only: the three quarters between are there, empty.
    assert_eq!(
        r.ok(),
        "unit,2024-Q1,2024-Q2,change_2024-Q2,change_pct_2024-Q2,2024-Q3,change_2024-Q3,\
         change_pct_2024-Q3,2024-Q4,change_2024-Q4,change_pct_2024-Q4,2025-Q1,change_2025-Q1,\
         change_pct_2025-Q1,total\n\
         A,145,,-145,-100.00,,,,,,,7,7,,152\n\
         B,60,,-60,-100.00,,,,,,,30,30,,90\n"
    );
}

#[test]
fn aliases_apply_to_filters_to_the_registry_and_resolve_chains() {
    let w = places();
    w.file(
        "chain.csv",
        "dimension,from,to\nunit,A,B\nunit,b,Hội Phụ nữ\n",
    );
    let r = w.run(&[
        "summary",
        "t.csv",
        "--aliases",
        "chain.csv",
        "--where",
        "unit=hội phụ nữ",
        "--format",
        "csv",
    ]);
    assert_eq!(r.ok(), "unit,measure,total,count\nHội Phụ nữ,VND,242,6\n");
    // The registry's names are renamed too, so a row and its model agree.
    w.file(
        "r.csv",
        "id,name,unit,year,area\nM1,Một,A,2024,Phường Yên Giang\n",
    )
    .file("m.csv", "date,amount,model\n2024-01-01,10,M1\n");
    let r = w.run(&[
        "summary",
        "m.csv",
        "--models",
        "r.csv",
        "--aliases",
        "a.csv",
        "--by",
        "unit,area",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.ok(),
        "unit,area,measure,total,count\nA,Yên Giang,VND,10,1\n"
    );
}

#[test]
fn an_alias_to_two_names_or_a_loop_is_refused_naming_the_line() {
    let w = places();
    for (aliases, message) in [
        (
            "dimension,from,to\nunit,A,B\nunit,a,C\n",
            "x.csv:3: unit \"a\" is mapped to \"C\" here and to \"B\" on line 2",
        ),
        (
            "dimension,from,to\nunit,A,B\nunit,B,C\nunit,C,A\n",
            "x.csv:2: the unit aliases go round in a loop: A → B → C → A",
        ),
        (
            "dimension,from,to\ncolour,A,B\n",
            "x.csv:2: dimension \"colour\": aliases are for unit, area, field, source or model",
        ),
        (
            "dimension,from,to\nunit,A,\n",
            "x.csv:2: an alias needs both an old and a new name",
        ),
    ] {
        w.file("x.csv", aliases);
        let r = w.run(&["summary", "t.csv", "--aliases", "x.csv"]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", format!("danvan: {message}\n").as_str())
        );
    }
    // A spelling mapped onto itself is no loop.
    w.file("x.csv", "dimension,from,to\nunit,a,A\n");
    let r = w.run(&[
        "summary",
        "t.csv",
        "--aliases",
        "x.csv",
        "--format",
        "csv",
        "-q",
    ]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nA,VND,152,4\nB,VND,90,2\n"
    );
}

#[test]
fn tree_and_change_say_what_to_write_instead() {
    let w = places();
    for (flags, message) in [
        (
            vec!["--by", "unit", "--tree"],
            "--tree shows the area hierarchy: use it with --by area",
        ),
        (
            vec!["--by", "area", "--tree", "--top", "2"],
            "--tree shows every place in the order of the hierarchy; leave out --top and --sort",
        ),
        (
            vec!["--change"],
            "--change compares periods: add --columns year, quarter or month",
        ),
        (
            vec!["--columns", "source", "--change"],
            "--change compares periods: add --columns year, quarter or month",
        ),
    ] {
        let mut args = vec!["summary", "t.csv"];
        args.extend(&flags);
        let r = w.run(&args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", format!("danvan: {message}\n").as_str()),
            "{flags:?}"
        );
    }
}

#[test]
fn the_sample_tree_keeps_the_articles_figures() {
    let w = Work::new();
    let r = w.run(&[
        "summary",
        &sample("contributions.csv"),
        "--models",
        &sample("models.csv"),
        "--by",
        "area",
        "--tree",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.ok(),
        "area,level,measure,total,count\n\
         Liên Hòa,1,VND,427000000,2\n\
         Liên Hòa/Thôn 1,2,VND,427000000,2\n\
         Yên Giang,1,VND,1030000000,4\n\
         ,1,VND,481000000,3\n"
    );
}

/// (area, level, measure, total) of each line of a tree CSV.
fn tree_lines(out: &str) -> Vec<(String, usize, String, Decimal)> {
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[1].parse().unwrap(),
                r[2].to_string(),
                r[3].parse().unwrap(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every line with lines below it is the sum of the lines one level below it (per measure),
    /// and the top level adds up to the plain total.
    #[test]
    fn every_subtotal_is_the_sum_of_its_children(rows in prop::collection::vec(row(), 1..60)) {
        let w = Work::new();
        w.file("l.csv", ledger(&rows));
        let tree = w.run(&["summary", "l.csv", "--by", "area", "--tree", "--format", "csv", "-q"]);
        let lines = tree_lines(tree.ok());
        for (i, (_, level, measure, total)) in lines.iter().enumerate() {
            let children: Vec<Decimal> = lines[i + 1..]
                .iter()
                .take_while(|l| l.1 > *level)
                .filter(|l| l.1 == level + 1 && l.2 == *measure)
                .map(|l| l.3)
                .collect();
            if !children.is_empty() {
                prop_assert_eq!(children.iter().copied().sum::<Decimal>(), *total, "line {}", i + 2);
            }
        }
        let mut top: BTreeMap<String, Decimal> = BTreeMap::new();
        for (_, level, measure, total) in &lines {
            if *level == 1 {
                *top.entry(measure.clone()).or_default() += *total;
            }
        }
        let plain = w.run(&["summary", "l.csv", "--by", "year", "--format", "csv", "-q"]);
        let mut grand: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut rdr = csv::Reader::from_reader(plain.ok().as_bytes());
        for r in rdr.records() {
            let r = r.unwrap();
            *grand.entry(r[1].to_string()).or_default() += r[2].parse::<Decimal>().unwrap();
        }
        prop_assert_eq!(top, grand);
    }
}
