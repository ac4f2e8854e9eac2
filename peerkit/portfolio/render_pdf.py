"""The portfolio as a PDF: its print-ready web page printed by headless Chromium.

The page (with the learner's answers) is written only to a private temporary
folder, and removed with it, by :func:`peerkit.outputs.pdf.print_pdf`.
"""

from __future__ import annotations

from peerkit.outputs.pdf import print_pdf
from peerkit.portfolio.collect import Portfolio
from peerkit.portfolio.render_html import render_html


def render_pdf(portfolio: Portfolio) -> bytes:
    """An A4 PDF of the portfolio page; PrintError when Chromium is missing or fails."""
    return print_pdf(render_html(portfolio).decode("utf-8"), name="portfolio.html")
