"""Renderings of an analysis: text (terminal), Markdown (reviews), JSON (tools), SVG (a picture), diff."""
