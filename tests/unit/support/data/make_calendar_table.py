#!/usr/bin/env python3
"""Writes calendar_table.csv: dates, month arithmetic and ages computed outside loket, with
Python's own calendar (datetime and calendar from the standard library), for
tests/unit/support/calendar_table_test.cpp. Run once; the output is committed:

    python3 tests/unit/support/data/make_calendar_table.py > tests/unit/support/data/calendar_table.csv

Rows (no header):
  days,YYYY-MM-DD,N               N = days since 1970-01-01 (proleptic Gregorian)
  add_months,YYYY-MM-DD,M,RESULT  date + M months, clamped to the end of the month
                                  (2024-01-31 + 1 month = 2024-02-29; a year is 12 months)
  years_between,FROM,TO,N         full years from FROM to TO as an age is counted: someone
                                  born on 29 February completes a year on 1 March in a year
                                  without 29 February; negative (-years_between(TO, FROM))
                                  when TO is before FROM
The semantics are those of docs/language.md ("Types and literals", "Built-ins").
"""
import calendar
import datetime
import random

EPOCH = datetime.date(1970, 1, 1)


def add_months(d, months):
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(d.day, last))


def anniversary(born, year):
    """The day in `year` on which someone born on `born` completes a year of age."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 3, 1)
    return datetime.date(year, born.month, born.day)


def years_between(a, b):
    if b < a:
        return -years_between(b, a)
    # The largest n with anniversary(a, a.year + n) <= b, found by counting up from 0.
    n = 0
    while a.year + n + 1 <= 9999 and anniversary(a, a.year + n + 1) <= b:
        n += 1
    return n


def interesting_dates():
    dates = set()
    for year in (1900, 1969, 1970, 1999, 2000, 2001, 2023, 2024, 2100):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            for day in {1, 28, last - 1, last}:
                if 1 <= day <= last:
                    dates.add(datetime.date(year, month, day))
    rng = random.Random(20261207)
    for _ in range(100):
        dates.add(EPOCH + datetime.timedelta(days=rng.randint(-80000, 80000)))
    return sorted(dates)


def main():
    rng = random.Random(42)
    dates = interesting_dates()
    rows = []
    for d in dates:
        rows.append(f"days,{d.isoformat()},{(d - EPOCH).days}")
    for d in dates:
        for months in sorted({1, -1, 12, -13, 36, rng.randint(-600, 600)}):
            result = add_months(d, months)
            rows.append(f"add_months,{d.isoformat()},{months},{result.isoformat()}")
    # Ages: every birth date of the list against dates around its birthdays, and at random.
    for born in dates:
        if born.year > 2100:
            continue
        for age in (0, 1, 18):
            year = born.year + age
            if year > 9998:
                continue
            around = anniversary(born, year)
            for delta in (-2, -1, 0, 1, 2):
                on = around + datetime.timedelta(days=delta)
                rows.append(f"years_between,{born.isoformat()},{on.isoformat()},"
                            f"{years_between(born, on)}")
        on = EPOCH + datetime.timedelta(days=rng.randint(-80000, 80000))
        rows.append(f"years_between,{born.isoformat()},{on.isoformat()},{years_between(born, on)}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
