"""Per-candidate report: one Jinja template rendered as a print-friendly page or, via WeasyPrint, a PDF."""

from functools import cache
from typing import Any

from app.settings import PROJECT_ROOT
from app.web.i18n import current_locale
from app.web.templating import templates

REPORT_TEMPLATE = "reports/report.html"
REPORT_CSS = PROJECT_ROOT / "templates" / "reports" / "report.css"
# A fixed document identifier: two PDFs of the same stored state are byte-identical.
PDF_IDENTIFIER = b"interview-grader-report"


@cache
def report_css() -> str:
    return REPORT_CSS.read_text(encoding="utf-8")


def report_html(context: dict[str, Any], *, locale: str, for_pdf: bool) -> str:
    current_locale.set(locale)
    return templates.get_template(REPORT_TEMPLATE).render({**context, "for_pdf": for_pdf})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Nothing is fetched: the report is self-contained, and candidate text can never pull in a URL.
    no_fetching = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=no_fetching)
    pdf: bytes = document.write_pdf(
        stylesheets=[CSS(string=report_css(), url_fetcher=no_fetching)], pdf_identifier=PDF_IDENTIFIER
    )
    return pdf


def report_pdf(context: dict[str, Any], *, locale: str) -> bytes:
    return html_to_pdf(report_html(context, locale=locale, for_pdf=True))
