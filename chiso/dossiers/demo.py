"""The demo's dossiers: a year of generated dossiers and PAKN up to today for the demo agencies (the shape
of chiso/dossiers/generate.py: mostly on time, some late, some supplemented, about half online), one
apology already sent, imported through the same action as a real export."""

import tempfile
from datetime import timedelta
from pathlib import Path

from . import generate
from .actions import do_import_dossiers

DOSSIERS_PER_AGENCY = 9000
PAKN_PER_AGENCY = 150


def load_dossiers_demo(today, agencies, office=None) -> int:
    """Import the demo exports for `agencies` (Agency objects). Returns the number of dossiers."""
    specs = [(a.code, [u.name for u in a.units.order_by("name") if u.kind != "leadership"]) for a in agencies]
    start = today - timedelta(days=364)
    with tempfile.TemporaryDirectory(prefix="chiso-demo-") as tmp:
        dossiers = generate.write_csv(Path(tmp) / "ho-so.csv", generate.dossiers_sql(
            DOSSIERS_PER_AGENCY * len(specs), specs, start, today, procedures=60, seed=2025, late_percent=6))
        pakn = generate.write_csv(Path(tmp) / "pakn.csv", generate.pakn_sql(
            PAKN_PER_AGENCY * len(specs), specs, start, today, seed=2025))
        do_import_dossiers(office, dossiers)
        do_import_dossiers(office, pakn)
    return DOSSIERS_PER_AGENCY * len(specs)


def add_demo_apologies(today, agency, office=None, share: int = 70) -> int:
    """Letters already sent for most late dossiers finished before this month (the rest show the gap)."""
    from chiso.periods import windows

    from . import compute, queries, store
    from .models import Apology

    year = windows.containing("year", today)
    rows, _total = queries.drill(queries.DrillFilter(agency_id=agency.pk, period=year, code="2.1", which="miss"),
                                 limit=None, as_of=today)
    month_start = today.replace(day=1)
    chosen = [r for i, r in enumerate(rows) if r["finished"] and r["finished"] < month_start and i % 100 < share]
    Apology.objects.bulk_create([
        Apology(agency=agency, unit_id=r["unit_id"], dossier_code=r["code"], number=f"{i + 1}/TXL-{agency.code}",
                sent_on=min(today, r["finished"] + timedelta(days=2)), created_by=office)
        for i, r in enumerate(chosen)], ignore_conflicts=True)
    con = store.connect()
    try:
        with store.writing() as tx:
            compute.refresh(con, tx, [agency.pk], as_of=today)
            tx.commit()
    finally:
        con.close()
    return len(chosen)


def confirm_demo_measures(agency, office) -> int:
    """The office has confirmed the proposed indicator of each measurable task of the demo plan."""
    from chiso.plans.models import Task

    from .actions import do_decide_measure
    from .measures import propose

    done = 0
    for task in Task.objects.filter(plan__agency=agency).select_related("plan"):
        proposal = propose(task)
        if proposal is not None:
            do_decide_measure(office, task, proposal, True)
            done += 1
    return done
