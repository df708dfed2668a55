"""Working days: Monday to Friday, less the holidays and plus the make-up days of the Holiday table."""

from datetime import date, timedelta


class WorkCalendar:
    """Answers working-day questions for dates between `start` and `end` with one query."""

    def __init__(self, start: date, end: date, overrides: dict[date, bool] | None = None):
        if overrides is None:
            from .models import Holiday

            overrides = dict(Holiday.objects.filter(date__gte=start - timedelta(days=400),
                                                    date__lte=end + timedelta(days=400))
                             .values_list("date", "is_day_off"))
        self.overrides = overrides
        self._cache: dict[date, bool] = {}

    def is_working(self, day: date) -> bool:
        hit = self._cache.get(day)
        if hit is None:
            off = self.overrides.get(day)
            hit = (day.weekday() < 5) if off is None else not off
            self._cache[day] = hit
        return hit

    def nth_working_day_before(self, day: date, n: int) -> date:
        """The n-th working day strictly before `day` (n >= 1)."""
        d, seen = day, 0
        while seen < n:
            d -= timedelta(days=1)
            if self.is_working(d):
                seen += 1
        return d

    def _count(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both included."""
        return sum(1 for k in range((last - first).days + 1) if self.is_working(first + timedelta(days=k)))

    def working_days_after(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days late `end` is for a deadline `start`."""
        return self._count(start + timedelta(days=1), end)

    def working_days_until(self, start: date, end: date) -> int:
        """Working days in [start, end): how many working days are left before `end`."""
        return self._count(start, end - timedelta(days=1))


def seed_holidays(years, model=None) -> int:
    """Add Vietnam's public holidays for `years` from the `holidays` package; existing dates are kept.
    `model` is the Holiday model (a migration passes its historical one)."""
    import holidays

    if model is None:
        from .models import Holiday as model

    existing = set(model.objects.values_list("date", flat=True))
    rows = [model(date=day, name=name[:150], is_day_off=True)
            for day, name in sorted(holidays.country_holidays("VN", years=list(years), language="vi").items())
            if day not in existing]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
