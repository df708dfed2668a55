"""Published results (score and rank per agency, field and year) to and from XLSX.

One sheet, "Kết quả công bố" (or the only sheet), one result per row under the header RESULT_COLUMNS:
Năm · Mã cơ quan · Mã lĩnh vực (blank: the total) · Điểm · Điểm tối đa · Xếp hạng · Trên tổng số, and
optionally Chỉ số (PAR_INDEX when blank). Each row's catalog is the index's department-level version of the
agency's province for that year, else the general one of the latest year not after it.

All or nothing: every row is checked first and every bad row reported with its line number; a good file is
written in one transaction (a result already there for the same agency, catalog, field and year is replaced),
each row with its audit record.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.lib.numbers import cell_decimal, cell_integer
from chiso.lib.text import fold, squash
from chiso.org.models import Agency

from .models import Framework, FrameworkNode, IndexCode, PublishedResult

SHEET = "Kết quả công bố"
RESULT_COLUMNS = ["Năm", "Mã cơ quan", "Mã lĩnh vực", "Điểm", "Điểm tối đa", "Xếp hạng", "Trên tổng số", "Chỉ số"]
_KEYS = ["year", "agency", "field", "score", "max_score", "rank", "rank_of", "index"]
_REQUIRED = {"year", "agency", "score"}
MAX_ROWS = 20000


class ResultsRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ResultRow:
    line: int
    year: int
    agency: Agency
    framework: Framework
    node: FrameworkNode | None
    score: Decimal
    max_score: Decimal | None
    rank: int | None
    rank_of: int | None


@dataclass
class ImportedResults:
    created: int
    updated: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash(str(value))


class _Catalogs:
    """The catalog of (index, province, year), looked up once per combination."""

    def __init__(self):
        self.cache: dict = {}

    def get(self, index: str, province_id: int, year: int) -> Framework | None:
        key = (index, province_id, year)
        if key not in self.cache:
            self.cache[key] = (
                Framework.objects.filter(index=index, level=Framework.Level.DEPARTMENT, year__lte=year)
                .filter(Q(province_id=province_id) | Q(province__isnull=True))
                .order_by("-year", "province_id").first())
        return self.cache[key]


def read_results(data: bytes, provinces: set[int] | None = None) -> list[ResultRow]:
    """Parse and check every row; ResultsRejected lists every problem. `provinces` limits the agencies a
    coordinator may import results for (None: any)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a bad file
        raise ResultsRejected([_("Không đọc được tệp: tệp không phải bảng tính XLSX hợp lệ.")]) from exc
    try:
        sheet = next((s for s in workbook.worksheets if fold(squash(s.title)) == fold(SHEET)), None)
        sheet = sheet or workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        wanted = {fold(t): k for t, k in zip(RESULT_COLUMNS, _KEYS, strict=True)}
        columns = {}
        for position, title in enumerate(header or ()):
            key = wanted.get(fold(_text(title)))
            if key and key not in columns:
                columns[key] = position
        missing = [t for t, k in zip(RESULT_COLUMNS, _KEYS, strict=True) if k in _REQUIRED and k not in columns]
        if missing:
            raise ResultsRejected([_("Dòng 1: thiếu cột %(columns)s.") % {"columns": ", ".join(missing)}])
        errors: list[str] = []
        parsed: list[ResultRow] = []
        agencies = {a.code.upper(): a for a in Agency.objects.all()}
        catalogs = _Catalogs()
        nodes: dict = {}
        seen: dict = {}
        for line, values in enumerate(rows, start=2):
            cells = {k: (values[i] if i < len(values) else None) for k, i in columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            if len(parsed) + len(errors) >= MAX_ROWS:
                errors.append(_("Tệp có quá %(n)d dòng.") % {"n": MAX_ROWS})
                break
            row = _check_row(line, cells, agencies, catalogs, nodes, provinces, errors)
            if row is None:
                continue
            key = (row.framework.pk, row.agency.pk, row.node.pk if row.node else None, row.year)
            if key in seen:
                errors.append(_("Dòng %(line)d: trùng với dòng %(first)d.") % {"line": line, "first": seen[key]})
                continue
            seen[key] = line
            parsed.append(row)
    finally:
        workbook.close()
    if errors:
        raise ResultsRejected(errors)
    if not parsed:
        raise ResultsRejected([_("Tệp không có dòng kết quả nào.")])
    return parsed


def _check_row(line, cells, agencies, catalogs, nodes, provinces, errors) -> ResultRow | None:
    problems = []
    index = IndexCode.PAR_INDEX.value
    if _text(cells.get("index")):
        index = next((c for c, label in IndexCode.choices
                      if fold(_text(cells["index"])) in {fold(c), fold(label)}), None)
        if index is None:
            problems.append(_("chỉ số “%(v)s” không có.") % {"v": _text(cells["index"])})
    year = None
    try:
        year = cell_integer(cells.get("year"))
    except ValueError:
        pass
    if year is None or not 1990 <= year <= 2100:
        problems.append(_("năm “%(v)s” không hợp lệ.") % {"v": _text(cells.get("year"))})
        year = None
    code = _text(cells.get("agency")).upper()
    agency = agencies.get(code)
    if not code:
        problems.append(_("thiếu mã cơ quan."))
    elif agency is None:
        problems.append(_("không có cơ quan mã “%(v)s”.") % {"v": code})
    elif provinces is not None and agency.province_id not in provinces:
        problems.append(_("cơ quan “%(v)s” không thuộc tỉnh bạn theo dõi.") % {"v": code})
    numbers = {}
    for key, label in (("score", _("điểm")), ("max_score", _("điểm tối đa"))):
        try:
            numbers[key] = cell_decimal(cells.get(key))
        except ValueError:
            problems.append(_("%(label)s “%(v)s” không phải là số.") % {"label": label, "v": _text(cells.get(key))})
            numbers[key] = None
        else:
            if numbers[key] is not None and (numbers[key] < 0 or numbers[key] >= 10000):
                problems.append(_("%(label)s phải từ 0 đến dưới 10.000.") % {"label": label})
    if numbers.get("score") is None and not any(p.startswith(_("điểm")) for p in problems):
        problems.append(_("thiếu điểm."))
    if numbers.get("score") is not None and numbers.get("max_score") is not None \
            and numbers["score"] > numbers["max_score"]:
        problems.append(_("điểm lớn hơn điểm tối đa."))
    ranks = {}
    for key, label in (("rank", _("xếp hạng")), ("rank_of", _("trên tổng số"))):
        try:
            ranks[key] = cell_integer(cells.get(key))
            if ranks[key] is not None and not 1 <= ranks[key] <= 1000:
                raise ValueError
        except ValueError:
            problems.append(_("%(label)s “%(v)s” phải là số nguyên dương.") % {"label": label,
                                                                                "v": _text(cells.get(key))})
            ranks[key] = None
    if ranks.get("rank") and ranks.get("rank_of") and ranks["rank"] > ranks["rank_of"]:
        problems.append(_("xếp hạng lớn hơn tổng số cơ quan."))
    framework = node = None
    if agency is not None and year is not None and index is not None:
        framework = catalogs.get(index, agency.province_id, year)
        if framework is None:
            problems.append(_("chưa có bộ chỉ số %(index)s cấp sở cho năm %(year)d.") % {"index": index,
                                                                                         "year": year})
        elif _text(cells.get("field")):
            field_code = _text(cells["field"])
            if framework.pk not in nodes:
                nodes[framework.pk] = {n.code: n for n in framework.nodes.all()}
            node = nodes[framework.pk].get(field_code)
            if node is None:
                problems.append(_("mã lĩnh vực “%(v)s” không có trong “%(f)s”.") % {"v": field_code,
                                                                                  "f": framework.name})
    for problem in problems:
        errors.append(_("Dòng %(line)d: %(message)s") % {"line": line, "message": problem})
    if problems:
        return None
    return ResultRow(line, year, agency, framework, node, numbers["score"], numbers["max_score"],
                     ranks["rank"], ranks["rank_of"])


def do_import_results(data: bytes, actor=None, provinces: set[int] | None = None) -> ImportedResults:
    rows = read_results(data, provinces)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            existing = (PublishedResult.objects.select_for_update().order_by("pk")  # no join to lock
                        .filter(framework=row.framework, agency=row.agency, year=row.year, node=row.node).first())
            before = snapshot(existing) if existing else None
            result = existing or PublishedResult(framework=row.framework, agency=row.agency, year=row.year,
                                                 node=row.node)
            result.score, result.max_score, result.rank, result.rank_of = (row.score, row.max_score, row.rank,
                                                                           row.rank_of)
            result.save()
            if existing is None:
                created += 1
                record(actor, AuditEntry.Action.CREATE, result, None, snapshot(result), agency=row.agency)
            elif record(actor, AuditEntry.Action.UPDATE, result, before, snapshot(result),
                        agency=row.agency) is not None:
                updated += 1
    return ImportedResults(created, updated)
