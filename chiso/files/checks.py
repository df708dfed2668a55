"""Checking an uploaded evidence file: size limit, type from the content (magic bytes), SHA-256 checksum."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpg": "jpg", "jpeg": "jpg"}


@dataclass
class CheckedFile:
    """An upload that passed `check_upload`, with what is stored beside it."""

    upload: object
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(settings.CHISO_EVIDENCE_MAX_MB * 1024 * 1024)


def sniff(head: bytes, upload) -> str | None:
    """The type the content really is, or None when it is none of the accepted ones."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(upload) -> CheckedFile:
    """Refuse oversized, empty and disguised files with a Vietnamese message; compute the checksum."""
    name = (getattr(upload, "name", "") or "tep").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(_("Tệp %(name)s quá lớn (tối đa %(mb)s MB).")
                              % {"name": name, "mb": limit // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise ValidationError(_("Tệp %(name)s rỗng.") % {"name": name})
    kind = sniff(head, upload)
    if kind is None:
        raise ValidationError(_("Tệp %(name)s không phải PDF, DOCX, XLSX, PNG hoặc JPEG (kiểm tra theo nội dung "
                                "tệp).") % {"name": name})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if EXTENSIONS.get(ext) != kind:
        raise ValidationError(_("Tệp %(name)s có đuôi không khớp với nội dung (nội dung là %(kind)s).")
                              % {"name": name, "kind": kind.upper()})
    digest = hashlib.sha256()
    total = 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        total += len(chunk)
        if total > limit:
            raise ValidationError(_("Tệp %(name)s quá lớn (tối đa %(mb)s MB).")
                                  % {"name": name, "mb": limit // (1024 * 1024)})
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(upload, name[:255], kind, TYPES[kind], total, digest.hexdigest())
