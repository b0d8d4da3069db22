#!/usr/bin/env python3
"""Cross-check Shenguan's working-day tables (rule T1) against chinese_calendar.

Reads a JSON export of the Swift `CalendarYear` tables, from the file named as
the only argument or from standard input:

    [{"year": 2026, "holidays": ["2026-01-01", ...],
      "adjustedWorkingDays": ["2026-01-04", ...], "source": "..."}, ...]

("source" and any other keys are ignored.) For every day of every listed
year it decides "working day" the way the Swift WorkingDayCalendar does --
an adjusted working day of any table is worked, else a holiday of any table
is off, else Monday-Friday is worked -- and compares that with
`chinese_calendar.is_workday` (PyPI package `chinese-calendar`).

Prints each mismatch and exits 1 if there is any; otherwise prints
"calendar_check: N days agree" and exits 0. Exits 2 on unusable input.
"""

import datetime
import json
import sys


def fail_input(message):
    print(f"calendar_check: {message}", file=sys.stderr)
    sys.exit(2)


def parse_day(text, where):
    try:
        day = datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        fail_input(f"{where}: not an ISO date YYYY-MM-DD: {text!r}")
    if len(text) != 10:
        fail_input(f"{where}: not an ISO date YYYY-MM-DD: {text!r}")
    return day


def load_tables(stream):
    try:
        tables = json.load(stream)
    except json.JSONDecodeError as exc:
        fail_input(f"input is not JSON: {exc}")
    if not isinstance(tables, list) or not tables:
        fail_input("input must be a non-empty JSON array of year tables")
    years, holidays, adjusted = [], set(), set()
    for index, table in enumerate(tables):
        if not isinstance(table, dict) or not isinstance(table.get("year"), int):
            fail_input(f"table #{index}: expected an object with an integer \"year\"")
        year = table["year"]
        if year in years:
            fail_input(f"year {year} appears in two tables")
        years.append(year)
        for key, target in (("holidays", holidays), ("adjustedWorkingDays", adjusted)):
            values = table.get(key)
            if not isinstance(values, list):
                fail_input(f"{year}: \"{key}\" must be an array of ISO dates")
            for text in values:
                target.add(parse_day(text, f"{year}.{key}"))
    both = sorted(holidays & adjusted)
    if both:
        fail_input("listed both as holiday and adjusted working day: "
                   + ", ".join(d.isoformat() for d in both))
    return sorted(years), holidays, adjusted


def is_working_day(day, holidays, adjusted):
    if day in adjusted:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5  # Monday = 0 ... Friday = 4


def main(argv):
    try:
        import chinese_calendar
    except ImportError:
        fail_input("the Python package chinese_calendar is missing: "
                   "python3 -m pip install chinese-calendar")

    if len(argv) > 2:
        fail_input("usage: calendar_check.py [EXPORT.json]  (or the JSON on stdin)")
    if len(argv) == 2 and argv[1] != "-":
        with open(argv[1], encoding="utf-8") as handle:
            years, holidays, adjusted = load_tables(handle)
    else:
        years, holidays, adjusted = load_tables(sys.stdin)

    checked, mismatches = 0, []
    for year in years:
        day = datetime.date(year, 1, 1)
        while day.year == year:
            ours = is_working_day(day, holidays, adjusted)
            try:
                theirs = chinese_calendar.is_workday(day)
            except NotImplementedError:
                fail_input(f"chinese_calendar {getattr(chinese_calendar, '__version__', '?')} "
                           f"has no data for {year}; upgrade it (pip install -U chinese-calendar)")
            if ours != theirs:
                mismatches.append((day, ours, theirs))
            checked += 1
            day += datetime.timedelta(days=1)

    def label(working):
        return "working day" if working else "day off"

    for day, ours, theirs in mismatches:
        print(f"calendar_check: MISMATCH {day.isoformat()} ({day.strftime('%a')}): "
              f"tables say {label(ours)}, chinese_calendar says {label(theirs)}")
    if mismatches:
        print(f"calendar_check: {len(mismatches)} of {checked} days disagree")
        return 1
    print(f"calendar_check: {checked} days agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
