"""Catalog exchange: one framework to one XLSX workbook and back.

The workbook has two sheets. "Bộ chỉ số" holds the framework's own attributes as label / value rows;
"Lĩnh vực, tiêu chí" holds one node per row with the columns of NODE_COLUMNS, parents before their
children. The sheet and column names are the file format (fixed Vietnamese, like the documents the
agencies exchange), so they are not translated; the messages are.

An import checks every row first and collects every error with its row number; when any row is bad
it raises CatalogRejected and writes nothing. A good file is written in one transaction, with audit
records, matching existing nodes by code so that results and plan tasks linked to them stay linked.
"""

import io
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.exports.xlsx import put
from chiso.files.storage import write_atomically
from chiso.lib.numbers import cell_decimal, cell_integer
from chiso.lib.text import fold, squash
from chiso.org.models import Province

from .models import Framework, FrameworkNode, IndexCode
from .rules import RuleError
from .rules import parse_text as parse_rule

ATTRIBUTE_SHEET = "Bộ chỉ số"
NODE_SHEET = "Lĩnh vực, tiêu chí"
NODE_COLUMNS = ["Mã", "Mã cấp trên", "Cấp", "Tên", "Điểm tối đa", "Phương pháp", "Tài liệu kiểm chứng",
                "Đã đối chiếu", "Thứ tự", "Cách chấm điểm", "Quy tắc tính"]
_NODE_KEYS = ["code", "parent_code", "depth", "name", "max_score", "method", "evidence", "is_verified",
              "order", "rule_text", "rule"]
# (label in the file, attribute of Framework)
ATTRIBUTE_ROWS = [
    ("Chỉ số", "index"),
    ("Năm áp dụng", "year"),
    ("Cấp đánh giá", "level"),
    ("Tên", "name"),
    ("Cơ quan ban hành", "issuer"),
    ("Văn bản căn cứ", "basis"),
    ("Tỉnh (mã)", "province"),
    ("Ghi chú", "notes"),
]
YES, NO = "Có", "Không"
_TRUE = {"co", "x", "1", "true", "yes", "da", "da doi chieu", "roi"}
_FALSE = {"", "khong", "0", "false", "no", "chua", "chua doi chieu"}
MAX_ROWS = 5000
MAX_DEPTH = max(FrameworkNode.Depth.values)
_SCORE_STEP = Decimal(1).scaleb(-FrameworkNode._meta.get_field("max_score").decimal_places)


class CatalogRejected(Exception):
    """The file was refused; ``errors`` lists every problem, each naming its sheet row."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class NodeRow:
    row: int
    code: str
    parent_code: str
    depth: int | None
    name: str
    max_score: Decimal | None
    method: str
    evidence: str
    is_verified: bool
    order: int
    rule_text: str = ""
    rule: dict = field(default_factory=dict)


@dataclass
class ParsedCatalog:
    attributes: dict  # only the attributes present in the file
    nodes: list[NodeRow] = field(default_factory=list)


@dataclass
class ImportResult:
    framework: Framework
    created: bool
    nodes_created: int
    nodes_updated: int
    nodes_deleted: int


# --- export -----------------------------------------------------------------------------------

def tree_order(nodes) -> list:
    """Nodes depth-first (parents before children), siblings by (order, code)."""
    nodes = list(nodes)
    children: dict = {}
    ids = {n.pk for n in nodes}
    for node in sorted(nodes, key=lambda n: (n.order, n.code)):
        parent_id = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent_id, []).append(node)
    ordered: list = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    if len(ordered) < len(nodes):  # a parent cycle made in the admin: keep those nodes, at the end
        reached = {n.pk for n in ordered}
        ordered.extend(n for n in sorted(nodes, key=lambda n: (n.order, n.code)) if n.pk not in reached)
    return ordered


def _put(ws, row: int, column: int, value):
    """Write a cell through the shared writer: text stays text (never a formula), exactly as typed, so the
    file reads back the same."""
    return put(ws, row, column, value)


def _label(choices, value) -> str:
    with translation.override("vi"):
        return str(dict(choices.choices).get(value, value))


def export_framework(framework: Framework) -> bytes:
    """The framework and its nodes as XLSX bytes."""
    workbook = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    sheet = workbook.active
    sheet.title = ATTRIBUTE_SHEET
    for column, header in enumerate(["Thuộc tính", "Giá trị"], start=1):
        _put(sheet, 1, column, header).font = bold
    values = {
        "index": framework.index,
        "year": framework.year,
        "level": _label(Framework.Level, framework.level),
        "name": framework.name,
        "issuer": framework.issuer,
        "basis": framework.basis,
        "province": framework.province.code if framework.province_id else "",
        "notes": framework.notes,
    }
    for row, (label, key) in enumerate(ATTRIBUTE_ROWS, start=2):
        _put(sheet, row, 1, label).font = bold
        _put(sheet, row, 2, values[key]).alignment = wrap
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80

    sheet = workbook.create_sheet(NODE_SHEET)
    for column, header in enumerate(NODE_COLUMNS, start=1):
        _put(sheet, 1, column, header).font = bold
    nodes = tree_order(framework.nodes.select_related("parent"))
    for row, node in enumerate(nodes, start=2):
        cells = [
            node.code,
            node.parent.code if node.parent_id else "",
            node.depth,
            node.name,
            node.max_score,
            _label(FrameworkNode.Method, node.method),
            node.evidence,
            YES if node.is_verified else NO,
            node.order,
            node.rule_text,
            node.rule_display,
        ]
        for column, value in enumerate(cells, start=1):
            cell = _put(sheet, row, column, value)
            if column in (1, 2):
                cell.number_format = "@"
            elif column in (4, 7, 10, 11):
                cell.alignment = wrap
    for letter, width in zip("ABCDEFGHIJK", [10, 12, 6, 60, 12, 20, 50, 12, 8, 50, 30], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    last = max(len(nodes) + 1, 200)
    for column, options in (("C", [str(v) for v in FrameworkNode.Depth.values]),
                            ("F", [_label(FrameworkNode.Method, v) for v in FrameworkNode.Method.values]),
                            ("H", [YES, NO])):
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_to_path(framework: Framework, path: str | os.PathLike) -> Path:
    """Write the XLSX to ``path`` atomically (a temporary file in the same folder, then os.replace)."""
    return write_atomically(path, export_framework(framework))


def export_filename(framework: Framework) -> str:
    province = f"-{framework.province.code}" if framework.province_id else ""
    return f"bo-chi-so-{framework.index}-{framework.year}-{framework.level}{province}.xlsx".lower()


# --- reading and checking ------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(value) -> str:
    return squash(_text(value))


def _choice(choices, value) -> str | None:
    """The stored value of a choice given its value or its label (Vietnamese or English)."""
    wanted = fold(squash(_text(value)))
    for stored, label in choices.choices:
        names = {fold(str(stored)), fold(str(label))}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(fold(str(label)))
        if wanted in names:
            return stored
    return None


def _choice_list(choices) -> str:
    with translation.override("vi"):
        return ", ".join(str(label) for label in choices.labels)


def _rows(sheet):
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(values)


def _find_sheet(workbook, title: str):
    for sheet in workbook.worksheets:
        if fold(squash(sheet.title)) == fold(title):
            return sheet
    return None


def read_catalog(data: bytes) -> ParsedCatalog:
    """Parse and check a workbook without touching the database (except to look provinces up)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a bad file
        raise CatalogRejected([_("Không đọc được tệp: tệp không phải bảng tính XLSX hợp lệ.")]) from exc
    try:
        errors: list[str] = []
        parsed = ParsedCatalog(attributes={})
        attribute_sheet = _find_sheet(workbook, ATTRIBUTE_SHEET)
        node_sheet = _find_sheet(workbook, NODE_SHEET)
        if node_sheet is None and len(workbook.worksheets) == 1 and attribute_sheet is None:
            node_sheet = workbook.worksheets[0]
        if attribute_sheet is not None:
            parsed.attributes = _read_attributes(attribute_sheet, errors)
        if node_sheet is None:
            errors.append(_("Tệp không có trang “%(sheet)s”.") % {"sheet": NODE_SHEET})
        else:
            parsed.nodes = _read_nodes(node_sheet, errors)
            _check_tree(parsed.nodes, errors)
    finally:
        workbook.close()
    if errors:
        raise CatalogRejected(errors)
    return parsed


def _read_attributes(sheet, errors: list[str]) -> dict:
    known = {fold(label): key for label, key in ATTRIBUTE_ROWS}
    attributes: dict = {}

    def bad(row: int, message: str) -> None:
        errors.append(_("Trang “%(sheet)s”, dòng %(row)d: %(message)s")
                      % {"sheet": ATTRIBUTE_SHEET, "row": row, "message": message})

    for row, values in _rows(sheet):
        values = values + [None, None]
        key = known.get(fold(squash(_text(values[0]))))
        if key is None:
            continue  # the header row, blank rows and notes beside the table
        value = values[1]
        if key == "index":
            stored = _choice(IndexCode, value)
            if stored is None:
                bad(row, _("chỉ số “%(value)s” không có; chọn một trong: %(choices)s.")
                    % {"value": _text(value), "choices": _choice_list(IndexCode)})
            attributes[key] = stored
        elif key == "level":
            stored = _choice(Framework.Level, value)
            if stored is None:
                bad(row, _("cấp đánh giá “%(value)s” không có; chọn một trong: %(choices)s.")
                    % {"value": _text(value), "choices": _choice_list(Framework.Level)})
            attributes[key] = stored
        elif key == "year":
            try:
                year = cell_integer(value)
            except ValueError:
                year = -1
            if year is None or not 1990 <= year <= 2100:
                bad(row, _("năm áp dụng “%(value)s” không hợp lệ.") % {"value": _text(value)})
            attributes[key] = year
        elif key == "province":
            code = _code(value)
            province = Province.objects.filter(code=code).first() if code else None
            if code and province is None:
                bad(row, _("không có tỉnh mã “%(value)s”.") % {"value": code})
            attributes[key] = province
        else:
            text = _text(value)
            limit = Framework._meta.get_field(key).max_length
            if key == "name" and not text:
                bad(row, _("thiếu tên bộ chỉ số."))
            elif limit and len(text) > limit:
                bad(row, _("quá %(limit)d ký tự.") % {"limit": limit})
            attributes[key] = text
    return attributes


def _read_nodes(sheet, errors: list[str]) -> list[NodeRow]:
    rows = _rows(sheet)
    header_row, header = next(rows, (1, []))
    columns: dict[str, int] = {}
    wanted = {fold(title): key for title, key in zip(NODE_COLUMNS, _NODE_KEYS, strict=True)}
    for position, title in enumerate(header):
        key = wanted.get(fold(squash(_text(title))))
        if key and key not in columns:
            columns[key] = position
    missing = [title for title, key in zip(NODE_COLUMNS, _NODE_KEYS, strict=True)
               if key in ("code", "name") and key not in columns]
    if missing:
        errors.append(_("Trang “%(sheet)s”, dòng %(row)d: thiếu cột %(columns)s.")
                      % {"sheet": NODE_SHEET, "row": header_row, "columns": ", ".join(missing)})
        return []

    nodes: list[NodeRow] = []
    for row, values in rows:
        if row > MAX_ROWS * 2:
            errors.append(_("Tệp có quá %(limit)d dòng.") % {"limit": MAX_ROWS * 2})
            break
        if all(_text(v) == "" for v in values):
            continue
        if len(nodes) >= MAX_ROWS:
            errors.append(_("Tệp có quá %(limit)d dòng tiêu chí.") % {"limit": MAX_ROWS})
            break
        node = _read_node(row, {key: values[i] if i < len(values) else None for key, i in columns.items()},
                          errors)
        if node is not None:
            nodes.append(node)
    return nodes


def _read_node(row: int, cells: dict, errors: list[str]) -> NodeRow | None:
    """One node row checked cell by cell; every problem is added to ``errors`` with the row number."""
    raw = {key: _text(value) for key, value in cells.items()}
    problems: list[str] = []
    code_limit = FrameworkNode._meta.get_field("code").max_length
    name_limit = FrameworkNode._meta.get_field("name").max_length
    code = _code(cells.get("code"))
    if not code:
        problems.append(_("thiếu mã."))
    elif len(code) > code_limit:
        problems.append(_("mã “%(code)s” dài quá %(limit)d ký tự.") % {"code": code, "limit": code_limit})
    name = raw.get("name", "")
    if not name:
        problems.append(_("thiếu tên."))
    elif len(name) > name_limit:
        problems.append(_("tên dài quá %(limit)d ký tự.") % {"limit": name_limit})

    depth = None
    if raw.get("depth"):
        stored = _choice(FrameworkNode.Depth, cells["depth"])
        if stored is None:
            problems.append(_("cấp “%(value)s” không hợp lệ; chọn 1, 2 hoặc 3.") % {"value": raw["depth"]})
        else:
            depth = int(stored)

    max_score = None
    try:
        max_score = cell_decimal(cells.get("max_score"))
    except ValueError:
        problems.append(_("điểm tối đa “%(value)s” không phải là số.") % {"value": raw["max_score"]})
    if max_score is not None:
        if max_score < 0:
            problems.append(_("điểm tối đa không được âm (%(value)s).") % {"value": raw["max_score"]})
        elif max_score >= 10000:
            problems.append(_("điểm tối đa quá lớn (%(value)s).") % {"value": raw["max_score"]})
        elif max_score != max_score.quantize(_SCORE_STEP):
            problems.append(_("điểm tối đa chỉ được có tối đa 3 chữ số thập phân."))
        else:
            max_score = max_score.quantize(_SCORE_STEP)  # as stored, so unchanged rows compare equal

    method = FrameworkNode.Method.SELF.value
    if raw.get("method"):
        method = _choice(FrameworkNode.Method, cells["method"])
        if method is None:
            problems.append(_("phương pháp “%(value)s” không có; chọn một trong: %(choices)s.")
                            % {"value": raw["method"], "choices": _choice_list(FrameworkNode.Method)})

    verified = fold(squash(raw.get("is_verified", "")))
    is_verified = verified in _TRUE
    if verified not in _TRUE | _FALSE:
        problems.append(_("cột Đã đối chiếu phải là “Có” hoặc “Không”, không phải “%(value)s”.")
                        % {"value": raw["is_verified"]})

    order = 0
    try:
        order = cell_integer(cells.get("order")) or 0
        if order < 0:
            raise ValueError
    except ValueError:
        problems.append(_("thứ tự “%(value)s” phải là số nguyên không âm.") % {"value": raw["order"]})

    rule = None
    if raw.get("rule"):
        try:
            rule = parse_rule(raw["rule"], max_score)
        except RuleError as exc:
            problems.append(_("cột Quy tắc tính: %(message)s") % {"message": exc})

    for problem in problems:
        errors.append(_("Dòng %(row)d: %(message)s") % {"row": row, "message": problem})
    if problems:
        return None
    return NodeRow(row=row, code=code, parent_code=_code(cells.get("parent_code")), depth=depth, name=name,
                   max_score=max_score, method=method, evidence=raw.get("evidence", ""),
                   is_verified=is_verified, order=order, rule_text=raw.get("rule_text", ""),
                   rule=rule.to_data() if rule else {})


def _check_tree(nodes: list[NodeRow], errors: list[str]) -> None:
    """Unique codes, known parents, no cycles, levels consistent with the parents; sets missing levels."""
    by_code: dict[str, NodeRow] = {}
    for node in nodes:
        first = by_code.get(node.code)
        if first is not None:
            errors.append(_("Dòng %(row)d: mã “%(code)s” trùng với dòng %(first)d.")
                          % {"row": node.row, "code": node.code, "first": first.row})
        else:
            by_code[node.code] = node
    sound: dict[str, NodeRow] = {}
    for node in by_code.values():
        if not node.parent_code:
            sound[node.code] = node
        elif node.parent_code == node.code:
            errors.append(_("Dòng %(row)d: tiêu chí không thể là cấp trên của chính nó.") % {"row": node.row})
        elif node.parent_code not in by_code:
            errors.append(_("Dòng %(row)d: mã cấp trên “%(parent)s” không có trong tệp.")
                          % {"row": node.row, "parent": node.parent_code})
        else:
            sound[node.code] = node

    depths: dict[str, int | None] = {}

    def depth_of(code: str, seen: tuple = ()) -> int | None:
        if code in depths:
            return depths[code]
        node = sound.get(code)
        if node is None or code in seen:
            return None  # its own error is reported on its row
        if not node.parent_code:
            depths[code] = 1
        else:
            parent_depth = depth_of(node.parent_code, (*seen, code))
            depths[code] = None if parent_depth is None else parent_depth + 1
        return depths[code]

    for node in nodes:
        if by_code.get(node.code) is not node or node.code not in sound:
            continue
        expected = depth_of(node.code)
        if expected is None:
            if _in_cycle(node.code, sound):
                errors.append(_("Dòng %(row)d: mã cấp trên “%(parent)s” tạo thành vòng lặp.")
                              % {"row": node.row, "parent": node.parent_code})
            continue
        if expected > MAX_DEPTH:
            errors.append(_("Dòng %(row)d: vượt quá %(max)d cấp.") % {"row": node.row, "max": MAX_DEPTH})
        elif node.depth is None:
            node.depth = expected
        elif node.depth != expected:
            if node.parent_code:
                errors.append(_("Dòng %(row)d: cấp %(depth)d không khớp với cấp trên “%(parent)s” "
                                "(phải là cấp %(expected)d).")
                              % {"row": node.row, "depth": node.depth, "parent": node.parent_code,
                                 "expected": expected})
            else:
                errors.append(_("Dòng %(row)d: tiêu chí cấp %(depth)d phải có mã cấp trên.")
                              % {"row": node.row, "depth": node.depth})


def _in_cycle(code: str, sound: dict) -> bool:
    seen = set()
    while code in sound and code not in seen:
        seen.add(code)
        code = sound[code].parent_code
    return code in seen


# --- writing ---------------------------------------------------------------------------------

def _references(nodes: list[FrameworkNode]) -> set[int]:
    """Ids among ``nodes`` that other records (results, plan tasks and targets ...) point at."""
    ids = [n.pk for n in nodes]
    used: set[int] = set()
    for relation in FrameworkNode._meta.get_fields(include_hidden=True):
        reverse = relation.auto_created and not relation.concrete
        if not (reverse and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.related_model is FrameworkNode:
            continue  # children are removed with the node or re-parented by the import
        column = relation.field.name
        used.update(relation.related_model._base_manager.filter(**{f"{column}__in": ids})
                    .values_list(column, flat=True))
    return used


def do_import_framework(data: bytes, into: Framework | None = None, actor=None) -> ImportResult:
    """Import a workbook into a new framework, or into ``into`` (nodes matched by code).

    Nodes of ``into`` missing from the file are deleted unless something refers to them, in which case
    the file is refused. Raises CatalogRejected with every error; on error nothing is written.
    """
    parsed = read_catalog(data)
    with transaction.atomic():
        return _write(parsed, into, actor)


def _write(parsed: ParsedCatalog, into: Framework | None, actor) -> ImportResult:
    errors: list[str] = []
    attributes = dict(parsed.attributes)
    if into is not None:
        into = Framework.objects.select_for_update().get(pk=into.pk)
    else:
        labels = {key: label for label, key in ATTRIBUTE_ROWS}
        for key in ("index", "year", "level", "name"):
            if key not in attributes:
                errors.append(_("Trang “%(sheet)s” thiếu dòng “%(label)s” (cần khi tạo bộ chỉ số mới).")
                              % {"sheet": ATTRIBUTE_SHEET, "label": labels[key]})
        if errors:
            raise CatalogRejected(errors)

    framework = into or Framework()
    before = snapshot(framework) if into is not None else None
    for key, value in attributes.items():
        setattr(framework, key, value)
    clash = Framework.objects.filter(index=framework.index, year=framework.year, level=framework.level,
                                     province=framework.province).exclude(pk=framework.pk).first()
    if clash is not None:
        raise CatalogRejected([_("Bộ chỉ số “%(name)s” đã có (số %(pk)d); hãy nhập vào bộ đó để cập nhật.")
                              % {"name": clash, "pk": clash.pk}])

    existing = {n.code: n for n in framework.nodes.all()} if into is not None else {}
    codes = {n.code for n in parsed.nodes}
    removed = [n for code, n in existing.items() if code not in codes]
    used = _references(removed) if removed else set()
    for node in removed:
        if node.pk in used:
            errors.append(_("Mã “%(code)s” không còn trong tệp nhưng đang được dùng (kết quả công bố hoặc "
                            "nhiệm vụ kế hoạch); giữ dòng này trong tệp.") % {"code": node.code})
    if errors:
        raise CatalogRejected(errors)

    framework.save()
    after = snapshot(framework)
    if into is None:
        record(actor, AuditEntry.Action.CREATE, framework, None, after)
    else:
        record(actor, AuditEntry.Action.UPDATE, framework, before, after)

    saved: dict[str, FrameworkNode] = {}
    created = updated = 0
    for row in sorted(parsed.nodes, key=lambda r: r.depth or 0):
        node = existing.get(row.code)
        before = snapshot(node) if node is not None else None
        if node is None:
            node = FrameworkNode(framework=framework, code=row.code)
        node.parent = saved[row.parent_code] if row.parent_code else None
        node.depth = row.depth
        node.name = row.name
        node.max_score = row.max_score
        node.method = row.method
        node.evidence = row.evidence
        node.is_verified = row.is_verified
        node.order = row.order
        node.rule_text = row.rule_text
        node.rule = row.rule
        node.save()
        saved[row.code] = node
        if before is None:
            created += 1
            record(actor, AuditEntry.Action.CREATE, node, None, snapshot(node))
        elif record(actor, AuditEntry.Action.UPDATE, node, before, snapshot(node)) is not None:
            updated += 1

    for node in removed:
        record(actor, AuditEntry.Action.DELETE, node, snapshot(node), None)
    if removed:
        FrameworkNode.objects.filter(pk__in=[n.pk for n in removed]).delete()
    return ImportResult(framework=framework, created=into is None, nodes_created=created,
                        nodes_updated=updated, nodes_deleted=len(removed))

