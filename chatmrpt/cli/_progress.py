"""A progress bar on stderr for long commands (quiet when not a terminal and not asked)."""

from __future__ import annotations

import sys


class ProgressBar:
    def __init__(self, enabled: bool = True, desc: str = ""):
        self.enabled = enabled
        self.desc = desc
        self.bar = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from tqdm import tqdm  # only when a bar is shown: it costs 60 ms to import

            self.bar = tqdm(total=1000, desc=self.desc, file=sys.stderr, leave=False,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}",
                            disable=None)  # None: off when stderr is not a terminal
        return self

    def update(self, fraction: float, stage: str = "") -> None:
        if self.bar is None:
            return
        target = int(max(0.0, min(1.0, fraction)) * 1000)
        if target > self.bar.n:
            self.bar.update(target - self.bar.n)
        if stage:
            self.bar.set_postfix_str(stage, refresh=False)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()
