#!/usr/bin/env python3
"""Independent reference for the Vietnamese lunar calendar (UTC+7), used by the Rust tests.

Why this exists: the Rust crate implements Ho Ngoc Duc's compact algorithm (low-order series
for the new moon and for the sun's longitude, evaluated at local midnights). A test that
compares that code with itself proves nothing, so this script computes the same calendar by a
different code path:

* astronomy from PyEphem (libastro: VSOP87 sun, ELP 2000-82 moon, delta-T handled), not from
  the series used in Rust: new moons come from ``ephem.next_new_moon`` and each principal
  solar term (zhongqi, apparent ecliptic longitude a multiple of 30 degrees) is found by
  root-finding on the sun's apparent longitude of date;
* the calendar rules are applied directly as stated, on lists of local (UTC+7) dates, rather
  than through Ho Ngoc Duc's "sector at midnight" shortcut:
  - a month starts on the local date of a new moon;
  - month 11 is the month containing the local date of the winter solstice;
  - when 13 months lie between two months 11, the first one that contains no principal term
    (on its local dates) is the leap month and repeats the previous month's number;
  - Tet (1/1) is the start of month 1.

Outputs (CSV, UTF-8, committed next to this script):
  tet_1900_2100.csv            year,tet
  lunar_months.csv             start,lunar_year,month,leap,days   (every lunar month of
                               lunar years 1899..2200, i.e. covering solar 1900..2200)

Usage:  python3 -m venv venv && venv/bin/pip install ephem==4.2.1
        venv/bin/python gen_tet.py            # rewrites both files beside this script
"""

import csv
import datetime as dt
import math
import os
import sys

import ephem

TZ_HOURS = 7  # Vietnam: UTC+7 (the Chinese calendar uses UTC+8)
HERE = os.path.dirname(os.path.abspath(__file__))


def local_date(d):
    """Local (UTC+7) calendar date of an ephem.Date (which is in UT)."""
    return ephem.Date(d + TZ_HOURS * ephem.hour).datetime().date()


def sun_apparent_longitude(d):
    """Apparent geocentric ecliptic longitude of the sun, degrees, equinox of date."""
    sun = ephem.Sun()
    sun.compute(d, epoch=d)
    ecl = ephem.Ecliptic(ephem.Equatorial(sun.ra, sun.dec, epoch=d), epoch=d)
    return math.degrees(ecl.lon) % 360.0


def solar_term(year, target_deg):
    """UT moment (ephem.Date) when the sun's longitude reaches target_deg in `year`."""
    # Rough guess: longitude 0 near 20 March, ~0.9856 deg/day.
    days_from_equinox = ((target_deg % 360.0) / 360.0) * 365.2422
    t = ephem.Date(dt.datetime(year, 3, 20)) + days_from_equinox
    for _ in range(50):
        diff = (target_deg - sun_apparent_longitude(t) + 180.0) % 360.0 - 180.0
        step = diff / 360.0 * 365.2422
        t += step
        if abs(step) < 1e-7:  # ~0.01 s
            break
    else:
        raise RuntimeError("solar term did not converge")
    return ephem.Date(t)


def new_moon_dates(first_year, last_year):
    """Local dates of every new moon between the two years (inclusive)."""
    out = []
    d = ephem.Date(dt.datetime(first_year, 1, 1))
    end = ephem.Date(dt.datetime(last_year + 1, 1, 1))
    while True:
        d = ephem.next_new_moon(d)
        if d >= end:
            return out
        out.append(local_date(d))
        d = ephem.Date(d + 1)


def principal_term_dates(first_year, last_year):
    """Local dates of all principal terms (multiples of 30 degrees)."""
    dates = []
    for y in range(first_year, last_year + 1):
        for k in range(12):
            dates.append(local_date(solar_term(y, 30.0 * k)))
    return sorted(dates)


def lunar_months(first_lunar_year, last_lunar_year):
    """List of (start, lunar_year, month, leap, days) for the lunar years asked."""
    moons = new_moon_dates(first_lunar_year - 2, last_lunar_year + 2)
    terms = principal_term_dates(first_lunar_year - 2, last_lunar_year + 2)
    term_set = set(terms)

    def has_term(i):
        start, end = moons[i], moons[i + 1]
        n = (end - start).days
        return any(start + dt.timedelta(days=j) in term_set for j in range(n))

    def month11_index(year):
        solstice = local_date(solar_term(year, 270.0))
        return max(i for i, m in enumerate(moons) if m <= solstice)

    rows = []
    for y in range(first_lunar_year - 1, last_lunar_year + 1):
        a, b = month11_index(y), month11_index(y + 1)
        count = b - a
        if count not in (12, 13):
            raise RuntimeError(f"{count} months between months 11 of {y} and {y + 1}")
        leap_index = None
        if count == 13:
            leap_index = next(i for i in range(a + 1, b + 1) if not has_term(i))
        month, lunar_year = 11, y
        for i in range(a, b):
            leap = i == leap_index
            if i > a and not leap:
                month += 1
                if month == 13:
                    month, lunar_year = 1, y + 1
            if first_lunar_year <= lunar_year <= last_lunar_year:
                rows.append((moons[i], lunar_year, month, leap, (moons[i + 1] - moons[i]).days))
    return rows


def main():
    rows = lunar_months(1899, 2200)
    with open(os.path.join(HERE, "lunar_months.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["start", "lunar_year", "month", "leap", "days"])
        for start, year, month, leap, days in rows:
            w.writerow([start.isoformat(), year, month, int(leap), days])
    tet = {year: start for start, year, month, leap, _ in rows if month == 1 and not leap}
    with open(os.path.join(HERE, "tet_1900_2100.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "tet"])
        for year in range(1900, 2101):
            w.writerow([year, tet[year].isoformat()])
    known = {1985: "1985-01-21", 2007: "2007-02-17", 1991: "1991-02-15",
             2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17"}
    for year, want in known.items():
        if tet[year].isoformat() != want:
            sys.exit(f"known fact violated: Tet {year} is {want}, computed {tet[year]}")
    # The same rules at UTC+8 must give the Chinese dates, which differ in these years.
    global TZ_HOURS
    TZ_HOURS = 8
    china = {y: s for s, y, m, leap, _ in lunar_months(1985, 1985) + lunar_months(2007, 2007)
             if m == 1 and not leap}
    if (china[1985].isoformat(), china[2007].isoformat()) != ("1985-02-20", "2007-02-18"):
        sys.exit(f"UTC+8 self-check failed: {china}")
    print(f"wrote {len(rows)} lunar months and {2101 - 1900} Tet dates; UTC+8 self-check ok")


if __name__ == "__main__":
    main()
