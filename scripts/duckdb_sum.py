#!/usr/bin/env python3
"""Reference totals for the danvan benchmark (scripts/bench.sh), computed by DuckDB.

    duckdb_sum.py LEDGER.csv [--by DIMS] [--style machine|vi] [--threads N]
                                             sum a generated ledger with DuckDB
    duckdb_sum.py LEDGER.csv --copy [--by DIMS] [--style machine|vi] [--threads N]
                                             the same query, its result written by DuckDB
                                             itself (COPY … TO '/dev/stdout'): what the
                                             benchmark times, without Python's own work per row
    duckdb_sum.py --normalize SUMMARY.csv [--by DIMS]
                                             re-print a `danvan summary --format csv` output

Both modes print the same canonical CSV, so the two can be compared with `diff`: header DIMS
(default `unit,area,year`, from unit, area, field, source, model, year, quarter, month), then
`measure,total,count`, rows sorted, `total` as a plain decimal with no trailing zeros after the
point (`1250000`, `106.8`). DuckDB reads the ledger as text and casts the amount to
DECIMAL(38,4), so its sums are exact like danvan's.

The ledgers of examples/gen_ledger.rs are understood, in either style: `machine` (`,`, ISO dates,
`.` decimals, measure codes) or `vi` (BOM, `;`, dd/mm/yyyy, `1.250.000` and `106,8`, measure
spellings such as `VNĐ`, `ngày công`, `m²`, CRLF), quoted or not. Columns are taken by position
(date, model, unit, area, field, source, amount, measure, note), so the header's language does
not matter. An empty measure counts as VND, empty text (NULL in DuckDB) as ''.
"""

import csv
import sys
from decimal import Decimal, InvalidOperation

COLUMNS = ["date", "model", "unit", "area", "field", "source", "amount", "measure", "note"]
TEXT_DIMS = {"unit", "area", "field", "source", "model"}
PERIOD_DIMS = {
    "year": "CAST(year({d}) AS VARCHAR)",
    "quarter": "CAST(year({d}) AS VARCHAR) || '-Q' || CAST(quarter({d}) AS VARCHAR)",
    "month": "strftime({d}, '%Y-%m')",
}
STYLES = {
    # (delimiter, date expression, amount expression)
    "machine": (",", "CAST(date AS DATE)", "amount"),
    "vi": (";", "CAST(strptime(date, '%d/%m/%Y') AS DATE)",
           "replace(replace(amount, '.', ''), ',', '.')"),
}
MEASURE = """CASE
    WHEN lower(coalesce(trim(measure), '')) IN ('', 'vnd', 'vnđ', 'đồng', 'đ', '₫') THEN 'VND'
    WHEN lower(trim(measure)) IN ('workday', 'ngày công') THEN 'workday'
    WHEN lower(trim(measure)) IN ('m2', 'm²', 'mét vuông') THEN 'm2'
    ELSE trim(measure) END"""


def query(path: str, dims, style: str) -> str:
    delim, date, amount = STYLES[style]
    exprs = []
    for dim in dims:
        if dim in TEXT_DIMS:
            exprs.append(f"coalesce({dim}, '') AS {dim}")
        elif dim in PERIOD_DIMS:
            exprs.append(PERIOD_DIMS[dim].format(d=date) + f" AS {dim}")
        else:
            sys.exit(f"duckdb_sum.py: unknown dimension {dim!r}")
    names = ", ".join(f"'{c}'" for c in COLUMNS)
    return f"""
SELECT {', '.join(exprs)},
       {MEASURE} AS measure,
       sum(CAST({amount} AS DECIMAL(38, 4))) AS total,
       count(*) AS count
FROM read_csv('{path.replace("'", "''")}', header = true, all_varchar = true, names = [{names}],
              delim = '{delim}', quote = '"', escape = '"')
GROUP BY ALL
"""


def canonical_total(value) -> str:
    """`1250000.0000` -> `1250000`, `106.8000` -> `106.8`; never exponent notation."""
    d = Decimal(str(value))
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def emit(header, rows) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(header)
    out.writerows(sorted(rows))


def header_of(dims):
    return [*dims, "measure", "total", "count"]


def duckdb_rows(path: str, dims, style: str, threads: int):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    result = con.execute(query(path, dims, style))
    while batch := result.fetchmany(100_000):
        for row in batch:
            *values, measure, total, count = row
            yield (*values, measure, canonical_total(total), str(count))


def duckdb_copy(path: str, dims, style: str, threads: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    sys.stdout.flush()
    con.execute(f"COPY ({query(path, dims, style)}) TO '/dev/stdout' (FORMAT csv, HEADER)")


def normalized_rows(path: str, dims):
    changed = 0
    header_want = header_of(dims)
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != header_want:
            sys.exit(f"duckdb_sum.py: {path}: header is {header}, expected {header_want}")
        n = len(header_want)
        for line, row in enumerate(reader, start=2):
            if len(row) != n:
                sys.exit(f"duckdb_sum.py: {path}:{line}: {len(row)} fields, expected {n}")
            try:
                total = canonical_total(row[n - 2])
            except InvalidOperation:
                sys.exit(f"duckdb_sum.py: {path}:{line}: total {row[n - 2]!r} is not a plain decimal")
            changed += total != row[n - 2]
            yield (*row[: n - 2], total, row[n - 1])
    if changed:
        # The spec wants totals without padding zeros; say so, but still compare the values.
        print(f"duckdb_sum.py: note: {changed} totals in {path} were not in canonical form",
              file=sys.stderr)


def main(argv) -> None:
    opts = {"--by": "unit,area,year", "--style": "machine", "--threads": "2"}
    normalize = False
    copy = False
    paths = []
    it = iter(argv)
    for arg in it:
        if arg == "--normalize":
            normalize = True
        elif arg == "--copy":
            copy = True
        elif arg in opts:
            value = next(it, None)
            if value is None:
                sys.exit(__doc__)
            opts[arg] = value
        elif arg.startswith("-") and arg != "-":
            sys.exit(__doc__)
        else:
            paths.append(arg)
    if len(paths) != 1 or opts["--style"] not in STYLES:
        sys.exit(__doc__)
    dims = [d for d in opts["--by"].split(",") if d]
    if copy:
        duckdb_copy(paths[0], dims, opts["--style"], int(opts["--threads"]))
    elif normalize:
        emit(header_of(dims), normalized_rows(paths[0], dims))
    else:
        emit(header_of(dims), duckdb_rows(paths[0], dims, opts["--style"], int(opts["--threads"])))


if __name__ == "__main__":
    main(sys.argv[1:])
