import json


def bulk_rows(rows) -> str:
    """NDJSON of the rows, one object a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
