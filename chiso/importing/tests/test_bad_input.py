"""Bad input: one clear Vietnamese sentence (ImportRejected), never a traceback, bounded time and memory."""

import time
import zipfile

import pytest

from chiso.importing import ImportRejected, import_plan
from chiso.importing.tests import makedocs


def _rejected(path, **kw) -> str:
    with pytest.raises(ImportRejected) as exc:
        import_plan(path, **kw)
    message = str(exc.value)
    assert message and "\n" not in message and message.endswith(".")
    return message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _rejected(path) == "Tệp rỗng."


def test_a_blank_text_file_is_refused_as_empty(tmp_path):
    path = tmp_path / "blank.md"
    path.write_text("\n  \n\t\n", encoding="utf-8")
    assert _rejected(path) == "Tệp rỗng."


def test_a_document_that_is_not_a_plan_is_refused(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text(makedocs.NOT_A_PLAN, encoding="utf-8")
    assert _rejected(path) == "Tệp không phải là kế hoạch: không tìm thấy nhiệm vụ nào."


def test_a_wrong_extension_is_refused(tmp_path):
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    assert _rejected(path) == ("Định dạng tệp .exe không được hỗ trợ; hãy dùng .docx, .pdf, .xlsx, .txt hoặc .md.")


def test_a_legacy_doc_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".docx" in _rejected(path)


def test_the_upload_name_decides_the_type(tmp_path):
    path = tmp_path / "upload.bin"
    path.write_text(makedocs.PROSE_PLAN, encoding="utf-8")
    assert "không được hỗ trợ" in _rejected(path)
    assert import_plan(path, filename="kế hoạch.txt")["tasks"]


def test_a_corrupt_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 200)
    assert _rejected(path) == "Tệp DOCX bị hỏng hoặc được mã hóa."


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    assert _rejected(path) == "Tệp DOCX bị hỏng hoặc được mã hóa."


def test_an_encrypted_docx_is_refused(tmp_path):
    # Word saves a password-protected .docx as an OLE compound file
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert _rejected(path) == "Tệp DOCX bị hỏng hoặc được mã hóa."


def test_an_encrypted_pdf_is_refused(tmp_path):
    message = _rejected(makedocs.encrypted_pdf(tmp_path / "secret.pdf"))
    assert "mật khẩu" in message


def test_a_corrupt_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert _rejected(path) == "Tệp PDF bị hỏng, không đọc được."


def test_a_corrupt_xlsx_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a spreadsheet at all")
    assert _rejected(path) == "Tệp XLSX bị hỏng hoặc được mã hóa."


def test_a_zip_bomb_disguised_as_docx_is_refused_before_inflating(tmp_path):
    path = makedocs.zip_bomb_docx(tmp_path / "bomb.docx", megabytes=120)
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    message = _rejected(path)
    assert "bom nén" in message
    assert time.perf_counter() - started < 2


def test_a_200_mb_file_is_refused_by_size_before_reading(tmp_path):
    path = tmp_path / "huge.docx"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: takes no disk space
    started = time.perf_counter()
    assert _rejected(path) == "Tệp quá lớn (tối đa 50 MB)."
    assert time.perf_counter() - started < 1


def test_binary_garbage_named_txt_is_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert "UTF-8" in _rejected(path)


def test_a_missing_file_is_refused(tmp_path):
    assert _rejected(tmp_path / "nowhere.txt") == "Không tìm thấy tệp."


def test_a_layout_the_parser_cannot_handle_is_refused_not_raised(tmp_path, monkeypatch):
    from chiso.importing import layout

    def broken(blocks):
        raise IndexError("a bug in the layout parser")

    monkeypatch.setattr(layout, "parse_blocks", broken)
    path = tmp_path / "plan.txt"
    path.write_text(makedocs.PROSE_PLAN, encoding="utf-8")
    assert "Không đọc được nội dung tệp" in _rejected(path)


def test_mangled_plans_never_raise_anything_but_import_rejected():
    import random

    from chiso.importing.layout import parse_blocks
    from chiso.importing.textdump import text_to_blocks

    random.seed(3)
    base = makedocs.par_flowed_text().split("\n") + makedocs.PROSE_PLAN.split("\n")
    for _attempt in range(60):
        lines = list(base)
        for _ in range(random.randint(1, 12)):
            i = random.randrange(len(lines))
            lines[i] = lines[i][: random.randint(0, len(lines[i]))]
        head = random.randint(0, 20)  # shuffle the first lines in place (a slice would shuffle a copy)
        lines[:head] = random.sample(lines[:head], len(lines[:head]))
        try:  # the parser itself, not import_plan (which would hide a crash behind ImportRejected)
            parse_blocks(text_to_blocks("\n".join(lines)))
        except ImportRejected:
            pass
