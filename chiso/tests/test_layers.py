"""Layers point down only: the order written once in chiso/layers.py, checked over every module of chiso/.
Run `python -m chiso.layers` (or `make layers`) to see the floors and any import cycle between apps."""

import textwrap
from pathlib import Path

from chiso import layers

ROOT = Path(layers.__file__).resolve().parent


def test_every_import_points_down_and_no_app_imports_in_a_circle():
    status, text = layers.report(ROOT)
    assert status == 0, text
    assert "Import cycles between apps: none" in text


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "chiso"
    for name, body in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(body))
    return root


def test_it_fails_on_an_inverted_import(tmp_path):
    root = _tree(tmp_path, {
        "lib/text.py": "import re\n",
        "org/apps.py": "", "plans/apps.py": "", "tracking/apps.py": "",
        "plans/models.py": "from chiso.lib import text\nfrom chiso.org.models import Agency\n",
        "org/models.py": "def agencies():\n    from chiso.plans.models import Plan  # hidden in a function\n",
        "plans/views.py": "from ..tracking import queries\n",  # relative, and up
        "plans/more.py": "from django.db import models\nx = models.ForeignKey('tracking.Period')\n",
        "periods/calendar.py": "import chiso.notifications.service\n",  # same floor
        "lib/dates.py": "from django.utils import timezone\n",  # lib is pure
        "newapp/views.py": "from chiso.lib import text\n",  # not placed
        "plans/tests/test_x.py": "from chiso.tracking import views\n",  # tests are exempt
    })
    status, text = layers.report(root)
    assert status == 1
    errors = [line for line in text.splitlines() if line.startswith("ERROR")]
    assert any("chiso.org.models:2 imports chiso.plans.models: up from org to plans" in e for e in errors)
    assert any("chiso.plans.views:1 imports chiso.tracking: up from plans to tracking" in e for e in errors)
    assert any("chiso.plans.more:2 imports chiso.tracking.models: up from plans to tracking" in e for e in errors)
    assert any("sideways between periods and notifications" in e for e in errors)
    assert any("chiso.lib.dates:1 imports django.utils" in e for e in errors)
    assert any("chiso.newapp.views: its component has no floor" in e for e in errors)
    assert not any("test_x" in e for e in errors)
    assert "Import cycles between apps: org <-> plans" in text  # org -> plans -> org


def test_one_inverted_edge_in_the_real_code_is_caught():
    edges, unplaced, impure = layers.scan(ROOT)
    assert not unplaced and not impure and not layers.violations(edges)
    fake = layers.Edge("chiso.org.models", 1, "org", "reports", "chiso.reports.models")
    assert layers.violations([*edges, fake]) == [
        "chiso.org.models:1 imports chiso.reports.models: up from org to reports"]
    assert any({"org", "reports"} <= set(c) for c in layers.cycles([*edges, fake]))  # reports -> org -> reports


def test_every_app_has_a_floor_and_reserved_names_may_be_absent():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(layers.FLOOR)
    assert "jobs" in layers.FLOOR and layers.FLOOR["periods"] < layers.FLOOR["jobs"] < layers.FLOOR["frameworks"]
    for later in ("assessment", "dossiers", "survey", "public"):
        assert layers.FLOOR["reports"] < layers.FLOOR[later] < layers.FLOOR["api"] < layers.FLOOR["web"]
