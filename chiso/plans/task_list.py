"""Search, filters and sorting of a task list (a plan's tasks, "Việc của tôi"), with the state in the URL so
that a view can be bookmarked and shared (issue 10).

Works on tasks already loaded with their status (`status.with_status` or tracking's `task_rows`): the lists
are one plan's or one unit's tasks, so filtering them in Python costs no query; search is accent-insensitive
through `lib.text.fold`. Unknown or malformed values in the URL are ignored, never an error."""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.lib.numbers import id_or_none
from chiso.lib.text import fold, squash

from .status import STATUS_LABELS, STATUS_ORDER

DUE_WINDOWS = {
    "qua": _("Hạn đã qua"),
    "7": _("Đến hạn trong 7 ngày"),
    "30": _("Đến hạn trong 30 ngày"),
    "90": _("Đến hạn trong 90 ngày"),
    "khong": _("Chưa có hạn cụ thể"),
}
SORTS = {  # URL value -> (column label, key)
    "tt": (_("TT"), lambda t: (t.plan_id, t.order, t.pk)),
    "ten": (_("Nhiệm vụ"), lambda t: fold(t.title)),
    "han": (_("Hạn"), lambda t: (t.due is None, t.due or date.max)),
    "trang-thai": (_("Trạng thái"), lambda t: STATUS_ORDER.index(t.status) if t.status in STATUS_ORDER else 99),
    "tien-do": (_("Tiến độ"), lambda t: t.progress or 0),
    "don-vi": (_("Chủ trì"), lambda t: fold(" ".join(u.name for u in lead_units(t)) or t.lead_text or "")),
}


def lead_units(task) -> list:
    return task.linked_units("lead_units")


def all_units(task) -> list:
    """Lead and, where loaded, support units (a plan page loads both; work lists carry the leads only)."""
    units = lead_units(task)
    if hasattr(task, "supports") or not hasattr(task, "leads"):
        units += task.linked_units("support_units")
    return units


def _search_text(task) -> str:
    return fold(" ".join([task.ref or "", task.title or "", task.field_name or "", task.lead_text or "",
                          *(u.name for u in all_units(task))]))


@dataclass
class TaskQuery:
    """What the person asked of the list. URL names are Vietnamese (`q`, `trang-thai`, ...)."""

    q: str = ""
    status: str = ""
    unit: int | None = None
    index: str = ""
    field: str = ""
    due: str = ""
    sort: str = ""

    PARAMS = {"q": "q", "status": "trang-thai", "unit": "don-vi", "index": "chi-so", "field": "linh-vuc",
              "due": "han", "sort": "sap-xep"}

    @classmethod
    def from_params(cls, params) -> "TaskQuery":
        get = {name: squash(params.get(key) or "") for name, key in cls.PARAMS.items()}
        unit = id_or_none(get["unit"])
        sort = get["sort"] if get["sort"].lstrip("-") in SORTS else ""
        return cls(q=get["q"][:200], status=get["status"] if get["status"] in STATUS_LABELS else "", unit=unit,
                   index=get["index"][:20], field=get["field"][:300],
                   due=get["due"] if get["due"] in DUE_WINDOWS else "", sort=sort)

    @property
    def filtered(self) -> bool:
        return any((self.q, self.status, self.unit, self.index, self.field, self.due))

    @property
    def active(self) -> bool:
        return self.filtered or bool(self.sort)

    def params(self, **changes) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return {self.PARAMS[k]: v for k, v in values.items() if v not in ("", None)}

    def querystring(self, **changes) -> str:
        return urlencode(self.params(**changes))

    def sort_links(self) -> dict:
        """For each sortable column: the query string that sorts by it (again: the other way round) and the
        arrow showing the current order."""
        out = {}
        for key, (label, _key) in SORTS.items():
            current = self.sort.lstrip("-") == key
            descending = self.sort.startswith("-")
            target = (key if descending else f"-{key}") if current else key
            out[key.replace("-", "_")] = {"label": label, "qs": self.querystring(sort=target),
                                          "arrow": ("▼" if descending else "▲") if current else "",
                                          "aria": ("descending" if descending else "ascending") if current
                                          else "none"}
        return out

    def apply(self, tasks: list, today: date) -> list:
        words = fold(self.q).split()
        out = []
        for t in tasks:
            if self.status and t.status != self.status:
                continue
            if self.index and (t.index or "") != self.index:
                continue
            if self.field and (t.field_name or "") != self.field:
                continue
            if self.unit and self.unit not in {u.pk for u in all_units(t)}:
                continue
            if self.due and not _in_window(t, self.due, today):
                continue
            if words:
                text = _search_text(t)
                if not all(w in text for w in words):
                    continue
            out.append(t)
        if self.sort:
            out.sort(key=SORTS[self.sort.lstrip("-")][1], reverse=self.sort.startswith("-"))
        return out


def _in_window(task, window: str, today: date) -> bool:
    if window == "khong":
        return task.due is None
    if task.due is None:
        return False
    if window == "qua":
        return task.due < today
    return today <= task.due <= today + timedelta(days=int(window))


def choices(tasks: list) -> dict:
    """The values the filters offer, from the list itself: its units, indices and fields."""
    units, indices, fields_ = {}, set(), set()
    for t in tasks:
        for u in all_units(t):
            units[u.pk] = u.name
        if t.index:
            indices.add(t.index)
        if t.field_name:
            fields_.add(t.field_name)
    return _choices(units, indices, fields_)


def choice_units(tasks):
    """(id, name) of the units that lead or support any of the tasks."""
    from chiso.org.models import Unit

    from .models import Task

    ids = tasks.values("pk")
    return Unit.objects.filter(Q(pk__in=Task.lead_units.through.objects.filter(task_id__in=ids).values("unit_id"))
                               | Q(pk__in=Task.support_units.through.objects.filter(task_id__in=ids)
                                   .values("unit_id"))).values_list("pk", "name")


def choice_pairs(tasks):
    """The distinct (index, field) of the tasks."""
    return tasks.order_by().values_list("index", "field_name").distinct()


def choices_from(units, pairs) -> dict:
    pairs = list(pairs)
    return _choices(dict(units), {i for i, _f in pairs if i}, {f for _i, f in pairs if f})


def _choices(units: dict, indices: set, fields_: set) -> dict:
    from chiso.frameworks.models import IndexCode

    labels = dict(IndexCode.choices)
    return {
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUS_ORDER],
        "units": sorted(units.items(), key=lambda kv: fold(kv[1])),
        "indices": [(c, labels.get(c, c)) for c in IndexCode.values if c in indices],
        "fields": sorted(fields_, key=fold),
        "due_windows": list(DUE_WINDOWS.items()),
    }
