"""Querysets compiled to SQL once, then run again with fresh parameters.

Building a queryset and compiling it (resolving joins, writing the SQL) costs more Python than running the
statement on the API's hottest calls: about 1 ms a statement, four statements a call (bench/api_bench.py).
A `Statement` builds its queryset once per thread and database with stand-in values (sentinels) for its
parameters, finds where each stand-in landed among the compiled SQL's parameters, and from then on runs the
same SQL with the real values, converting the rows as the ORM would (its own compiler does the conversion).

The queryset stays the only definition of the query: permissions and filters are written once, in the ORM.
What `build` may do with a parameter: use it as a filter value (an int, a str, a date, a datetime, or a list
of ints for `__in`). Anything that changes the query's shape (which filters apply, a slice's bounds) is a
`shape` argument instead: one compilation per distinct shape."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

_local = threading.local()
_BASE = -7_310_000_000  # stand-ins: negative ids in lists, far-past dates, odd numbers no query writes as a constant
_SMALL = 29_017


def _sentinel(k: int, value, variant: int):
    if isinstance(value, bool):
        raise TypeError("Statement: a bool parameter changes the query's shape; pass it as shape")
    if isinstance(value, int):  # within a small integer field's range: the ORM drops out-of-range values
        return _SMALL + k * 100 + variant * 50
    if isinstance(value, str):
        return f"\x1fstatement-param-{k}-{variant}\x1f"
    if isinstance(value, datetime):
        return datetime(1111 + variant, 1 + k % 12, 1 + k // 12, 11, 11, 11, tzinfo=UTC)
    if isinstance(value, date):
        return date(1111 + variant, 1 + k % 12, 1 + k // 12)
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [_BASE - k * 100_000 - variant * 50_000 - 1 - j for j in range(len(value))]
    raise TypeError(f"Statement: unsupported parameter {type(value).__name__}")


def _list_shape(value):
    return len(value) if isinstance(value, (list, tuple)) else None


class _Compiled:
    __slots__ = ("compiler", "sql", "slots", "empty", "converters")

    def __init__(self, compiler, sql, slots, empty=False):
        self.compiler, self.sql, self.slots, self.empty = compiler, sql, slots, empty
        # the ORM's conversions of each column (text to dates on SQLite, ...), looked up once
        self.converters = None if empty else compiler.get_converters(
            [col[0] for col in compiler.select[:compiler.col_count]])

    def convert(self, rows: list) -> list[tuple]:
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [tuple(row) for row in rows]


class Statement:
    """`build(**shape, **params)` -> a queryset. `rows(...)` returns its tuples (a values_list queryset) and
    `objects(...)` its model instances (select_related and annotations included), as iterating the queryset
    would."""

    def __init__(self, name: str, build: Callable[..., QuerySet]):
        self.name, self.build = name, build

    def _compiled(self, shape: dict, params: dict) -> _Compiled:
        cache = getattr(_local, "cache", None)
        if cache is None:
            cache = _local.cache = {}
        key = (self.name, tuple(sorted(shape.items())),
               tuple((k, type(v).__name__, _list_shape(v)) for k, v in sorted(params.items())))
        found = cache.get(key)
        if found is not None:
            return found
        # Compiled twice with two sets of stand-ins: a parameter must land in the same places both times, and
        # every other value must be the same both times (else `build` derived a value from a parameter, such
        # as today + 7 days, which this cannot follow).
        first, second = (self._compile(shape, params, variant) for variant in (0, 1))
        if first.empty or second.empty:
            # only an empty list may make the query empty; a stand-in the ORM found out of range would too
            if first.empty != second.empty or not any(isinstance(v, (list, tuple)) and not v for v in params.values()):
                raise TypeError(f"Statement {self.name}: the query's shape depends on a parameter's value")
            found = cache[key] = first
            return found
        if {slot[0] for slot in first.slots if slot[0] is not None} != {k for k, v in params.items()
                                                                         if not isinstance(v, (list, tuple)) or v}:
            raise TypeError(f"Statement {self.name}: a parameter did not reach the SQL as a value")
        same = first.sql == second.sql and len(first.slots) == len(second.slots) and all(
            (a[0], a[1]) == (b[0], b[1]) if a[0] is not None else (b[0] is None and a[1] == b[1])
            for a, b in zip(first.slots, second.slots, strict=True))
        if not same:
            raise TypeError(f"Statement {self.name}: a parameter is not used as a plain filter value")
        if len(cache) > 500:  # shapes are few; a bound all the same
            cache.clear()
        found = cache[key] = first
        return found

    def _compile(self, shape: dict, params: dict, variant: int) -> _Compiled:
        names = sorted(params)
        stand_ins = {name: _sentinel(k, params[name], variant) for k, name in enumerate(names)}
        qs = self.build(**shape, **stand_ins)
        connection = connections[qs.db]
        compiler = qs.query.get_compiler(using=qs.db)
        try:
            sql, compiled_params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(compiler, "", [], empty=True)
        # where each stand-in landed, and how the ORM adapted it (dates become text on SQLite)
        where = {}
        for name, stand_in in stand_ins.items():
            for j, item in enumerate(stand_in if isinstance(stand_in, list) else [stand_in]):
                where[item] = (name, j if isinstance(stand_in, list) else None, _identity)
                if isinstance(item, date):
                    for adapt in (connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value):
                        try:
                            where.setdefault(adapt(item), (name, None, adapt))
                        except (TypeError, ValueError, AttributeError):
                            pass
        slots = []
        for p in compiled_params:
            try:
                slots.append(where.get(p, (None, p, None)))
            except TypeError:  # an unhashable constant
                slots.append((None, p, None))
        if connection.vendor == "postgresql":
            sql, slots = _as_arrays(sql, slots)
        return _Compiled(compiler, sql, slots)

    def _execute(self, shape: dict, params: dict):
        c = self._compiled(shape, params)
        if c.empty:
            return c, []
        values = []
        for name, j, adapt in c.slots:
            if name is None:
                values.append(j)  # a constant of the query
            else:
                value = params[name] if j is None else list(params[name]) if j is _WHOLE else params[name][j]
                values.append(adapt(value))
        with c.compiler.connection.cursor() as cursor:
            cursor.execute(c.sql, values)
            rows = cursor.fetchall()
        return c, rows

    def rows(self, shape: dict | None = None, **params) -> list[tuple]:
        c, rows = self._execute(shape or {}, params)
        return c.convert(rows) if rows else []

    def objects(self, shape: dict | None = None, **params) -> list:
        c, rows = self._execute(shape or {}, params)
        if not rows:
            return []
        compiler = c.compiler
        klass_info, select = compiler.klass_info, compiler.select
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[first:last]]
        populators = get_related_populators(klass_info, select, compiler.using)
        annotations = list(compiler.annotation_col_map.items())  # as the ORM's ModelIterable sets them
        out = []
        for row in c.convert(rows):
            obj = model.from_db(compiler.using, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            out.append(obj)
        return out


def padded(ids) -> list[int]:
    """Ids, distinct and sorted, padded to the next power of two by repeating the last (a repeated id changes
    no `IN`): a list parameter compiles once per length, so a page of any length reuses one of a few forms."""
    ids = sorted(set(ids))
    if not ids:
        return ids
    size = 1 << (len(ids) - 1).bit_length()
    return ids + [ids[-1]] * (size - len(ids))


def _identity(value):
    return value


_WHOLE = -1  # a slot that takes the whole list, as one array


def _as_arrays(sql: str, slots: list) -> tuple[str, list]:
    """PostgreSQL: each `IN (%s, %s, ...)` of a list parameter becomes `= ANY(%s)` with the list as one array.
    The SQL text is then the same for every page size, and psycopg caches its parsing only for statements of
    at most 50 parameters: a page of 50 tasks' unit links (100 ids) was parsed again on every call."""
    pieces = sql.split("%s")
    if len(pieces) != len(slots) + 1 or "%%" in sql:
        return sql, slots  # not the plain placeholders this expects: left as the ORM wrote it
    out, new_slots, i = pieces[0], [], 0
    while i < len(slots):
        name, j, _adapt = slots[i]
        n = 1
        if name is not None and j == 0:  # the run of this list's stand-ins, in order, joined by ", "
            while i + n < len(slots) and slots[i + n][:2] == (name, n) and pieces[i + n] == ", ":
                n += 1
        if n > 1 and out.endswith(" IN (") and not out.endswith(" NOT IN (") and pieces[i + n].startswith(")"):
            out = out[:-len(" IN (")] + " = ANY(%s)" + pieces[i + n][1:]
            new_slots.append((name, _WHOLE, _identity))
        else:
            for k in range(i, i + n):
                out += "%s" + pieces[k + 1]
                new_slots.append(slots[k])
        i += n
    return out, new_slots
