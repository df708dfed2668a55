"""Plain multi-row INSERTs for the reminder loop's tens of thousands of rows.

`QuerySet.bulk_create` prepares every value of every row through its field (and builds a model instance
per row first): at 40,000 reminders and 40,000 notifications that was most of `chiso remind`'s time. Here
the rows are tuples of values already in their Python type; only date and datetime columns are adapted
(once per distinct value), and the statement is sent with executemany in one transaction."""

from django.db import connections, models, router, transaction


def insert_rows(model, fields: list[str], rows, ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (tuples in the order of `fields`) into `model`'s table. With `ignore_conflicts` a row
    that breaks a unique constraint is skipped (ON CONFLICT DO NOTHING, as bulk_create does)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names, marks = ", ".join(quote(c.column) for c in columns), ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(opts.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - model's names, values bound
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    adapters = {}
    for i, column in enumerate(columns):
        if isinstance(column, models.DateTimeField):
            adapters[i] = _cached(connection.ops.adapt_datetimefield_value)
        elif isinstance(column, models.DateField):
            adapters[i] = _cached(connection.ops.adapt_datefield_value)
    if adapters:
        rows = [tuple(adapters[i](v) if i in adapters else v for i, v in enumerate(row)) for row in rows]
    elif not isinstance(rows, list):
        rows = list(rows)
    if not rows:
        return
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _cached(adapt):
    seen: dict = {}

    def cached(value):
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return cached
