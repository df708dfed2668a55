"""The three real plan dumps in ../shared/seeds, scored by the shared evaluation script against their labels.

Skipped when ../shared is not there (the seeds are not part of this repository).
"""

import importlib.util
import json
from pathlib import Path

import pytest

from chiso.importing import import_plan, public

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "eval" / "score_import.py"
NAMES = sorted(p.stem for p in (SEEDS / "labels").glob("*.json")) if (SEEDS / "labels").is_dir() else []

pytestmark = pytest.mark.skipif(not SCORER.is_file() or not NAMES, reason="../shared (seeds, labels) not present")


def _scorer():
    spec = importlib.util.spec_from_file_location("score_import", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_it_imports_the_seed_as_well_as_its_label(name):
    output = import_plan(SEEDS / f"{name}.txt")
    label = json.loads((SEEDS / "labels" / f"{name}.json").read_text(encoding="utf-8"))
    s = _scorer().score(label, output)
    for key in ("f1", "lead", "due", "index"):
        assert s[key] >= 0.95, (key, s)
    for key in ("support", "recurrence", "measure", "plan", "references", "targets"):
        assert s[key] >= 0.9, (key, s)


@pytest.mark.parametrize("name", NAMES)
def test_it_gives_every_contract_key(name):
    raw = import_plan(SEEDS / f"{name}.txt")
    output = public(raw)
    # the review's own keys start with "_" and never reach the contract's JSON
    assert {k for k in raw["plan"] if k not in output["plan"]} == {"_source"}
    assert all(set(t) - set(p) == {"_uncertain"} for t, p in zip(raw["tasks"], output["tasks"], strict=True))
    assert set(output) == {"plan", "tasks"}
    assert set(output["plan"]) == {
        "title", "number", "issued_on", "place", "issuer", "signer", "signer_title", "year", "period_start",
        "period_end", "indices", "references", "targets", "reporting"}
    for task in output["tasks"]:
        assert set(task) == {
            "ref", "index", "field", "criterion", "title", "activity", "output", "lead", "support", "timeframe",
            "due", "recurrence", "budget_million_vnd", "measure"}
        assert task["title"]
        assert task["recurrence"] in (None, "once", "continuous", "monthly", "quarterly", "semiannual", "annual",
                                      "on_event")


def _strip_diacritics(text: str) -> str:
    from chiso.importing.tests.makedocs import _strip

    return "".join(_strip(c) for c in text)


@pytest.mark.parametrize("name", NAMES)
def test_it_imports_the_seed_without_diacritics(name, tmp_path):
    """The same dumps as OCR without a Vietnamese model would give them: keywords match on folded text."""
    path = tmp_path / f"{name}.txt"
    path.write_text(_strip_diacritics((SEEDS / f"{name}.txt").read_text(encoding="utf-8")), encoding="utf-8")
    label = json.loads((SEEDS / "labels" / f"{name}.json").read_text(encoding="utf-8"))
    s = _scorer().score(label, import_plan(path))
    for key in ("f1", "lead", "due", "index"):
        assert s[key] >= 0.95, (key, s)


def _tabled(name):
    """Seeds whose dump keeps real cells (tab-separated), so they can be rewritten as Word/PDF tables."""
    from chiso.importing.blocks import Table
    from chiso.importing.textdump import text_to_blocks

    blocks = text_to_blocks((SEEDS / f"{name}.txt").read_text(encoding="utf-8"))
    return blocks if any(isinstance(b, Table) and b.roles is None for b in blocks) else None


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_seed_rewritten_as_docx_or_pdf_scores_the_same(name, fmt, tmp_path):
    from chiso.importing.tests import makedocs

    blocks = _tabled(name)
    if blocks is None:
        pytest.skip("this seed's tables are flowed text, not cells")
    path = tmp_path / f"{name}.{fmt}"
    (makedocs.blocks_to_docx if fmt == "docx" else makedocs.blocks_to_pdf)(blocks, path)
    label = json.loads((SEEDS / "labels" / f"{name}.json").read_text(encoding="utf-8"))
    s = _scorer().score(label, import_plan(path))
    for key in ("f1", "lead", "due", "index"):
        assert s[key] >= 0.95, (key, s)
