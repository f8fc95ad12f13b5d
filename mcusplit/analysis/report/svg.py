"""The worst path as a picture: one column per stack (the first stack, then each segment taken),
every frame drawn at the room it occupies, the reserve and header shaded, an arrow at each split.
"""

from __future__ import annotations

from html import escape

from ..analyze import Analysis, EntryResult
from ..model import PathStep
from .common import segments_text

COLUMN_W = 150
GAP = 46
TOP = 78
HEIGHT = 520
LEFT = 58
FRAME_COLOURS = ("#8ab6e8", "#b9d4f2")
INTERRUPT_COLOUR = "#f3c27a"
OVERFLOW_COLOUR = "#e86a6a"


def _columns(path: list[PathStep]) -> list[list[PathStep]]:
    columns: list[list[PathStep]] = [[]]
    for step in path:
        if step.split:
            columns.append([])
        columns[-1].append(step)
    return columns


def render_contiguous(analysis: Analysis, entry: EntryResult) -> str:
    """One stack: every frame of the deepest path at the depth it starts, the budget as a line."""
    path = entry.byte_path
    deepest = max([step.depth + step.frame for step in path] + [1])
    span = max(deepest + analysis.exception_frame, analysis.stack_budget or 0, 1)
    scale = HEIGHT / span
    width = LEFT + COLUMN_W + 260
    height = TOP + HEIGHT + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{LEFT}" y="26" font-size="16" font-weight="bold">Deepest path from {escape(entry.name)}: '
           f'{escape(segments_text(entry))}</text>',
           f'<text x="{LEFT}" y="46" fill="#555">{escape(analysis.elf.name)}: one contiguous stack'
           + (f" of {analysis.stack_budget} B" if analysis.stack_budget else "") + "</text>",
           f'<rect x="{LEFT}" y="{TOP}" width="{COLUMN_W}" height="{HEIGHT}" fill="white" stroke="#444"/>']
    for i, step in enumerate(path):
        top_y = TOP + step.depth * scale
        h = max(step.frame * scale, 1.5)
        fill = INTERRUPT_COLOUR if step.via == "interrupt" else FRAME_COLOURS[i % 2]
        if step.note:
            fill = OVERFLOW_COLOUR
        out.append(f'<rect x="{LEFT + 8}" y="{top_y:.1f}" width="{COLUMN_W - 16}" height="{h:.1f}" fill="{fill}" '
                   f'stroke="#335" stroke-width="0.6"><title>{escape(step.function)}: frame {step.frame} B at '
                   f'{step.depth} B</title></rect>')
        if h >= 11:
            out.append(f'<text x="{LEFT + COLUMN_W + 8}" y="{top_y + 10:.1f}">{escape(step.function)} '
                       f'({step.frame} B at {step.depth} B)</text>')
    if analysis.stack_budget:
        y = TOP + analysis.stack_budget * scale
        out.append(f'<line x1="{LEFT - 10}" y1="{y:.1f}" x2="{LEFT + COLUMN_W + 10}" y2="{y:.1f}" '
                   f'stroke="{OVERFLOW_COLOUR}" stroke-width="2"/>')
        out.append(f'<text x="{LEFT + COLUMN_W + 14}" y="{y + 4:.1f}" fill="{OVERFLOW_COLOUR}">end of the '
                   f'stack ({analysis.stack_budget} B)</text>')
    out.append(f'<text x="{LEFT}" y="{TOP + HEIGHT + 30}" fill="#555">interrupts: '
               f'{escape(analysis.interrupt_model)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render(analysis: Analysis, entry: EntryResult | None = None) -> str:
    entry = entry or analysis.entries[0]
    if analysis.contiguous:
        return render_contiguous(analysis, entry)
    layout = analysis.layout
    seg = layout.segment_size
    scale = HEIGHT / seg
    columns = _columns(entry.path)
    width = LEFT + len(columns) * (COLUMN_W + GAP) + 20
    height = TOP + HEIGHT + 92
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">',
        '<defs><pattern id="reserve" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="3"/></pattern>'
        '<marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
        '<path d="M0,0 L10,4 L0,8 z" fill="#d9822b"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="26" font-size="16" font-weight="bold">Worst path from {escape(entry.name)}: '
        f'{escape(segments_text(entry))} segment(s) of {layout.segments}</text>',
        f'<text x="{LEFT}" y="46" fill="#555">{escape(analysis.elf.name)}: segments of {seg} B, reserve '
        f'{layout.reserve} B, header 16 B; frames at the room they occupy (sp mod {seg})</text>',
    ]
    # room axis on the left
    for room in range(0, seg + 1, seg // 4):
        y = TOP + HEIGHT - room * scale
        out.append(f'<line x1="{LEFT - 6}" y1="{y:.1f}" x2="{LEFT - 2}" y2="{y:.1f}" stroke="#888"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#888">{room}</text>')
    out.append(f'<text x="12" y="{TOP + HEIGHT / 2}" fill="#888" transform="rotate(-90 12 {TOP + HEIGHT / 2})" '
               'text-anchor="middle">room (bytes)</text>')

    colour_index = 0
    previous_exit: tuple[float, float] | None = None
    for c, steps in enumerate(columns):
        x = LEFT + c * (COLUMN_W + GAP)
        title = "first stack" if c == 0 else f"segment {c}"
        out.append(f'<text x="{x + COLUMN_W / 2}" y="{TOP - 10}" text-anchor="middle" font-weight="bold">'
                   f'{title}</text>')
        out.append(f'<rect x="{x}" y="{TOP}" width="{COLUMN_W}" height="{HEIGHT}" fill="white" stroke="#444"/>')
        reserve_h = layout.reserve * scale
        out.append(f'<rect x="{x}" y="{TOP + HEIGHT - reserve_h:.1f}" width="{COLUMN_W}" height="{reserve_h:.1f}" '
                   'fill="url(#reserve)"><title>reserve: no check lets a frame end below this</title></rect>')
        header_h = 16 * scale
        out.append(f'<rect x="{x}" y="{TOP}" width="{COLUMN_W}" height="{header_h:.1f}" fill="#666">'
                   '<title>segment header (16 B)</title></rect>')
        if steps and steps[0].split and previous_exit is not None:
            ex, ey = previous_exit
            out.append(f'<path d="M{ex:.1f},{ey:.1f} C{ex + GAP * 0.8:.1f},{ey:.1f} {x - GAP * 0.8:.1f},'
                       f'{TOP + 30:.1f} {x - 2:.1f},{TOP + 30:.1f}" fill="none" stroke="#d9822b" '
                       'stroke-width="2" marker-end="url(#arrow)"/>')
            out.append(f'<text x="{x - GAP / 2:.1f}" y="{TOP + 20:.1f}" text-anchor="middle" fill="#d9822b">'
                       'split</text>')
        last_bottom = TOP + header_h
        for step in steps:
            room = step.body_room
            top_y = TOP + HEIGHT - room * scale
            h = max(step.frame * scale, 1.5)
            if step.note == "overflow":
                fill = OVERFLOW_COLOUR
            elif step.via == "interrupt":
                fill = INTERRUPT_COLOUR
            else:
                fill = FRAME_COLOURS[colour_index % 2]
                colour_index += 1
            tip = (f"{step.function}: frame {step.frame} B, entered with {step.room} B of room"
                   + (", split here" if step.split else "") + (f", {step.note}" if step.note else ""))
            out.append(f'<rect x="{x + 8}" y="{top_y:.1f}" width="{COLUMN_W - 16}" height="{h:.1f}" '
                       f'fill="{fill}" stroke="#335" stroke-width="0.6"><title>{escape(tip)}</title></rect>')
            if h >= 11:
                label = step.function if len(step.function) <= 16 else step.function[:15] + "…"
                text_y = top_y + min(h, 24) / 2 + 4
                out.append(f'<text x="{x + 13}" y="{text_y:.1f}">{escape(label)}</text>')
                out.append(f'<text x="{x + COLUMN_W - 13}" y="{text_y:.1f}" text-anchor="end" fill="#335">'
                           f'{step.frame} B</text>')
            last_bottom = top_y + h
        previous_exit = (x + COLUMN_W, last_bottom)

    legend_y = TOP + HEIGHT + 30
    items = [("#8ab6e8", "frame (bytes)"), (INTERRUPT_COLOUR, "interrupt handler"), ("url(#reserve)", "reserve"),
             ("#666", "segment header"), (OVERFLOW_COLOUR, "overflow")]
    x = LEFT
    for fill, label in items:
        out.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{fill}" stroke="#444"/>')
        out.append(f'<text x="{x + 20}" y="{legend_y + 11}">{label}</text>')
        x += 150
    out.append(f'<text x="{LEFT}" y="{legend_y + 40}" fill="#555">interrupts: {escape(analysis.interrupt_model)}'
               '</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
