"""Spreadsheet export, one shared writer: every list page's "Xuất Excel" goes through `xlsx_response`."""
