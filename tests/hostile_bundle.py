#!/usr/bin/env python3
"""Copies of a spawnbench bundle as someone else's machine might send them.

  hostile_bundle.py payload SRC DST MARKS [valid-config]
                                            every string of meta.json and the command
                                            column carry shell and gnuplot payloads, each
                                            of which would create a file under MARKS (with
                                            valid-config, the suite's settings stay as they
                                            were, so that every chart is drawn); the copy
                                            has no charts or reports of its own
  hostile_bundle.py crlf SRC DST            the CSV files with CRLF line ends and every
                                            field quoted, an n/a reason with a quoted newline
"""
import csv
import json
import shutil
import sys


def payloads(marks, field):
    """Every way out of a gnuplot or shell string we know, each touching its own marker."""
    mark = f"{marks}/pwn_{field}"
    return (f"`touch {mark}_backtick` $(touch {mark}_dollar) "
            f"\"; system(\"touch {mark}_dq\"); \" '; system('touch {mark}_sq'); ' "
            f"\nsystem('touch {mark}_newline') #\r\n! touch {mark}_bang\n"
            f"system(\"touch {mark}_call\") | <b>html</b> \x1b[31mred")


def inject(value, marks, path, keep=("schema_version",)):
    if isinstance(value, dict):
        return {k: (v if k in keep else inject(v, marks, f"{path}_{k}")) for k, v in value.items()}
    if isinstance(value, list):
        return [inject(v, marks, f"{path}_{i}") for i, v in enumerate(value)]
    if isinstance(value, str):
        return value + payloads(marks, path)
    return value


def rewrite_csv(path, change_row, quoting=csv.QUOTE_MINIMAL, line_end="\n"):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, quoting=quoting, lineterminator=line_end)
        writer.writerow(header)
        for row in rows[1:]:
            writer.writerow(change_row(dict(zip(header, row)), row, header))


def payload_copy(src, dst, marks, valid_config=None):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("plots", "report.md", "reproduce.md"))
    with open(f"{src}/meta.json") as f:
        meta = json.load(f)
    keep = ("schema_version", "config") if valid_config else ("schema_version",)
    with open(f"{dst}/meta.json", "w") as f:
        json.dump(inject(meta, marks, "meta", keep), f, indent=2)

    def command(named, row, header):
        if named["command"]:
            row[header.index("command")] = named["command"] + payloads(marks, "command")
        return row
    for name in ("summary.csv", "samples.csv"):
        rewrite_csv(f"{dst}/{name}", command)


def crlf_copy(src, dst):
    shutil.copytree(src, dst)

    def reason_with_newline(named, row, header):
        if named.get("status", "").startswith("n/a: "):
            row[header.index("status")] = named["status"] + "\r\n(second line)"
        return row
    rewrite_csv(f"{dst}/summary.csv", reason_with_newline, csv.QUOTE_ALL, "\r\n")
    rewrite_csv(f"{dst}/samples.csv", lambda named, row, header: row, csv.QUOTE_ALL, "\r\n")


if __name__ == "__main__":
    if sys.argv[1] == "payload":
        payload_copy(*sys.argv[2:6])
    elif sys.argv[1] == "crlf":
        crlf_copy(*sys.argv[2:4])
    else:
        sys.exit(f"usage: {sys.argv[0]} payload SRC DST MARKS | crlf SRC DST")
