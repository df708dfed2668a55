"""Load the demo into the database: once; a second run changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chiso.accounts.models import RoleGrant, User
from chiso.frameworks.models import Framework, FrameworkNode, PublishedResult
from chiso.lib.text import fold
from chiso.org.models import Agency, Province, Unit, UnitAlias
from chiso.plans import actions
from chiso.plans.models import Plan, PlanReference, PlanTarget, ReportingObligation, Task

from . import content


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what the account shows) for the README and `make run`."""
    from chiso.accounts.models import Role

    rows = []
    for username, _name, role, agency, _unit, _pos in content.USERS:
        rows.append((username, content.DEMO_PASSWORD, f"{Role(role).label}{' — ' + agency if agency else ''}"))
    return rows


def is_loaded() -> bool:
    return Province.objects.filter(code=content.PROVINCE["code"]).exists()


@transaction.atomic
def load_demo(today: date | None = None) -> bool:
    """Create the demo province, agencies, people, plans and results. False when already there."""
    if is_loaded():
        return False
    today = today or timezone.localdate()
    year = today.year
    province = Province.objects.create(**content.PROVINCE)
    old = Province.objects.create(**content.OLD_PROVINCE, is_current=False, merged_into=province)

    agencies, units = {}, {}
    parent_body = f"UBND {province.name.upper()}"
    for spec in content.AGENCIES:
        agency = Agency.objects.create(province=province, code=spec["code"], name=spec["name"],
                                       parent_body=parent_body, is_coordinator=spec.get("coordinator", False))
        agencies[spec["code"]] = agency
        for key, (name, kind) in spec["units"].items():
            unit = Unit.objects.create(agency=agency, name=name, kind=kind)
            units[(spec["code"], key)] = unit
            for alias in spec.get("aliases", {}).get(key, []):
                UnitAlias.objects.create(unit=unit, alias=alias)
    predecessor = Agency.objects.create(province=old, code=content.PREDECESSOR["code"],
                                        name=content.PREDECESSOR["name"], is_active=False,
                                        parent_body=f"UBND {old.name.upper()}")
    agencies[content.PREDECESSOR["successor"]].predecessors.add(predecessor)

    people = _create_users(agencies, units)
    par = Framework.objects.filter(index="PAR_INDEX", level="department").order_by("-year").first()
    nodes = {fold(n.name): n for n in FrameworkNode.objects.filter(framework=par)} if par else {}
    _create_results(par, nodes, agencies, predecessor, province, year - 1)
    # This year's catalog is the demo's own department-level set, with sub-criteria the tasks earn.
    catalog = _create_demo_catalog(people.get("quantri"), province, year)
    nodes = {fold(n.name): n for n in catalog.nodes.filter(depth=1)}
    nodes.update({n.code: n for n in catalog.nodes.all()})

    for number, spec in enumerate(a for a in content.AGENCIES if not a.get("coordinator")):
        office = people[next(u for u, _n, r, a, _k, _p in content.USERS if a == spec["code"] and r == "office")]
        _create_plan(spec, agencies[spec["code"]], units, office, nodes, today, year, 40 + 7 * number)

    from chiso.tracking.demo import load_tracking_demo  # reports, reviews and notifications (issue 4)

    load_tracking_demo(today)

    from chiso.reports.demo import load_reports_demo  # reporting calendar and quarterly reports (issue 5)

    load_reports_demo(today)

    # a year of dossier records, service KPIs (issue 12)
    from chiso.dossiers.demo import add_demo_apologies, confirm_demo_measures, load_dossiers_demo

    load_dossiers_demo(today, [agencies["STP"], agencies["SVHTTDL"]], people.get("stp.vanphong"))
    add_demo_apologies(today, agencies["STP"], people.get("stp.vanphong"))
    confirm_demo_measures(agencies["STP"], people.get("stp.vanphong"))

    from chiso.assessment.demo import load_assessment_demo  # a PAR INDEX self-assessment round (issue 11)

    load_assessment_demo(today, province, people.get("quantri"))
    from chiso.survey.demo import load_survey_demo  # the SIPAS survey: counters, QR, a year of answers (issue 13)

    load_survey_demo(today, agencies, people.get("quantri"))
    return True


def _create_demo_catalog(actor, province, year):
    from chiso.frameworks.actions import NodeSpec, do_create_catalog
    from chiso.frameworks.rules import parse_text

    specs = []
    for order, (code, name, max_score, rule, rule_text, evidence) in enumerate(content.DEMO_CATALOG, start=1):
        parsed = parse_text(rule, Decimal(max_score)) if rule else None
        specs.append(NodeSpec(code=code, name=name, parent_code=code.rpartition(".")[0], max_score=Decimal(max_score),
                              rule_text=rule_text, rule=parsed.to_data() if parsed else None, evidence=evidence,
                              order=order))
    return do_create_catalog(actor, {
        "index": "PAR_INDEX", "year": year, "level": "department", "province": province,
        "name": content.DEMO_CATALOG_NAME, "issuer": f"UBND {province.name}",
        "notes": "Dữ liệu mẫu viết cho bản chạy thử ChiSo, không phải bộ tiêu chí thật của tỉnh nào."}, specs)


def _task_node(nodes, index, field, criterion, title):
    """The demo task's sub-criterion (by its printed criterion or the start of its title), else its field."""
    if index != "PAR_INDEX":
        return None
    key = criterion or next((k for k in content.DEMO_TASK_NODES if title.startswith(k)), None)
    return nodes.get(content.DEMO_TASK_NODES.get(key or "")) or nodes.get(fold(field))


def _create_users(agencies, units) -> dict[str, User]:
    people = {}
    for username, name, role, agency_code, unit_key, position in content.USERS:
        user = User.objects.create_user(
            username=username, password=content.DEMO_PASSWORD, full_name=name, position=position,
            email=f"{username}@anphu.chiso.local",
            unit=units.get((agency_code, unit_key)) if unit_key else None,
            is_staff=role == "admin", is_superuser=role == "admin",
        )
        RoleGrant.objects.create(user=user, role=role, agency=agencies.get(agency_code))
        people[username] = user
    return people


def _create_results(par, nodes, agencies, predecessor, province, year):
    if par is None:
        return
    for rank_shift, agency in enumerate([agencies["STP"], agencies["SVHTTDL"], predecessor]):
        for field, max_score, score, rank, _inc in content.PAR_TARGETS:
            PublishedResult.objects.create(
                framework=par, node=nodes.get(fold(field)), agency=agency, year=year,
                score=Decimal(str(score - rank_shift * 0.5)), max_score=max_score,
                rank=min(20, rank + rank_shift * 2), rank_of=20)
    for index, score in (("PAR_INDEX", "86.12"), ("SIPAS", "84.35"), ("PAPI", "42.87")):
        framework = Framework.objects.filter(index=index).order_by("level", "-year").first()
        if framework:
            PublishedResult.objects.create(framework=framework, province=province, year=year,
                                           score=Decimal(score), rank=21, rank_of=34)


def _due(today: date, offset: int | None, year: int) -> date | None:
    if offset is None:
        return None
    due = today + timedelta(days=offset)
    return min(max(due, date(year, 1, 10)), date(year, 12, 31))


def _create_plan(spec, agency, units, office, nodes, today, year, number):
    plan = actions.do_create_plan(office, Plan(
        agency=agency, year=year, number=f"{number:02d}/KH-{agency.code}",
        title=f"Kế hoạch cải thiện, nâng cao các chỉ số PAR INDEX, SIPAS, PAPI năm {year}",
        issued_on=date(year, 2, 14), place="An Phú", issuer=agency.name,
        signer="Trần Minh Đức" if agency.code == "STP" else "Lương Thị Hoa", signer_title="GIÁM ĐỐC",
        period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        indices=["PAR_INDEX", "SIPAS", "PAPI"], status=Plan.Status.IN_FORCE,
    ))
    PlanReference.objects.create(plan=plan, number="215/KH-UBND", date=date(year, 1, 20),
                                 summary="Kế hoạch của UBND tỉnh cải thiện các chỉ số năm " + str(year))
    ReportingObligation.objects.create(plan=plan, from_party="Các phòng, đơn vị", to_party="Văn phòng Sở",
                                       frequency="quarterly",
                                       due_text="Trước ngày 12 của tháng cuối quý")
    ReportingObligation.objects.create(plan=plan, from_party="Văn phòng Sở", to_party="Sở Nội vụ",
                                       frequency="once", due=date(year, 11, 30),
                                       due_text=f"Trước ngày 30/11/{year}")
    for order, (field, max_score, score, rank, inc) in enumerate(content.PAR_TARGETS, start=1):
        target = Decimal(str(score + inc))
        PlanTarget.objects.create(
            plan=plan, index="PAR_INDEX", node=nodes.get(fold(field)), field_name=field, order=order,
            prev_rank=f"{rank:02d}/20", prev_score=Decimal(str(score)), max_score=max_score,
            expected_increase=Decimal(str(inc)), target_op="=" if target >= max_score else ">=",
            target_score=min(target, Decimal(max_score)))
    PlanTarget.objects.create(plan=plan, index="SIPAS", field_name="Mức độ hài lòng của người dân",
                              target_op=">=", target_score=90, order=20)

    code = agency.code
    tasks = list(content.TASKS)
    for idx, field, title, output, lead, support, offset, rec, measure in spec.get("specialty", []):
        tasks.append((idx, field, None, title, output, lead, support, offset, rec, measure, None))
    counters: dict[str, int] = {}
    for (index, field, criterion, title, output, lead, support, offset, rec, measure, budget) in tasks:
        counters[index] = counters.get(index, 0) + 1
        task = Task(
            plan=plan, index=index, field_name=field, criterion=criterion or "", title=title, output=output,
            ref=str(counters[index]), node=_task_node(nodes, index, field, criterion, title),
            node_confidence=1.0 if index == "PAR_INDEX" and fold(field) in nodes else None,
            timeframe=_timeframe_text(offset, rec, today, year),
            due=_due(today, offset, year) if rec == "once" else _period_due(rec, year),
            recurrence=rec, budget_million_vnd=budget,
            lead_text=units[(code, lead)].name,
            support_text="; ".join(units[(code, k)].name for k in support),
        )
        if measure:
            task.measure_op, task.measure_value, task.measure_unit = measure[0], Decimal(measure[1]), measure[2]
        actions.do_save_task(office, task, [units[(code, lead)]], [units[(code, k)] for k in support])
    return plan


def _period_due(recurrence: str, year: int) -> date | None:
    """Recurring work is due by the end of the plan year; continuous and on-event work has no date."""
    return date(year, 12, 31) if recurrence in {"monthly", "quarterly", "semiannual"} else None


def _timeframe_text(offset, rec, today, year) -> str:
    if rec == "continuous":
        return "Thường xuyên"
    if rec == "on_event":
        return "Khi phát sinh"
    if rec == "monthly":
        return f"Hằng tháng, năm {year}"
    if rec == "quarterly":
        return "Hằng quý, trước ngày 12 tháng cuối quý"
    if rec == "semiannual":
        return "6 tháng một lần"
    due = _due(today, offset, year)
    return f"Trước ngày {due:%d/%m/%Y}" if due else f"Năm {year}"
