"""The working-day calendar as the dossier engine needs it: a cumulative count of working days per date.

The one place that reads the shared calendar (chiso.periods: holidays and make-up days)."""

from datetime import date, timedelta

# The engine looks dates up in a dense table from ORIGIN; dossier dates outside it are refused at import.
ORIGIN = date(2000, 1, 1)
LAST = date(2100, 12, 31)


def overrides(start: date, end: date) -> dict[date, bool]:
    """Holidays (True = day off) and make-up working days (False) between start and end."""
    from chiso.periods.models import Holiday

    return dict(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_day_off"))


def cumulative(start: date, end: date, days_off: dict[date, bool] | None = None) -> list[int]:
    """wd[i] = working days in [start, start + i]; working days in (a, b] = wd[b] - wd[a]."""
    if days_off is None:
        days_off = overrides(start, end)
    out, count, d = [], 0, start
    while d <= end:
        off = days_off.get(d)
        if (d.weekday() < 5) if off is None else not off:
            count += 1
        out.append(count)
        d += timedelta(days=1)
    return out
