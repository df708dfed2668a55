"""Deferred KPI recompute (batches pushed through the API): the dossiers are stored at once, the indicators
wait for one coalesced background job per agency, the pages say so meanwhile, and after the job the figures
are those of an import that recomputed at once."""

from chiso.dossiers import queries, refresh, store
from chiso.dossiers.actions import do_import_dossiers
from chiso.dossiers.models import KpiValue
from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.periods import windows

from .conftest import dossier_row, write_rows

FIRST = [
    dossier_row("R1", received="2025-03-03", promised="2025-03-10", finished="2025-03-07"),
    dossier_row("R2", received="2025-03-03", promised="2025-03-07", finished="2025-03-10"),
    dossier_row("R3", received="2025-03-04", promised="2025-03-06", finished="2025-03-12"),
]
ON_TIME = [dossier_row("R4", received="2025-03-05", promised="2025-03-12", finished="2025-03-06")]
LATE = [dossier_row("R5", received="2025-03-05", promised="2025-03-06", finished="2025-03-20"),
        dossier_row("R1", received="2025-03-03", promised="2025-03-10", finished="2025-03-20")]  # R1 again, late now


def _on_time(world, period="2025-03"):
    v = KpiValue.objects.get(agency=world.home, unit=None, period=period, code="2.1")
    return v.numerator, v.denominator


def _values(agency):
    return sorted((u or 0, *rest) for u, *rest in KpiValue.objects.filter(agency=agency).values_list(
        "unit_id", "period", "code", "numerator", "denominator"))


def test_a_deferred_import_stores_dossiers_now_and_figures_after_one_coalesced_job(world, tmp_path, login):
    do_import_dossiers(world.people.office, write_rows(tmp_path / "a.csv", FIRST))
    assert _on_time(world) == (1, 3) and store.drill_file(world.home.pk)[0] is not None
    assert not Job.objects.filter(kind=refresh.KIND).exists()  # a file import recomputes at once

    run = do_import_dossiers(world.people.office, write_rows(tmp_path / "b.csv", ON_TIME), defer_kpis=True)
    assert (run.status, run.created) == ("done", 1)
    # the dossier is stored and found at once; the figures are the old ones and said to be pending
    assert queries.dossier(world.home.pk, "R4")["code"] == "R4"
    assert _on_time(world) == (1, 3)
    assert refresh.pending([world.home.pk, world.other.pk]) == {world.home.pk}
    assert store.drill_file(world.home.pk) == (None, None)  # drill-downs read the files meanwhile
    rows, total = queries.drill(queries.DrillFilter(world.home.pk, windows.parse("2025-03"), which="den"))
    assert total == 4 and "R4" in {r["code"] for r in rows}
    page = login(world.people.office).get("/chi-so-phuc-vu/co-quan/STP/?ky=2025-03").content.decode()
    assert 'data-testid="kpi-pending"' in page and "Chờ tính lại chỉ số" in page

    second = do_import_dossiers(world.people.office, write_rows(tmp_path / "c.csv", LATE), defer_kpis=True)
    assert (second.created, second.updated) == (1, 1)  # idempotent by code: R1 replaced, not doubled
    jobs = Job.objects.filter(kind=refresh.KIND)
    assert jobs.count() == 1 and jobs.get().agency_id == world.home.pk  # coalesced: one refresh queued

    done = run_pending()
    assert [(j.kind, j.state) for j in done] == [(refresh.KIND, "done")]
    # R1 late now, R2 late, R3 late, R4 on time, R5 late: 1 of 5
    assert _on_time(world) == (1, 5)
    assert refresh.pending([world.home.pk]) == set()
    assert store.drill_file(world.home.pk)[0] is not None
    page = login(world.people.office).get("/chi-so-phuc-vu/co-quan/STP/?ky=2025-03").content.decode()
    assert 'data-testid="kpi-pending"' not in page
    deferred = _values(world.home)

    # the same figures as an import that recomputes at once, of the same records
    KpiValue.objects.all().delete()
    do_import_dossiers(world.people.office, write_rows(tmp_path / "d.csv", ON_TIME))
    assert _values(world.home) == deferred


def test_a_refresh_queued_after_one_started_is_queued_again(world, tmp_path):
    """A running refresh may have read the store before the next batch: that batch queues its own."""
    do_import_dossiers(world.people.office, write_rows(tmp_path / "a.csv", FIRST), defer_kpis=True)
    Job.objects.filter(kind=refresh.KIND).update(state=Job.State.RUNNING)
    do_import_dossiers(world.people.office, write_rows(tmp_path / "b.csv", ON_TIME), defer_kpis=True)
    assert Job.objects.filter(kind=refresh.KIND, state=Job.State.QUEUED).count() == 1
    assert refresh.pending([world.home.pk]) == {world.home.pk}
    run_pending()
    assert _on_time(world) == (2, 4)


def test_the_ranking_names_agencies_waiting_for_a_refresh(world, tmp_path, login):
    do_import_dossiers(world.people.office, write_rows(tmp_path / "a.csv", FIRST), defer_kpis=True)
    page = login(world.people.coordinator).get("/chi-so-phuc-vu/xep-hang/?ky=2025-03").content.decode()
    assert 'data-testid="kpi-pending"' in page and world.home.name in page
    run_pending()
    page = login(world.people.coordinator).get("/chi-so-phuc-vu/xep-hang/?ky=2025-03").content.decode()
    assert 'data-testid="kpi-pending"' not in page
