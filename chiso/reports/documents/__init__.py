"""Writers of the official report files (DOCX in the Nghị định 30/2020 layout, XLSX annex, PDF) and the
their file names. They reach the disk through chiso.files.storage.write_atomically (never half-written)."""

from collections.abc import Callable
from datetime import date

from chiso.language import in_vietnamese

FORMATS = {".docx": "docx", ".xlsx": "xlsx", ".pdf": "pdf"}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
LUU = "- Lưu: VT, VP."


def date_line(place: str, day: date | None, year: int | None = None) -> str:
    """ "An Phú, ngày 05 tháng 02 năm 2026": day below 10 and months 1–2 with a leading 0 (NĐ 30/2020).
    A draft without a date leaves the blanks for the clerk."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def recipients_lines(text: str) -> list[str]:
    """The "Nơi nhận" lines, always ending with "- Lưu: VT, VP."."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.replace(" ", "").lower().startswith("-lưu")]
    return [*lines, LUU]


def signing_lines(authority: str, head_title: str, signer_title: str) -> list[str]:
    """KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC; TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; the head alone signs as GIÁM ĐỐC."""
    head = (head_title or "").upper()
    if authority:
        return [f"{authority} {head}".strip(), (signer_title or "").upper()]
    return [head]


@in_vietnamese
def render(fmt: str, report) -> bytes:
    """The bytes of an agency report (an AgencyReport, saved or not) in one of the three formats."""
    build: Callable
    if fmt == "docx":
        from .docx import agency_docx as build
    elif fmt == "xlsx":
        from .xlsx import agency_xlsx as build
    elif fmt == "pdf":
        from .pdf import agency_pdf as build
    else:
        raise ValueError(fmt)
    return build(report)


def stored_path(report, fmt: str):
    """Where the file of a report is kept once rendered.

    A numbered report never changes (a correction is a new version with its own id), so its file is named by
    id, version and number: MEDIA_ROOT/reports/<agency>/<id>-v<version>-n<number>.<fmt>. A report not yet
    numbered changes with every save, so its file is named by the moment of its last change as well
    (.../drafts/<id>-<updated_at in µs>.<fmt>): a file made before a change is never served after it."""
    from pathlib import Path

    from django.conf import settings

    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    folder = Path(settings.MEDIA_ROOT) / "reports" / report.agency.code
    if report.is_numbered:
        # the number is in the name too: a file rendered before numbering must never be served as the issued one
        return folder / f"{report.pk}-v{report.version}-n{report.number or 0}.{fmt}"
    stamp = round(report.updated_at.timestamp() * 1_000_000) if report.updated_at else 0
    return folder / "drafts" / f"{report.pk}-{stamp}.{fmt}"


def stored_file(report, fmt: str):
    """The kept file of the report as it is now, or None when it has not been rendered yet."""
    path = stored_path(report, fmt)
    return path if path.exists() else None


def store_file(report, fmt: str):
    """Render the report and keep the file (written atomically); a draft's older files of the same format
    are removed."""
    from chiso.files.storage import write_atomically

    path = stored_path(report, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, render(fmt, report))
    if not report.is_numbered:
        for old in path.parent.glob(f"{report.pk}-*.{fmt}"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


def issued_file(report, fmt: str):
    """The stored file of a numbered report: rendered once, then served from storage."""
    return stored_file(report, fmt) or store_file(report, fmt)


def filename(report, fmt: str) -> str:
    n = f"{report.number:02d}-" if report.number else ""
    return f"BC-{report.agency.code}-{n}{report.period_code}-v{report.version}.{fmt}"
