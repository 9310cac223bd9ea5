#!/usr/bin/env python3
"""Print the medians of the last `cargo bench -p mtasts-benches` run as Markdown tables.

Criterion stores each benchmark's estimates under target/criterion/<group>/<function>/new/.
This script reads the median and the median absolute deviation (MAD) of every benchmark and
prints one table per group. The ratio column is the other implementation's median divided by
the median of `mtasts`, so 3.0 means mtasts-core takes a third of the time.

Usage: python3 benches/scripts/medians.py [CRITERION_DIR]
(default: target/criterion under the current directory)
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

OURS = "mtasts"


def format_time(ns):
    """Format a duration in nanoseconds with three significant digits."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def load_medians(criterion_dir):
    """Return {group_id: {function_id: (median_ns, mad_ns)}} for every benchmark."""
    groups = defaultdict(dict)
    for benchmark_file in sorted(criterion_dir.glob("**/new/benchmark.json")):
        benchmark = json.loads(benchmark_file.read_text())
        estimates_file = benchmark_file.with_name("estimates.json")
        estimates = json.loads(estimates_file.read_text())
        median = estimates["median"]["point_estimate"]
        mad = estimates["median_abs_dev"]["point_estimate"]
        groups[benchmark["group_id"]][benchmark["function_id"]] = (median, mad)
    return groups


def print_group(group_id, medians):
    ours = medians.get(OURS, (None, None))[0]
    print(f"### `{group_id}`\n")
    print("| implementation | median | MAD | other median / mtasts median |")
    print("| --- | ---: | ---: | ---: |")
    for function_id in sorted(medians, key=lambda f: (f != OURS, f)):
        median, mad = medians[function_id]
        if function_id == OURS or ours is None:
            ratio = "—"
        else:
            ratio = f"{median / ours:.2f}x"
        print(f"| {function_id} | {format_time(median)} | {format_time(mad)} | {ratio} |")
    print()


def main():
    criterion_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    groups = load_medians(criterion_dir)
    if not groups:
        sys.exit(f"no criterion estimates found under {criterion_dir}; run cargo bench first")
    for group_id in sorted(groups):
        print_group(group_id, groups[group_id])


if __name__ == "__main__":
    main()
