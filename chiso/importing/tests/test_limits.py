"""Every parse is bounded: linear work on long lines (issue 9 defect 6), a time budget with a clear
sentence, the size limit the site configures."""

import pytest

from chiso.importing import ImportRejected, import_plan, textdump
from chiso.importing.tests import makedocs


def flowed_with_long_cell(n: int) -> str:
    line = ("Tăng cường Kiểm tra Văn bản Quy phạm của Sở " * (n // 44 + 1))[:n]
    return "\n".join(makedocs.HEAD_LINES[:6] + [
        "I. MỤC TIÊU", "Nâng cao Chỉ số PAR INDEX năm 2026.", *makedocs.APPENDIX_I,
        "STT Lĩnh vực/tiêu chí Nhiệm vụ Thời gian Chủ trì Phối hợp", "I CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "1 Công tác kiểm tra văn bản", " " + line, "Trong năm", "2026", "Văn phòng Sở", *makedocs.SIGN_LINES])


def test_a_long_line_is_folded_once_not_once_per_capitalised_word(tmp_path, monkeypatch):
    """The 36,000-character line of issue 9 has ~2,400 capitalised words; folding the whole line for each of
    them made the parse quadratic (21.8 s). Count the characters folded instead of timing it."""
    folded = []
    real = textdump.fold_chars
    monkeypatch.setattr(textdump, "fold_chars", lambda text: folded.append(len(text or "")) or real(text))
    path = tmp_path / "dai.txt"
    path.write_text(flowed_with_long_cell(36_000), encoding="utf-8")
    result = import_plan(path)
    assert len(result["tasks"]) == 1 and len(result["tasks"][0]["title"]) > 35_000
    assert sum(folded) < 20 * 36_000  # linear: a few passes over the line, not one per word (~86 million)


def test_the_time_budget_ends_a_parse_with_a_clear_sentence(tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_text(flowed_with_long_cell(2_000), encoding="utf-8")
    with pytest.raises(ImportRejected) as exc:
        import_plan(path, time_limit=1e-9)
    assert "thời gian cho phép" in str(exc.value) and "\n" not in str(exc.value)


def test_the_size_limit_is_the_one_given(tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_text(flowed_with_long_cell(2_000) + "\n" + "x" * (1024 * 1024), encoding="utf-8")
    with pytest.raises(ImportRejected) as exc:
        import_plan(path, max_mb=1)
    assert str(exc.value) == "Tệp quá lớn (tối đa 1 MB)."
    assert import_plan(path, max_mb=2)["tasks"]
