"""Changes to catalogs besides the XLSX import (exchange.do_import_framework): a new catalog from data, and
next year's version copied from this year's. Each in one transaction with its audit records."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry

from .exchange import tree_order
from .models import Framework, FrameworkNode
from .rules import RuleError, check, from_data

_NODE_FIELDS = ("depth", "code", "name", "max_score", "method", "evidence", "rule_text", "rule", "is_verified",
                "order")


class CatalogError(Exception):
    """A change refused; str() is a Vietnamese sentence."""


@dataclass
class NodeSpec:
    code: str
    name: str
    parent_code: str = ""
    max_score: object = None
    method: str = FrameworkNode.Method.SELF
    evidence: str = ""
    rule_text: str = ""
    rule: dict | None = None
    is_verified: bool = False
    order: int = 0


def _clash(index, year, level, province, exclude=None):
    qs = Framework.objects.filter(index=index, year=year, level=level, province=province)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


@transaction.atomic
def do_create_catalog(actor, attributes: dict, nodes: list[NodeSpec]) -> Framework:
    """A new framework with its nodes (parents listed before their children)."""
    if _clash(attributes["index"], attributes["year"], attributes["level"], attributes.get("province")):
        raise CatalogError(_("Bộ chỉ số này đã có cho năm %(year)s.") % {"year": attributes["year"]})
    framework = Framework.objects.create(**attributes)
    record(actor, AuditEntry.Action.CREATE, framework, None, snapshot(framework))
    saved: dict[str, FrameworkNode] = {}
    for spec in nodes:
        parent = saved.get(spec.parent_code) if spec.parent_code else None
        if spec.parent_code and parent is None:
            raise CatalogError(_("Mã cấp trên “%(code)s” chưa có.") % {"code": spec.parent_code})
        try:
            rule = from_data(spec.rule)
            if rule is not None:
                rule = check(rule, spec.max_score)
        except RuleError as exc:
            raise CatalogError(f"{spec.code}: {exc}") from exc
        node = FrameworkNode.objects.create(
            framework=framework, parent=parent, depth=(parent.depth + 1) if parent else 1, code=spec.code,
            name=spec.name, max_score=spec.max_score, method=spec.method, evidence=spec.evidence,
            rule_text=spec.rule_text, rule=rule.to_data() if rule else {}, is_verified=spec.is_verified,
            order=spec.order)
        record(actor, AuditEntry.Action.CREATE, node, None, snapshot(node))
        saved[spec.code] = node
    return framework


@transaction.atomic
def do_copy_framework(actor, source: Framework, year: int) -> Framework:
    """Next year's version: the same attributes and tree (codes, maxima, rules, evidence) under a new year,
    for the administrator to edit. Published results and plan links stay with the source."""
    if not 1990 <= int(year) <= 2100:
        raise CatalogError(_("Năm %(year)s không hợp lệ.") % {"year": year})
    clash = _clash(source.index, year, source.level, source.province)
    if clash is not None:
        raise CatalogError(_("Đã có “%(name)s” cho năm %(year)s (số %(pk)d).")
                           % {"name": clash, "year": year, "pk": clash.pk})
    copy = Framework.objects.create(
        index=source.index, year=year, level=source.level, name=source.name, issuer=source.issuer,
        basis=source.basis, province=source.province,
        notes=(source.notes + "\n" if source.notes else "") + _("Sao chép từ bộ năm %(year)s.") % {
            "year": source.year})
    record(actor, AuditEntry.Action.CREATE, copy, None, snapshot(copy),
           summary=_("%(copy)s (sao chép từ năm %(year)s)") % {"copy": copy, "year": source.year})
    new_ids: dict[int, FrameworkNode] = {}
    for node in tree_order(source.nodes.select_related("parent")):
        twin = FrameworkNode(framework=copy, parent=new_ids.get(node.parent_id),
                             **{name: getattr(node, name) for name in _NODE_FIELDS})
        twin.save()
        new_ids[node.pk] = twin
    record(actor, AuditEntry.Action.UPDATE, copy, None, {"nodes_copied": len(new_ids)}, keep_unchanged=True,
           summary=_("Sao chép %(n)d lĩnh vực, tiêu chí") % {"n": len(new_ids)})
    return copy
