"""Reads for reports: the figures of a unit or an agency for a period, the submissions overview and the
province roll-up. A fixed number of queries whatever the number of tasks; statuses come from
chiso.plans.status, as everywhere else. Figures are plain JSON-ready dicts: a report stores them."""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext

from chiso.frameworks.models import IndexCode, PublishedResult
from chiso.lib.numbers import format_vn_decimal, format_vn_percent, percent
from chiso.org.models import Unit
from chiso.periods.codes import RECURRING, Period, PeriodError, counting_day, day_in
from chiso.plans.figures import active_q, count_statuses, status_case, tally
from chiso.plans.models import PlanTarget, Task
from chiso.plans.status import Status, status_q
from chiso.tracking.models import Evidence, ProgressUpdate

from .models import AgencyReport, UnitReport

STATUS_LABELS = {k: str(v) for k, v in Status.choices}
STATUS_KEYS = [Status.DONE, Status.DONE_LATE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.OVERDUE,
               Status.FAILED]
COUNTED = (ProgressUpdate.Review.CONFIRMED, ProgressUpdate.Review.SUBMITTED)


def today() -> date:
    return timezone.localdate()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _pct(part: int, whole: int) -> float | None:
    return percent(part, whole)


def scope(period: Period) -> Q:
    """The tasks a period's report covers: active plans (or closed since) of the period's year."""
    return Q(plan__year=period.year) & active_q("plan__", closed=True)


def _midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone())


def updated_by(period: Period, now: date) -> Exists:
    """Tasks with an update that counts in the report of `period` made by `now`, in SQL: the rule of
    `periods.codes.counting_day` (a recurring task's check-in counts at the cut-off of its last month, anything
    else on the day it was made) as date ranges the indexes can use."""
    made = Q(created_at__lt=_midnight_after(now))
    on_made_day = Q(created_at__lt=_midnight_after(period.end))
    counted = on_made_day
    if period.cutoff_day:
        # the latest month whose cut-off day is still inside the period; check-ins ending by then count
        y, m = period.end.year, period.end.month
        if day_in(y, m, period.cutoff_day) > period.end:
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        boundary = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
        on_cutoff = Q(task__recurrence__in=RECURRING, period__by_hand=False)
        counted = (on_cutoff & Q(period__end__lt=boundary)) | (~on_cutoff & on_made_day)
    return Exists(ProgressUpdate.objects.filter(task=OuterRef("pk"), kind=ProgressUpdate.Kind.UPDATE)
                  .filter(made & counted))


def status_args(period: Period, now: date) -> tuple[date, Exists]:
    """The day a report reads statuses on (its cut-off, or today if earlier) and its "has updates"."""
    return min(now, period.end), updated_by(period, now)


def evidence_text(number: str, day: date | None, summary: str, name: str, link: str) -> str:
    """ "Số 15/BC-PHCTP ngày 10/03/2026: Báo cáo …" or the file name or the link."""
    parts = []
    if number:
        parts.append(f"Số {number}")
    if day:
        parts.append(f"ngày {day:%d/%m/%Y}")
    text = " ".join(parts)
    if summary:
        text = f"{text}: {summary}" if text else summary
    return text or name or link


def task_rows(tasks, period: Period, now: date | None = None) -> list[dict]:
    """Each task as a JSON-ready row with its status at the period's cut-off (or today, if earlier), the
    latest report of its lead unit that counts in the period and the evidence of those reports. Four queries.

    An update counts at its `counting_day` (chiso.periods): the cut-off of its check-in period's last month
    for a recurring task (a "Quý I" update lands in 2026-Q1 whenever it was sent), else the day it was made."""
    now = now or today()
    as_of, updated = status_args(period, now)
    items = list(tasks.annotate(_status=status_case(as_of, updated)).order_by("plan_id", "order", "id").values(
        "id", "ref", "title", "index", "field_name", "due", "plan_id", "plan__agency_id", "plan__number",
        "tracking__fail_reason", "_status"))
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, name in Task.lead_units.through.objects.filter(task_id__in=tasks.values("id")) \
            .values_list("task_id", "unit_id", "unit__name").order_by("unit__name"):
        leads[task_id].append((unit_id, name))
    latest: dict[int, dict] = {}
    progress_then: dict[int, int] = {}  # the progress last reported by the cut-off (confirmed or waiting)
    in_window: dict[int, int] = {}  # update id -> task id, for the evidence
    for u in ProgressUpdate.objects.filter(task_id__in=tasks.values("id"), kind=ProgressUpdate.Kind.UPDATE,
                                           created_at__lt=_midnight_after(now)) \
            .order_by("created_at", "id").values("id", "task_id", "narrative", "percent", "cause", "remedy",
                                                 "created_at", "review", "period__end", "period__by_hand",
                                                 "task__recurrence"):
        made_on = timezone.localdate(u["created_at"])
        day = counting_day(made_on, u["period__end"],
                           u["task__recurrence"] in RECURRING and u["period__by_hand"] is False, period.cutoff_day)
        if made_on > now or day > period.end:
            continue  # not sent yet at `now`, or it counts in a later period
        if u["review"] not in COUNTED:
            continue
        progress_then[u["task_id"]] = u["percent"]
        if day >= period.start:
            latest[u["task_id"]] = u
            in_window[u["id"]] = u["task_id"]
    evidence: dict[int, list[str]] = defaultdict(list)
    for e in Evidence.objects.filter(update_id__in=list(in_window)).order_by("update_id", "id").values(
            "update_id", "doc_number", "doc_date", "doc_summary", "original_name", "link"):
        text = evidence_text(e["doc_number"], e["doc_date"], e["doc_summary"], e["original_name"], e["link"])
        task_id = in_window.get(e["update_id"])
        if text and task_id and text not in evidence[task_id]:
            evidence[task_id].append(text)
    rows = []
    for t in items:
        status = t["_status"]  # the one SQL status of every count (plans.figures), read at the cut-off
        u = latest.get(t["id"], {})
        rows.append({
            "id": t["id"], "ref": t["ref"], "title": t["title"], "index": t["index"], "field": t["field_name"],
            "agency_id": t["plan__agency_id"], "plan": t["plan__number"],
            "units": [n for _i, n in leads.get(t["id"], [])], "unit_ids": [i for i, _n in leads.get(t["id"], [])],
            "due": _iso(t["due"]), "status": str(status), "status_label": STATUS_LABELS[status],
            "percent": 100 if status in (Status.DONE, Status.DONE_LATE) else progress_then.get(t["id"], 0),
            "narrative": u.get("narrative", ""), "cause": u.get("cause", "") or t["tracking__fail_reason"] or "",
            "remedy": u.get("remedy", ""), "evidence": evidence.get(t["id"], []),
            "days_late": (as_of - t["due"]).days if status == Status.OVERDUE and t["due"] else 0,
        })
    return rows


def counts(rows: list[dict]) -> dict:
    """The tally of rows in hand (their status came from the same SQL rule as every count)."""
    return tally(Counter(r["status"] for r in rows))


_KEYS = [str(s) for s in STATUS_KEYS]
_statuses = itemgetter(*_KEYS)  # a tally's counts as a tuple, in _KEYS order


def _add(tallies) -> dict:
    """One tally of several (their statuses summed). Called thousands of times on the roll-up: a single
    tally is copied, not tallied again."""
    tallies = list(tallies)
    if len(tallies) == 1:
        return dict(tallies[0])
    sums = map(sum, zip(*map(_statuses, tallies), strict=True))  # column sums, in C
    return tally(dict(zip(_KEYS, sums, strict=False)))  # no tallies: no sums, every status 0


def tallies(tasks, period: Period, now: date, by: tuple = ()) -> dict[tuple, dict]:
    """{(by..., index, field): tally} of the tasks at the report's cut-off: ONE grouped query
    (plans.figures.count_statuses), the same the dashboards count with."""
    as_of, updated = status_args(period, now or today())
    return count_statuses(tasks, as_of, by=(*by, "index", "field_name"), updated=updated)


_ORDER = {c: i for i, c in enumerate(IndexCode.values)}


def by_field(groups: dict[tuple, dict]) -> list[dict]:
    """Completion per index and field, in the catalog's index order (from `tallies`, keys end in index, field)."""
    labels = dict(IndexCode.choices)
    merged: dict[tuple[str, str], list] = defaultdict(list)
    for key, c in groups.items():
        merged[(key[-2] or "", key[-1] or "")].append(c)
    return [{"index": idx, "index_label": str(labels.get(idx) or "Khác"), "field": fld or "—", **_add(cs)}
            for (idx, fld), cs in sorted(merged.items(), key=lambda kv: (_ORDER.get(kv[0][0], 99), kv[0][1]))]


def by_index(groups: dict[tuple, dict]) -> list[dict]:
    labels = dict(IndexCode.choices)
    merged: dict[str, list] = defaultdict(list)
    for key, c in groups.items():
        merged[key[-2] or ""].append(c)
    return [{"index": idx, "index_label": str(labels.get(idx) or "Khác"), **_add(cs)}
            for idx, cs in sorted(merged.items(), key=lambda kv: _ORDER.get(kv[0], 99))]


def unit_figures(agency, unit, period: Period, now: date | None = None) -> dict:
    """What a unit's report says: its tasks done, in progress, late (with causes) and the evidence."""
    tasks = Task.objects.filter(scope(period), plan__agency=agency, lead_units=unit)
    rows = task_rows(tasks, period, now)
    c = _add(tallies(tasks, period, now).values())
    done = [r for r in rows if r["status"] in (Status.DONE, Status.DONE_LATE)]
    late = [r for r in rows if r["status"] in (Status.OVERDUE, Status.FAILED, Status.DONE_LATE)]
    going = [r for r in rows if r["status"] in (Status.IN_PROGRESS, Status.NOT_STARTED)]
    return {"unit": unit.name, "as_of": _iso(min(now or today(), period.end)), "counts": c,
            "done": done, "in_progress": going, "late": late, "tasks": rows,
            "evidence": [{"ref": r["ref"], "title": r["title"], "text": e} for r in rows for e in r["evidence"]]}


def draft_unit_text(fig: dict) -> dict:
    """The editable sections of a unit report, drafted from its figures."""
    c = fig["counts"]
    lines = [f"Tổng số nhiệm vụ đơn vị chủ trì: {c['total']}; hoàn thành {c['completed']} "
             f"(đúng hạn {c[Status.DONE]}, quá hạn {c[Status.DONE_LATE]}); đang thực hiện {c[Status.IN_PROGRESS]}; "
             f"chưa thực hiện {c[Status.NOT_STARTED]}; quá hạn chưa hoàn thành {c[Status.OVERDUE]}; "
             f"không thực hiện được {c[Status.FAILED]}."]
    if fig["done"]:
        lines.append("Các nhiệm vụ đã hoàn thành:")
        lines += _items((_name(r), _sentence(r["narrative"])
                         + (f" (tài liệu kiểm chứng: {'; '.join(r['evidence'])})" if r["evidence"] else ""))
                        for r in fig["done"])
    if fig["in_progress"]:
        lines.append("Các nhiệm vụ đang thực hiện:")
        lines += _items((f"{_name(r)} (đạt {r['percent']}%)", _sentence(r["narrative"]))
                        for r in fig["in_progress"])
    problems = []
    for r in fig["late"]:
        if r["status"] == Status.DONE_LATE:
            continue
        when = f", hạn {_dmy(r['due'])}" if r["due"] else ""
        problems.append(f"- {_name(r)} ({str(r['status_label']).lower()}{when}). "
                        f"Nguyên nhân: {_sentence(r['cause']) or 'đơn vị chưa báo cáo.'}"
                        + (f" Giải pháp: {_sentence(r['remedy'])}" if r["remedy"] else ""))
    if not fig["tasks"]:
        lines = ["Trong kỳ báo cáo, đơn vị không có nhiệm vụ được giao chủ trì."]
    going = fig["in_progress"] + [r for r in fig["late"] if r["status"] == Status.OVERDUE]
    next_steps = ""
    if going:
        next_steps = "\n".join(["Tiếp tục thực hiện các nhiệm vụ:", *_items(
            (_name(r) + (f" (hạn {_dmy(r['due'])})" if r["due"] else ""), "") for r in going)])
    return {"results": "\n".join(lines), "difficulties": "\n".join(problems) or "Không có.",
            "next_steps": next_steps, "proposals": ""}


def _name(row: dict) -> str:
    """A task as an office names it in a sentence: its title, without the plan's item number ("- 1. …" reads
    machine-made) and without a closing full stop."""
    title = " ".join(str(row["title"] or "").split()).rstrip(" .;")
    return title[:1].upper() + title[1:]


def _sentence(text: str | None) -> str:
    """Free text as one sentence: squashed, capitalised, ending with a full stop ("" when empty)."""
    text = " ".join(str(text or "").split()).rstrip(" ;")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?…)" else text + "."


def _items(pairs) -> list[str]:
    """Bullet lines "- Name: detail" of a list: each but the last ends with ";", the last with "."."""
    out = []
    for name, detail in pairs:
        detail = detail.rstrip(".") if detail else ""
        out.append(f"- {name}: {detail}" if detail else f"- {name}")  # people's own words kept as written
    return [line + (";" if i < len(out) - 1 else ".") for i, line in enumerate(out)]


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def reporting_units(agency, period: Period) -> list[Unit]:
    """Units that must report for the period: those leading a task in scope, plus any that did report."""
    leading = Task.lead_units.through.objects.filter(
        task__in=Task.objects.filter(scope(period), plan__agency=agency)).values("unit_id")
    reported = UnitReport.objects.filter(agency=agency, period_code=period.code).values("unit_id")
    return list(Unit.objects.filter(Q(pk__in=leading) | Q(pk__in=reported), agency=agency).order_by("name"))


def submissions(agency, period: Period) -> dict:
    """Who has submitted, on time or late: one row per unit that must report, and the rates."""
    units = reporting_units(agency, period)
    reports = defaultdict(list)
    for r in UnitReport.objects.filter(agency=agency, period_code=period.code).select_related("submitted_by"):
        reports[r.unit_id].append(r)
    rows = []
    for unit in units:
        versions = sorted(reports.get(unit.pk, []), key=lambda r: r.version)
        sent = [r for r in versions if r.submitted_at]
        first = sent[0] if sent else None
        current = versions[-1] if versions else None
        rows.append({"unit": unit, "report": current, "submitted": first is not None,
                     "submitted_at": first.submitted_at if first else None,
                     "on_time": first.on_time if first else None,
                     "state": "on_time" if first and first.on_time else "late" if first else "missing"})
    expected = len(rows)
    submitted = sum(1 for r in rows if r["submitted"])
    on_time = sum(1 for r in rows if r["on_time"])
    return {"rows": rows, "expected": expected, "submitted": submitted, "on_time": on_time,
            "late": submitted - on_time, "missing": expected - submitted,
            "completeness": _pct(submitted, expected), "timeliness": _pct(on_time, expected)}


def targets(agency, period: Period, groups: dict[tuple, dict]) -> list[dict]:
    """Score targets of the period's plans against the published results and the tasks of the field."""
    plan_targets = list(PlanTarget.objects.filter(active_q("plan__", closed=True), plan__agency=agency,
                                                  plan__year=period.year).order_by("plan_id", "order", "id"))
    results = {(r.node_id, r.framework.index): r for r in PublishedResult.objects.filter(
        agency=agency, year=period.year).select_related("framework")}
    fields = {(f["index"], f["field"]): f for f in by_field(groups)}
    out = []
    for t in plan_targets:
        res = results.get((t.node_id, t.index)) if t.node_id else None
        f = fields.get((t.index, t.field_name), {})
        label = str(dict(IndexCode.choices).get(t.index, t.index))
        out.append({"index": label, "field": t.field_name, "prev_score": _num(t.prev_score),
                    "max_score": _num(t.max_score), "target": f"{t.get_target_op_display()} {_num(t.target_score)}"
                    if t.target_score is not None else "", "result": _num(res.score) if res else "",
                    "tasks": f.get("total", 0), "completed": f.get("completed", 0), "rate": f.get("rate_done")})
    return out


def _num(value) -> str:
    return format_vn_decimal(value)


def agency_figures(agency, period: Period, now: date | None = None) -> dict:
    """Everything an agency report says in numbers, JSON-ready (stored as the report's snapshot)."""
    now = now or today()
    tasks = Task.objects.filter(scope(period), plan__agency=agency)
    rows = task_rows(tasks, period, now)
    groups = tallies(tasks, period, now)
    subs = submissions(agency, period)
    unit_texts = []
    for s in subs["rows"]:
        r = s["report"]
        if r is not None and r.submitted_at:
            unit_texts.append({"unit": s["unit"].name, "results": r.results, "difficulties": r.difficulties,
                               "next_steps": r.next_steps, "proposals": r.proposals})
    overdue = sorted((r for r in rows if r["status"] == Status.OVERDUE), key=lambda r: r["due"] or "")
    return {
        "agency": agency.code, "period": period.code, "label": period.label, "start": _iso(period.start),
        "end": _iso(period.end), "as_of": _iso(min(now, period.end)), "computed_on": _iso(now),
        "counts": _add(groups.values()), "by_index": by_index(groups), "by_field": by_field(groups),
        "targets": targets(agency, period, groups), "overdue": overdue, "tasks": rows,
        "submissions": {k: subs[k] for k in ("expected", "submitted", "on_time", "late", "missing",
                                             "completeness", "timeliness")},
        "units": [{"unit": s["unit"].name, "state": s["state"],
                   # local time: the date printed is the date in the province, not in UTC
                   "submitted_at": timezone.localtime(s["submitted_at"]).isoformat() if s["submitted_at"] else None}
                  for s in subs["rows"]],
        "unit_texts": unit_texts, "empty": not rows,
    }


def draft_agency_text(fig: dict) -> dict:
    """The editable sections of an agency report, drafted from its figures."""
    c, s = fig["counts"], fig["submissions"]
    if fig["empty"]:
        results = (f"Trong kỳ báo cáo ({_dmy(fig['start'])} – {_dmy(fig['end'])}), cơ quan không có nhiệm vụ "
                   "cải cách hành chính nào trong kế hoạch đang thực hiện; không có số liệu để tổng hợp.")
    else:
        results = (f"Tổng số nhiệm vụ theo kế hoạch: {c['total']}; đã hoàn thành {c['completed']} "
                   f"({_fmt_pct(c['rate_done'])}), trong đó đúng hạn {c[Status.DONE]}, quá hạn {c[Status.DONE_LATE]}; "
                   f"đang thực hiện {c[Status.IN_PROGRESS]}; chưa thực hiện {c[Status.NOT_STARTED]}; quá hạn chưa "
                   f"hoàn thành {c[Status.OVERDUE]}; không thực hiện được {c[Status.FAILED]}.")
    direction = (f"Cơ quan đã triển khai kế hoạch cải cách hành chính, giao nhiệm vụ cho các đơn vị và theo dõi "
                 f"tiến độ hằng kỳ. Trong kỳ, {s['submitted']}/{s['expected']} đơn vị gửi báo cáo "
                 f"({s['on_time']} đúng hạn, {s['late']} chậm, {s['missing']} chưa gửi).")
    overdue = fig["overdue"]
    weaknesses = "\n".join([f"Còn {len(overdue)} nhiệm vụ quá hạn chưa hoàn thành:", *_items(
        (f"{_name(r)} (hạn {_dmy(r['due'])}; đơn vị chủ trì: {', '.join(r['units']) or 'chưa giao'})", "")
        for r in overdue[:20])]) if overdue else "Không có nhiệm vụ quá hạn."
    causes = "\n".join(_causes(overdue))
    covered = {_name(r) for r in overdue} if len(overdue) > CAUSES_LISTED else set()
    for u in fig["unit_texts"]:
        difficulties = _uncovered(u["difficulties"], covered)
        if difficulties and difficulties != "Không có.":
            causes += ("\n" if causes else "") + f"{u['unit']}: {difficulties}"
    next_tasks = ["- Tiếp tục chỉ đạo, đôn đốc các đơn vị thực hiện các nhiệm vụ còn lại của kế hoạch."]
    if overdue:
        next_tasks.append("- Tập trung hoàn thành các nhiệm vụ quá hạn: "
                          + "; ".join(_name(r) for r in overdue[:10]) + ("; …" if len(overdue) > 10 else "") + ".")
    next_tasks = "\n".join(next_tasks)
    proposals = "\n".join(f"- {u['unit']}: {_sentence(u['proposals'])}" for u in fig["unit_texts"]
                          if u["proposals"])
    strengths = f"Hoàn thành đúng hạn {c[Status.DONE]} nhiệm vụ." if c[Status.DONE] else ""
    return {"direction": direction, "results_intro": results, "strengths": strengths, "weaknesses": weaknesses,
            "causes": causes, "next_tasks": next_tasks, "proposals": proposals}


CAUSES_LISTED = 10  # up to this many overdue tasks with a cause, each is named with its cause


def _causes(overdue: list[dict]) -> list[str]:
    """The causes of the overdue tasks: task by task when they are few; grouped by cause when they are many
    (each cause with its number of tasks and the first few named; every task and its cause is in Phụ lục II),
    so a province-sized report does not repeat its annex in the body."""
    with_cause = [r for r in overdue if r["cause"]]
    if len(with_cause) <= CAUSES_LISTED:
        return _items((_name(r), _sentence(r["cause"])) for r in with_cause)
    groups: dict[str, list[dict]] = {}
    for r in with_cause:
        groups.setdefault(_sentence(r["cause"]).rstrip("."), []).append(r)
    ranked = sorted(groups.items(), key=lambda item: -len(item[1]))
    return _items((cause, f"{len(rows)} nhiệm vụ ({'; '.join(_name(r) for r in rows[:3])}"
                   f"{'; …' if len(rows) > 3 else ''})") for cause, rows in ranked) + [
        "(Từng nhiệm vụ quá hạn và nguyên nhân: xem Phụ lục II.)"]


UNIT_TASK_LINE = re.compile(r"^- (.+) \([^()]*\)\. Nguyên nhân: ")  # a task line of draft_unit_text


def _uncovered(text: str, covered: set[str]) -> str:
    """A unit's difficulties without the lines about overdue tasks the grouped causes already count (their
    causes are in Phụ lục II); everything the unit wrote in its own words stays."""
    if not covered or not text:
        return text
    kept = [ln for ln in text.splitlines()
            if not ((m := UNIT_TASK_LINE.match(ln.strip())) and m.group(1) in covered)]
    return "\n".join(kept).strip()


def _fmt_pct(value) -> str:
    return format_vn_percent(value)


def province_rollup(province, code: str, now: date | None = None, overdue_limit: int | None = None) -> dict:
    """For each agency of the province and the period: its report (on time / late / missing), completion
    per index and field and its overdue tasks; and the province totals. A fixed number of queries however
    many agencies: the calendars in one, the counts of all agencies in one grouped query and the overdue
    tasks in four per distinct period window (agencies on the default calendar share one). With
    `overdue_limit` (the page) each agency lists only its most late overdue tasks, chosen in SQL by
    ROW_NUMBER() OVER (PARTITION BY agency ORDER BY due, id); its count is whole."""
    from chiso.org.models import Agency
    from chiso.periods.calendar import resolve_many

    now = now or today()
    agencies = list(Agency.objects.filter(province=province, is_active=True, is_coordinator=False)
                    .exclude(kind=Agency.Kind.PROVINCE).order_by("name"))
    periods = resolve_many(agencies, code)
    if agencies and not periods:
        raise PeriodError(gettext("Chưa có lịch báo cáo cho loại kỳ này."))
    agencies = [a for a in agencies if a.pk in periods]
    reports = defaultdict(list)
    for r in AgencyReport.objects.filter(agency__in=agencies, period_code=code, sent_on__isnull=False) \
            .select_related("signed_copy").order_by("version"):  # only a sent report counts (issue 10)
        reports[r.agency_id].append(r)
    windows: dict[tuple, list[int]] = defaultdict(list)
    for agency in agencies:
        p = periods[agency.pk]
        windows[(p.start, p.end, p.cutoff_day)].append(agency.pk)
    groups: dict[tuple, dict] = {}
    overdue: dict[int, list] = defaultdict(list)
    for ids in windows.values():
        period = periods[ids[0]]
        tasks = Task.objects.filter(scope(period), plan__agency_id__in=ids)
        groups.update(tallies(tasks, period, now, by=("plan__agency_id",)))
        late = tasks.filter(status_q(Status.OVERDUE, min(now, period.end)))
        if overdue_limit is not None:  # the most late of each agency, chosen in SQL (a window per agency)
            # no ORDER BY of the Task model (it joins the agency and sorts every overdue task once more)
            ranked = late.order_by().annotate(_rank=Window(RowNumber(), partition_by=[F("plan__agency_id")],
                                                order_by=[F("due").asc(), F("id").asc()]))
            # their ids in hand (one query), so the three queries of task_rows do not rank again
            late = Task.objects.filter(pk__in=list(ranked.filter(_rank__lte=overdue_limit).values_list("pk",
                                                                                                    flat=True)))
        for row in task_rows(late, period, now):
            overdue[row["agency_id"]].append(row)
    per_agency: dict[int, dict] = defaultdict(dict)
    for key, c in groups.items():
        per_agency[key[0]][key] = c
    lines = []
    for agency in agencies:
        period = periods[agency.pk]
        mine = per_agency.get(agency.pk, {})
        issued = reports.get(agency.pk, [])
        first = issued[0] if issued else None
        state = "missing" if first is None else "on_time" if first.on_time else "late"
        latest = issued[-1] if issued else None
        lines.append({"agency": agency.name, "code": agency.code, "state": state,
                      "issued_on": _iso(first.sent_on) if first else None,
                      "number": latest.number_symbol if latest else "", "due": _iso(period.agency_due),
                      "report_id": latest.pk if latest else None,
                      "withdrawn": bool(latest and latest.state == AgencyReport.State.WITHDRAWN),
                      "has_scan": bool(latest and hasattr(latest, "signed_copy")),
                      "counts": _add(mine.values()), "by_field": by_field(mine),
                      "by_index": {i["index_label"]: i["rate_done"] for i in by_index(mine)},
                      "overdue": sorted(overdue.get(agency.pk, []), key=lambda r: (r["due"] or "", r["id"]))})
    states = Counter(line["state"] for line in lines)
    index_labels = [i["index_label"] for i in by_index(groups)]
    period = periods[agencies[-1].pk] if agencies else None
    return {"period": code, "label": period.label if period else code, "province": province.name,
            "as_of": _iso(min(now, period.end) if period else now), "agencies": lines,
            "on_time": states.get("on_time", 0), "late": states.get("late", 0), "missing": states.get("missing", 0),
            "counts": _add(groups.values()), "by_field": by_field(groups), "indices": index_labels,
            "overdue_total": sum(line["counts"][Status.OVERDUE] for line in lines)}
