"""Start-up and whole-process benchmark: ``chatmrpt --help`` and ``chatmrpt analyze``.

    .venv/bin/python bench/startup.py                        # --help, analyze --help, 275 wards
    .venv/bin/python bench/startup.py --wards 275 10000 --variables 8 --runs 7
    .venv/bin/python bench/startup.py --tree /tmp/main-tree --label main   # side by side

Every sample is a fresh process, as a user runs it. With ``--tree`` the same commands also
run against another copy of the source (``git archive main | tar -x -C /tmp/main-tree``),
with the same interpreter and libraries, interleaved run by run so that other work on the
machine weighs on both alike. Prints a Markdown table of medians; ``--record`` appends it
to bench/RESULTS.md with the machine and date. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import machine, record

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "out" / "demo"
ORDER = ["u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation", "soil_wetness",
         "distance_to_waterbodies", "nighttime_lights", "ndvi", "evi", "ndmi", "urban_percentage"]
SECTION = "## Start-up"
# the console script's own body: what `chatmrpt ...` runs
ENTRY = "import sys; from chatmrpt.cli import main; sys.exit(main())"


def demo_folder(wards: int) -> Path:
    folder = CACHE / f"w{wards}"
    if not (folder / "wards.csv").exists():
        from chatmrpt.demo.generator import write_demo_data

        write_demo_data(folder, wards, seed=1, facility_export=False)
    return folder


def commands(wards: list[int], variables: list[int], help_only: bool) -> list[tuple[str, list]]:
    cmds: list[tuple[str, list]] = [
        ("chatmrpt --help", ["--help"]),
        ("chatmrpt analyze --help", ["analyze", "--help"]),
    ]
    if help_only:
        return cmds
    for n in wards:
        folder = demo_folder(n)
        for k in variables:
            cmds.append((
                f"chatmrpt analyze, {n:,} wards x {k} variables, with boundaries",
                ["analyze", str(folder / "wards.csv"), "--boundaries",
                 str(folder / "wards_boundaries.zip"), "--variables", ",".join(ORDER[:k]),
                 "--quiet", "--out", "{out}"],
            ))
    return cmds


def one(tree: Path, argv: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryDirectory() as tmp:
        argv = [a.replace("{out}", str(Path(tmp) / "out")) for a in argv]
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", ENTRY, *argv], check=True, env=env, cwd=tmp,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wards", type=int, nargs="*", default=[275])
    p.add_argument("--variables", type=int, nargs="*", default=[8])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--help-only", action="store_true", help="only the two --help commands")
    p.add_argument("--tree", type=Path, help="another source tree to time side by side")
    p.add_argument("--label", default="other", help="the other tree's name in the table")
    p.add_argument("--record", action="store_true", help="append the table to bench/RESULTS.md")
    args = p.parse_args()
    trees = [("this tree", ROOT)] + ([(args.label, args.tree.resolve())] if args.tree else [])
    cmds = commands(args.wards, args.variables, args.help_only)
    samples = {(c, t): [] for c, _ in cmds for t, _ in trees}
    for name, argv in cmds:
        for _tree_name, tree in trees:  # warm the disk cache and .pyc files, not timed
            one(tree, argv)
        for _ in range(args.runs):
            for tree_name, tree in trees:
                samples[(name, tree_name)].append(one(tree, argv))
        cells = [f"{statistics.median(samples[(name, t)]):.2f}" for t, _ in trees]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    head = "| command | " + " | ".join(f"{t}, s" for t, _ in trees) + " |"
    lines = [head, "|---|" + "---|" * len(trees)]
    for name, _ in cmds:
        cells = [f"{statistics.median(samples[(name, t)]):.2f}" for t, _ in trees]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    text = (f"\n### Start-up and whole process, {date.today().isoformat()} ({machine()}; "
            f"median of {args.runs} interleaved runs, seconds)\n\n"
            f"`{' '.join(['bench/startup.py'] + sys.argv[1:])}`\n\n" + "\n".join(lines) + "\n")
    print(text)
    if args.record:
        record(SECTION, text.strip("\n"))


if __name__ == "__main__":
    main()
