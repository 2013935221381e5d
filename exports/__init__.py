"""Turn a scored assessment and its plan into Markdown, TOML and JSON, and write files safely."""

from typing import TYPE_CHECKING

from pdpa_check.support.lazy import lazy_exports

if TYPE_CHECKING:
    from pdpa_check.exports.document import Report, build_report
    from pdpa_check.exports.markdown import render_markdown
    from pdpa_check.exports.structured import render_json, render_toml, report_data
    from pdpa_check.exports.writer import ExportError, default_filename, write_atomic

__getattr__ = lazy_exports(
    __name__,
    {
        "ExportError": "writer",
        "Report": "document",
        "build_report": "document",
        "default_filename": "writer",
        "render_json": "structured",
        "render_markdown": "markdown",
        "render_toml": "structured",
        "report_data": "structured",
        "write_atomic": "writer",
    },
)

__all__ = [
    "ExportError",
    "Report",
    "build_report",
    "default_filename",
    "render_json",
    "render_markdown",
    "render_toml",
    "report_data",
    "write_atomic",
]
