"""The openness plot: a real PNG of phone size, for any curve the engine can produce."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.report.plot import openness_plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH, HEIGHT = 800, 450
ROOT = Path(__file__).resolve().parent.parent


def _plot(curve: list[int], outcome: str | None = "success") -> bytes:
    return openness_plot(curve, low=0, high=10, title="Mini practice", label="Openness",
                         outcome=outcome)


def _size(png: bytes) -> tuple[int, int]:
    """Width and height as a decoder sees them (not just the header), so corrupt data fails."""
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    return pixels.shape[1], pixels.shape[0]


def _header_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, as Telegram reads them."""
    assert png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("outcome", ["success", "failure", "neutral", None])
def test_plot_is_a_phone_sized_png(outcome: str | None) -> None:
    png = _plot([3, 5, 5, 6, 4, 7, 8], outcome)
    assert png.startswith(PNG_SIGNATURE)
    assert _header_size(png) == (WIDTH, HEIGHT)
    assert _size(png) == (WIDTH, HEIGHT)


def test_one_point_curve_works() -> None:
    png = _plot([3], None)
    assert png.startswith(PNG_SIGNATURE)
    assert _size(png) == (WIDTH, HEIGHT)


def test_edge_curves_render() -> None:
    """Empty, flat at the limits, very long, and odd ranges must not break the summary."""
    for curve, low, high in [([], 0, 10), ([0, 0, 10, 10], 0, 10), (list(range(60)), 0, 59),
                             ([-3, 2], -5, 5), ([1], 1, 1)]:
        png = openness_plot(curve, low=low, high=high, title="t" * 120, label="Openness",
                            outcome="failure")
        assert _size(png) == (WIDTH, HEIGHT)


def test_plots_from_several_threads_do_not_interfere() -> None:
    """The bot renders summaries from worker threads; no pyplot state may be shared."""
    curves = [[3, i % 11, (i * 3) % 11] for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(_plot, curves))
    assert pngs == [_plot(c) for c in curves]


def test_plot_is_quick_once_warm() -> None:
    _plot([3, 4])
    start = time.perf_counter()
    _plot([3, 5, 5, 6, 4, 7, 8, 6, 9])
    # The target is < 300 ms; the bound is loose so a slow CI runner does not flake.
    assert time.perf_counter() - start < 1.5


def test_importing_the_report_does_not_import_matplotlib() -> None:
    code = "import sys, bot.report.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
