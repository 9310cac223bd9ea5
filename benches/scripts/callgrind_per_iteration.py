#!/usr/bin/env python3
"""Print the instructions per loop iteration of each function in two callgrind profiles.

`callgrind_case CASE N` builds and checks its input before the loop, so a profile mixes that
set-up with the N iterations. Profile the case twice, with 0 and with N iterations. This script
subtracts the first profile from the second, function by function, and divides by N, which
leaves the cost of the loop alone.

Usage: python3 benches/scripts/callgrind_per_iteration.py ZERO.out N.out N [--exclusive] [--top K]

Counts are inclusive (a function and everything it calls) unless --exclusive is given. Rows are
callgrind_annotate's "file:function" names, where the file is the source of the inlined code
that callgrind attributes the instructions to. The first row, "PROGRAM TOTALS", is the whole
program's count: read that one for a case's instructions per iteration. A recursive function's
inclusive count adds up every level of the recursion, so it can exceed the program's (serde_json
deserialising nested JSON does this). Needs callgrind_annotate on PATH.
"""

import argparse
import re
import subprocess
import sys

ROW = re.compile(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(.*?)(?:\s+\[[^\]]*\])?$")


def function_counts(profile, inclusive):
    """Return {"file:function": instructions} from callgrind_annotate's function table."""
    command = ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--auto=no"]
    output = subprocess.run(
        command + ["--threshold=100", profile], check=True, capture_output=True, text=True
    ).stdout
    counts = {}
    in_table = False
    for line in output.splitlines():
        if line.strip().endswith("PROGRAM TOTALS"):
            counts["PROGRAM TOTALS"] = int(line.split()[0].replace(",", ""))
            continue
        if "file:function" in line:
            in_table = True
            continue
        if not in_table or not line.strip() or line.startswith("-"):
            continue
        match = ROW.match(line)
        if match:
            name = match.group(2).strip()
            counts[name] = counts.get(name, 0) + int(match.group(1).replace(",", ""))
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zero", help="profile of 0 iterations")
    parser.add_argument("loop", help="profile of N iterations")
    parser.add_argument("iterations", type=int, help="N")
    parser.add_argument("--exclusive", action="store_true", help="self cost only")
    parser.add_argument("--top", type=int, default=40, help="rows to print (default 40)")
    args = parser.parse_args()
    if args.iterations <= 0:
        sys.exit("iterations must be a positive whole number")

    inclusive = not args.exclusive
    zero = function_counts(args.zero, inclusive)
    loop = function_counts(args.loop, inclusive)
    rows = []
    for name, count in loop.items():
        per_iteration = (count - zero.get(name, 0)) / args.iterations
        if per_iteration >= 1:
            rows.append((per_iteration, name))
    rows.sort(key=lambda row: (row[1] != "PROGRAM TOTALS", -row[0]))
    for per_iteration, name in rows[: args.top]:
        print(f"{per_iteration:>14,.0f}  {name}")


if __name__ == "__main__":
    main()
