"""The print stylesheet and the progress styles ship with the site's CSS (issue 10)."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "static" / "chiso" / "chiso.css").read_text()


def test_print_hides_the_sites_chrome_and_keeps_tables_as_tables():
    block = CSS[CSS.index("@media print"):]
    hidden = re.search(r"\{([^}]*)\}", block[block.index(".topbar"):]).group(0)
    assert "display:none" in hidden
    for part in (".topbar", ".filters", ".actions", "form"):
        assert part in block[:block.index(hidden)]
    assert "table.data thead { display:table-header-group !important; }" in block


def test_htmx_requests_show_progress():
    assert ".htmx-request#task-results" in CSS and "cursor:progress" in CSS
