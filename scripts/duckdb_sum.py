#!/usr/bin/env python3
"""Reference totals for the danvan benchmark (scripts/bench.sh), computed by DuckDB.

    duckdb_sum.py LEDGER.csv [--threads N]   sum a machine-style ledger with DuckDB
    duckdb_sum.py --normalize SUMMARY.csv    re-print a `danvan summary --format csv` output

Both modes print the same canonical CSV, so the two can be compared with `diff`:
header `unit,area,year,measure,total,count`, rows sorted, `total` as a plain decimal with no
trailing zeros after the point (`1250000`, `106.8`). DuckDB reads the ledger as text and casts the
amount to DECIMAL(38,4), so its sums are exact like danvan's.

Only the machine style of examples/gen_ledger.rs is understood here (`,`, ISO dates, `.` decimals,
measure codes): an empty measure counts as VND, empty unit/area (NULL in DuckDB) as ''.
"""

import csv
import sys
from decimal import Decimal, InvalidOperation

HEADER = ["unit", "area", "year", "measure", "total", "count"]

QUERY = """
SELECT coalesce(unit, '') AS unit,
       coalesce(area, '') AS area,
       year(CAST(date AS DATE)) AS year,
       coalesce(nullif(trim(measure), ''), 'VND') AS measure,
       sum(CAST(amount AS DECIMAL(38, 4))) AS total,
       count(*) AS count
FROM read_csv('{path}', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"')
GROUP BY ALL
"""


def canonical_total(value) -> str:
    """`1250000.0000` -> `1250000`, `106.8000` -> `106.8`; never exponent notation."""
    d = Decimal(str(value))
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def emit(rows) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(HEADER)
    out.writerows(sorted(rows))


def duckdb_rows(path: str, threads: int):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    result = con.execute(QUERY.format(path=path.replace("'", "''")))
    for unit, area, year, measure, total, count in result.fetchall():
        yield (unit, area, str(year), measure, canonical_total(total), str(count))


def normalized_rows(path: str):
    changed = 0
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != HEADER:
            sys.exit(f"duckdb_sum.py: {path}: header is {header}, expected {HEADER}")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(HEADER):
                sys.exit(f"duckdb_sum.py: {path}:{line}: {len(row)} fields, expected {len(HEADER)}")
            try:
                total = canonical_total(row[4])
            except InvalidOperation:
                sys.exit(f"duckdb_sum.py: {path}:{line}: total {row[4]!r} is not a plain decimal")
            changed += total != row[4]
            yield (*row[:4], total, row[5])
    if changed:
        # The spec wants totals without padding zeros; say so, but still compare the values.
        print(f"duckdb_sum.py: note: {changed} totals in {path} were not in canonical form",
              file=sys.stderr)


def main(argv) -> None:
    if len(argv) == 2 and argv[0] == "--normalize":
        emit(normalized_rows(argv[1]))
    elif len(argv) == 1:
        emit(duckdb_rows(argv[0], 2))
    elif len(argv) == 3 and argv[1] == "--threads":
        emit(duckdb_rows(argv[0], int(argv[2])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
