"""The evidence pack (hồ sơ kê khai) of one agency in one round: a ZIP with a folder per field and criterion
holding the evidence files, and an index in DOCX (official layout) and XLSX listing every sub-criterion,
its maximum, self-score, reviewed score, evidence (number, date, title, file name in the ZIP) and explanation.

Files are copied into the ZIP in chunks (memory stays flat whatever their size) and stored without
recompression (PDF, DOCX, XLSX, PNG and JPEG are compressed already); the ZIP is written to a temporary file
beside the target and renamed when complete, so nobody ever sees half a pack. Large packs run as the
`assessment_pack` background job with progress; `chiso assessment export` calls the same `write_pack`."""

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.frameworks.exchange import tree_order
from chiso.frameworks.models import FrameworkNode
from chiso.language import in_vietnamese
from chiso.lib.numbers import format_vn_decimal
from chiso.lib.text import fold
from chiso.periods.calendar import today
from chiso.reports.documents import date_line
from chiso.reports.documents.docx import grid_table, header_block, new_document, title_block

from .models import Score, ScoreEvidence, Submission

INDEX_COLUMNS = ["Mã", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Số, ký hiệu", "Ngày", "Trích yếu",
                 "Tệp trong hồ sơ", "Giải trình"]
CHUNK = 1024 * 1024


class PackError(Exception):
    """str() is a Vietnamese sentence."""


def _safe(text: str, limit: int = 60) -> str:
    """A folder or file name every system accepts: no separators or control characters, not too long."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip().strip(".")
    return re.sub(r"\s+", " ", text)[:limit].strip() or "_"


@dataclass
class Entry:
    score: Score
    node: FrameworkNode
    folder: str
    evidence: list  # [(ScoreEvidence, name in zip or "")]


def plan_pack(submission: Submission) -> list[Entry]:
    """Every scored sub-criterion in tree order with its folder ("1. Field/1.1 Criterion") and the names its
    files will have in the ZIP (unique, prefixed by the sub-criterion's code)."""
    nodes = tree_order(FrameworkNode.objects.filter(framework_id=submission.round.framework_id))
    by_id = {n.pk: n for n in nodes}
    scores = {s.node_id: s for s in Score.objects.filter(submission=submission)}
    evidence: dict[int, list] = {}
    for item in ScoreEvidence.objects.filter(score__submission=submission).select_related("source") \
            .order_by("score_id", "id"):
        evidence.setdefault(item.score_id, []).append(item)
    used: set[str] = set()
    entries = []
    for node in nodes:
        score = scores.get(node.pk)
        if score is None:
            continue
        chain, parent = [], by_id.get(node.parent_id)
        while parent is not None:
            chain.insert(0, parent)
            parent = by_id.get(parent.parent_id)
        folder = "/".join(_safe(f"{n.code} {n.name}") for n in chain) or _safe(f"{node.code} {node.name}")
        files = []
        for item in evidence.get(score.pk, []):
            stored = item.source if item.source_id else item
            if not stored.file:
                files.append((item, ""))
                continue
            base = _safe(f"{node.code} - {stored.original_name or Path(stored.file.name).name}", 120)
            name, n = f"{folder}/{base}", 1
            while fold(name) in used:
                n += 1
                stem, dot, ext = base.rpartition(".")
                name = f"{folder}/{stem} ({n}).{ext}" if dot else f"{folder}/{base} ({n})"
            used.add(fold(name))
            files.append((item, name))
        entries.append(Entry(score, node, folder, files))
    return entries


def _num(value) -> str:
    return format_vn_decimal(value) if value is not None else ""


def index_rows(entries: list[Entry]) -> list[list]:
    rows = []
    for e in entries:
        s = e.score
        reviewed = s.reviewed_value if s.review != Score.Review.PENDING else None
        explanation = "\n".join(t for t in (s.explanation, s.answer and f"Giải trình sau thẩm định: {s.answer}")
                                if t)
        items = e.evidence or [(None, "")]
        for i, (item, name) in enumerate(items):
            first = i == 0
            rows.append([
                e.node.code if first else "", e.node.name if first else "",
                _num(e.node.max_score) if first else "", _num(s.self_score) if first else "",
                _num(reviewed) if first else "",
                item.doc_number if item else "", item.doc_date.strftime("%d/%m/%Y") if item and item.doc_date else "",
                str(item.doc_summary or item) if item else "", name, explanation if first else "",
            ])
    return rows


@in_vietnamese
def index_docx(submission: Submission, rows: list[list]) -> bytes:
    """The index in the layout of NĐ 30/2020: heading, title, one ruled table (landscape)."""
    agency = submission.agency
    doc = new_document(landscape=True)
    place = agency.province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    header_block(doc, agency.parent_body or "", agency.name.upper(), "", date_line(place, today()))
    title_block(doc, "DANH MỤC HỒ SƠ KÊ KHAI", f"{submission.round.name} — {agency.name}")
    grid_table(doc, INDEX_COLUMNS, [[str(v) for v in row] for row in rows], size=10)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def index_xlsx(rows: list[list]) -> bytes:
    from chiso.exports.xlsx import workbook_bytes

    return workbook_bytes(INDEX_COLUMNS, rows, "Danh mục hồ sơ")


def pack_filename(submission: Submission) -> str:
    return f"ho-so-ke-khai-{submission.agency.code}-{submission.round.year}.zip".lower()


def write_pack(submission: Submission, target: Path, progress=None) -> dict:
    """Write the pack to `target` atomically; returns counts. `progress(done, total, message)` as files go."""
    entries = plan_pack(submission)
    rows = index_rows(entries)
    files = [(item, name) for e in entries for item, name in e.evidence if name]
    total = len(files) + 1
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    missing = 0
    size = 0
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr("00 - Danh mục hồ sơ.docx", index_docx(submission, rows),
                        compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr("00 - Danh mục hồ sơ.xlsx", index_xlsx(rows), compress_type=zipfile.ZIP_DEFLATED)
            for done, (item, name) in enumerate(files, start=1):
                stored = item.source if item.source_id else item
                try:
                    handle = stored.file.open("rb")
                except OSError:
                    missing += 1
                    zf.writestr(name + ".thieu-tep.txt", _("Tệp gốc không còn trên máy chủ."))
                    continue
                with handle, zf.open(name, "w", force_zip64=True) as out:
                    shutil.copyfileobj(handle, out, CHUNK)
                size += stored.size or 0
                if progress is not None:
                    progress(done, total, _("Đang đóng gói tệp %(n)d/%(total)d") % {"n": done, "total": len(files)})
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total, _("Đã xong."))
    return {"files": len(files) - missing, "missing": missing, "rows": len(entries), "bytes": size}


def pack_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "packs"


def pack_path(job_id: int, submission: Submission) -> Path:
    return pack_dir() / str(job_id) / pack_filename(submission)


def run_pack_job(job, progress) -> dict:
    """The `assessment_pack` job: build the pack of `arguments["submission"]` for the person who asked."""
    from chiso.jobs.api import JobFailed

    try:
        submission = Submission.objects.select_related("agency__province", "round").get(
            pk=job.arguments["submission"])
    except (Submission.DoesNotExist, KeyError, TypeError) as exc:
        raise JobFailed(_("Không còn hồ sơ tự đánh giá này.")) from exc
    try:
        counts = write_pack(submission, pack_path(job.pk, submission), progress)
    except OSError as exc:
        raise JobFailed(_("Không ghi được tệp hồ sơ kê khai trên máy chủ.")) from exc
    return {**counts, "url": reverse("assessment_pack_download", args=[submission.pk, job.pk])}
