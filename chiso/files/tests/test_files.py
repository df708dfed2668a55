"""The shared evidence-file service: content checks, checksum, storage, atomic writes, safe serving."""

import hashlib
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.files.checks import check_upload
from chiso.files.serving import attachment
from chiso.files.storage import remove_stored, write_atomically

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_it_checks_the_content_not_the_name():
    checked = check_upload(SimpleUploadedFile("bao-cao.pdf", PDF))
    assert (checked.kind, checked.content_type, checked.size) == ("pdf", "application/pdf", len(PDF))
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()
    with pytest.raises(ValidationError, match="không khớp"):
        check_upload(SimpleUploadedFile("anh.pdf", PNG))
    with pytest.raises(ValidationError, match="không phải PDF"):
        check_upload(SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError, match="rỗng"):
        check_upload(SimpleUploadedFile("trong.pdf", b""))


def test_the_size_limit_comes_from_settings(settings):
    settings.CHISO_EVIDENCE_MAX_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="quá lớn .tối đa 1 MB"):
        check_upload(big)


def test_a_file_is_written_whole_or_not_at_all(tmp_path):
    target = tmp_path / "bc.docx"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["bc.docx"]  # no temporary file left behind


    with pytest.raises(TypeError):
        write_atomically(target, object())  # a failure while writing
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["bc.docx"]


def test_a_written_file_gets_the_mode_open_would_give(tmp_path):
    """mkstemp makes 0600; a poster or report written for a person is a normal file (0644 under umask 022)."""
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "a.pdf", b"x")
        assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o644
        os.umask(0o027)
        write_atomically(tmp_path / "b.pdf", b"x")
        assert (tmp_path / "b.pdf").stat().st_mode & 0o777 == 0o640
        (tmp_path / "a.pdf").chmod(0o600)  # replacing a file keeps its mode, as open() would
        write_atomically(tmp_path / "a.pdf", b"y")
        assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


@pytest.mark.django_db
def test_a_stored_file_is_served_as_a_download_of_its_checked_type(settings, tmp_path):
    from chiso.tracking.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence(original_name="x")
    name = evidence.store(check_upload(SimpleUploadedFile("Báo cáo quý.pdf", PDF)))
    assert (tmp_path / name).read_bytes() == PDF and evidence.original_name == "Báo cáo quý.pdf"
    response = attachment(evidence)
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    response.close()
    remove_stored([name, name])  # twice: the second is already gone
    assert not (tmp_path / name).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        attachment(Evidence(file=name, original_name="Báo cáo quý.pdf"))


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,disposition,ctype", [
    ("Báo cáo quý.pdf", PDF, "inline", "application/pdf"),
    ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "inline", "image/png"),
    ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "inline", "image/jpeg"),
])
def test_pdfs_and_images_open_in_the_browser(settings, tmp_path, name, content, disposition, ctype):
    from chiso.files.serving import inline_or_attachment
    from chiso.tracking.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence()
    evidence.store(check_upload(SimpleUploadedFile(name, content)))
    response = inline_or_attachment(evidence)
    assert response["Content-Type"] == ctype and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(f"{disposition};")
    response.close()


@pytest.mark.django_db
def test_other_types_still_download(settings, tmp_path):
    import io
    import zipfile

    from chiso.files.serving import inline_or_attachment
    from chiso.tracking.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    evidence = Evidence()
    evidence.store(check_upload(SimpleUploadedFile("bien-ban.docx", buf.getvalue())))
    response = inline_or_attachment(evidence)
    assert response["Content-Disposition"].startswith("attachment;")
    response.close()
