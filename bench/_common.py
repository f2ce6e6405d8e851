"""What every benchmark script shares: the machine's description and RESULTS.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """CPUs and their model, as the results record them."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}"


def record(section: str, block: str | list[str]) -> None:
    """Append ``block`` at the end of ``section`` of RESULTS.md (created when missing)."""
    block = block.split("\n") if isinstance(block, str) else list(block)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    lines = text.rstrip("\n").split("\n")
    if section not in lines:
        lines += ["", section, "", *block]
    else:
        start = lines.index(section)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = ["", *block]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
