"""Checks docs/COVERAGE.md: every row's status is Y, and every test file it names exists and
contains the row's token (the text that shows the feature is exercised there).
usage: coverage_table.py SOURCE_DIR"""
import os
import re
import sys


def main():
    root = sys.argv[1]
    rows, problems = 0, []
    for line in open(os.path.join(root, "docs", "COVERAGE.md"), encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[2] in ("status", "---"):
            continue
        rows += 1
        feature, _, status, tested_by, token = cells
        if status != "Y":
            problems.append(f"{feature}: status {status}, expected Y")
        token = token.strip("`")
        files = re.findall(r"`([^`]+)`", tested_by)
        if not files:
            problems.append(f"{feature}: names no test file")
        for f in files:
            path = os.path.join(root, f)
            if not os.path.isfile(path):
                problems.append(f"{feature}: {f} does not exist")
            elif token not in open(path, encoding="utf-8").read():
                problems.append(f"{feature}: {f} does not contain {token!r}")
    if rows == 0:
        problems.append("no rows found in docs/COVERAGE.md")
    for p in problems:
        print("coverage_table:", p)
    print(f"coverage_table: {rows} rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
