"""Small files and reports for tracking tests, built in code."""

import io
import zipfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.tracking.actions import DocumentRef, UpdateData

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def pdf(name="bao-cao.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="van-ban.docx"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buf.getvalue())


def report(percent=50, status="in_progress", done_on=None, files=(), documents=(), cause="", remedy="",
           narrative="Đã triển khai rà soát hồ sơ tại bộ phận một cửa."):
    return UpdateData(narrative=narrative, percent=percent, proposed_status=status, done_on=done_on,
                      cause=cause, remedy=remedy, files=list(files), documents=list(documents))


def doc(number="45/BC-STP", day=date(2026, 3, 10), summary="Báo cáo kết quả rà soát"):
    return DocumentRef(number=number, date=day, summary=summary)
