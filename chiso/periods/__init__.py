"""Periods and calendars, one home for every app (tracking, reports and what comes after them).

- `codes`: period codes (2025-Q1, 2025-H1, 2025-Q3, 2025-Y, 2025-11, 2025-DX1), their windows and deadlines
  from a reporting rule, and `counting_day`: the day an update (or any dated record) counts at;
- `checkins`: the check-in periods of a recurring task (months, quarters, halves, the year);
- `calendar`: `today()`, the agency's reporting calendar (`resolve`, `periods_of_year`) and `period_of`, the
  one answer to "which period of this kind does this day belong to";
- `workdays`: working days and public holidays;
- `models`: the editable rows behind them: Holiday, ReportingRule, AdHocPeriod.
The rule that reconciles check-in periods with reporting periods is written in docs/architecture.md."""
