"""The three real plan dumps in ../shared/seeds, scored by the shared evaluation script against their labels.

Skipped when ../shared is not there (the seeds are not part of this repository).
"""

import importlib.util
import json
from pathlib import Path

import pytest

from chiso.importing import import_plan

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
    output = import_plan(SEEDS / f"{name}.txt")
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
