"""Turn a scored assessment and its plan into Markdown, TOML and JSON, and write files safely."""

from pdpa_check.exports.document import Report, build_report
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json, render_toml, report_data
from pdpa_check.exports.writer import ExportError, default_filename, write_atomic

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
