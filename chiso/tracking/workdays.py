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

    def working_days_after(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_working(d):
                count += 1
        return count

    def working_days_until(self, start: date, end: date) -> int:
        """Working days in [start, end): how many working days are left before `end`."""
        count, d = 0, start
        while d < end:
            if self.is_working(d):
                count += 1
            d += timedelta(days=1)
        return count


def seed_holidays(years) -> int:
    """Add Vietnam's public holidays for `years` from the `holidays` package; existing dates are kept."""
    import holidays

    from .models import Holiday

    existing = set(Holiday.objects.values_list("date", flat=True))
    rows = []
    for day, name in sorted(holidays.country_holidays("VN", years=list(years), language="vi").items()):
        if day not in existing:
            rows.append(Holiday(date=day, name=name[:150], is_day_off=True))
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
