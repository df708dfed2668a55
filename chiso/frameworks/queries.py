"""Reads of catalogs for pages and commands."""

from django.db.models import Count

from .exchange import tree_order
from .models import Framework, FrameworkNode, IndexCode


def frameworks_with_counts():
    """All frameworks with ``node_count``, in the model's order, province loaded (one query)."""
    return list(Framework.objects.select_related("province").annotate(node_count=Count("nodes")))


def frameworks_by_index() -> list[tuple[str, list[Framework]]]:
    """[(index label, frameworks)] in the order of IndexCode, only indices that have a framework."""
    groups: dict[str, list[Framework]] = {}
    for framework in frameworks_with_counts():
        groups.setdefault(framework.index, []).append(framework)
    return [(label, groups[code]) for code, label in IndexCode.choices if code in groups]


def framework_tree(framework: Framework) -> list[FrameworkNode]:
    """The framework's nodes depth-first, parents before children (one query)."""
    return tree_order(FrameworkNode.objects.filter(framework=framework).select_related("parent"))
