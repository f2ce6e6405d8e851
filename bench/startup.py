"""Start-up and whole-process benchmark: ``chatmrpt --help`` and ``chatmrpt analyze``.

    .venv/bin/python bench/startup.py                        # --help, analyze --help, 275 wards
    .venv/bin/python bench/startup.py --wards 275 10000 --variables 8 --runs 7
    .venv/bin/python bench/startup.py --tree /tmp/main-tree --label main   # side by side

Every sample is a fresh process, as a user runs it. With ``--tree`` the same commands also
run against another copy of the source (``git archive main | tar -x -C /tmp/main-tree``),
with the same interpreter and libraries, interleaved run by run so that other work on the
machine weighs on both alike. Prints a Markdown table of medians, wall-clock and CPU time
(user + system, of the process itself: on a shared machine the steadier of the two) and the
load average; ``--record`` appends it to bench/RESULTS.md with the machine and date. Not a
test: run it by hand.
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


def one(tree: Path, argv: list[str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds user + system) of one fresh process."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    # An installed package runs from its compiled .pyc files; with PYTHONDONTWRITEBYTECODE
    # set (as in some shells and containers) the untimed warm-up run could not write them,
    # and every timed run would compile the project's sources again (0.15-0.2 s of CPU).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        argv = [a.replace("{out}", str(Path(tmp) / "out")) for a in argv]
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", ENTRY, *argv], env=env, cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait4 gives the child's own CPU time: less swayed by other work than the clock
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, argv)
        return wall, usage.ru_utime + usage.ru_stime


def _cells(runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return f"{wall:.2f} | {cpu:.2f}"


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
    load_before = os.getloadavg()[0]
    lines = []
    for name, argv in cmds:
        for _tree_name, tree in trees:  # warm the disk cache and .pyc files, not timed
            one(tree, argv)
        for _ in range(args.runs):
            for tree_name, tree in trees:
                samples[(name, tree_name)].append(one(tree, argv))
        lines.append(f"| {name} | " + " | ".join(_cells(samples[(name, t)]) for t, _ in trees)
                     + " |")
        print(lines[-1], flush=True)
    head = ("| command | " + " | ".join(f"{t}: wall, s | {t}: CPU, s" for t, _ in trees)
            + " |")
    lines = [head, "|---|" + "---|---|" * len(trees), *lines]
    text = (f"\n### Start-up and whole process, {date.today().isoformat()} ({machine()}; "
            f"median of {args.runs} interleaved runs: wall-clock and CPU (user + system) "
            f"seconds; 1-minute load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after)\n\n"
            f"`{' '.join(['bench/startup.py'] + sys.argv[1:])}`\n\n" + "\n".join(lines) + "\n")
    print(text)
    if args.record:
        record(SECTION, text.strip("\n"))


if __name__ == "__main__":
    main()
