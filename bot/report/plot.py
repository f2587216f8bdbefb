"""The meter curve as a small PNG a trainee can read on a phone.

Drawn with ``matplotlib.figure.Figure`` and the Agg canvas directly, never
``pyplot``: pyplot keeps global state, and the bot renders summaries for many
trainees from worker threads. matplotlib is imported lazily, on the first plot.
"""

from __future__ import annotations

import io
import textwrap

from bot.catalogue import t

#: 8 x 4.5 inches at 100 dpi: 800 x 450 px, a 16:9 picture Telegram shows uncropped.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100

#: Title characters per line at 17 pt, leaving room for the outcome badge.
TITLE_WIDTH = 48
#: Colour of the curve and its last point by ending outcome (Dark2, colour-blind friendly).
COLOURS = {"success": "#1b9e77", "failure": "#d95f02", "neutral": "#4c72b0"}
#: The last point's marker, so the outcome reads without colour too.
END_MARKERS = {"success": "*", "failure": "X", "neutral": "o"}


def openness_plot(
    curve: list[int],
    *,
    low: int,
    high: int,
    title: str,
    label: str,
    outcome: str | None,
    language: str | None = None,
) -> bytes:
    """Render ``curve`` (the meter at the start and after each turn) as PNG bytes.

    Turn 0 is the start. The y axis is fixed to ``low..high`` so curves from
    different sessions compare at a glance. ``outcome`` ("success", "failure",
    "neutral", or None to show no outcome) sets the curve's colour and the last
    point's marker, and a badge beside the title names it in ``language``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    kind = outcome if outcome in COLOURS else "neutral"
    colour = COLOURS[kind]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    turns = list(range(len(curve)))
    pad = max(0.04 * (high - low), 0.3)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(-0.5, max(len(curve) - 1, 1) + 0.5)
    ax.axhspan(low, high, color="#f4f4f4", zorder=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.8)
    ax.tick_params(labelsize=13)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Wrapped so a long title never runs into the outcome badge on the right.
    ax.set_title(textwrap.fill(title, TITLE_WIDTH), fontsize=17, loc="left")
    ax.set_xlabel(_text("plot.turn", language, "Turn"), fontsize=14)
    ax.set_ylabel(label, fontsize=14)
    if curve:
        marker_size = 8 if len(curve) <= 20 else 5
        ax.plot(turns, curve, color=colour, linewidth=3, marker="o", markersize=marker_size,
                markerfacecolor="white", markeredgewidth=2, zorder=3)
        if outcome is not None:
            last_x, last_y = turns[-1], curve[-1]
            ax.plot([last_x], [last_y], linestyle="none", marker=END_MARKERS[kind],
                    markersize=20, color=colour, markeredgecolor="white", zorder=4,
                    clip_on=False)
            # Beside the title rather than next to the point, so it never covers the curve.
            ax.text(1.0, 1.02, _text(f"summary.outcome.{kind}", language, kind),
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=15,
                    fontweight="bold", color="white",
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "none"})
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _text(key: str, language: str | None, fallback: str) -> str:
    """The catalogue text for ``key``, or ``fallback`` until the key is translated."""
    try:
        return t(key, language)
    except KeyError:
        return fallback
