"""Human-readable dates paired with ISO dates: the translation task of lesson 05 (attention).

"lundi 5 août 2013", "Aug 5, 2013" and "05.08.13" all translate to "2013-08-05". Sources are
written by ``babel`` from the CLDR data inside its wheel (offline), in several locales and
the four CLDR widths ("full", "long", "medium", "short"); targets are always 10 characters.

- :func:`pairs`: ``n`` (source, target) pairs, deterministic for a seed.
- :func:`year_span`: where the year is written in a source (for checking attention maps).

No source maps to two targets: numeric dates that put the month first (en_US's "8/5/13")
are left out, so "05/08/13" always means 5 August, and two-digit years stand for
1950-2049, the range dates are drawn from.
"""

import datetime as dt

import numpy as np

from labkit.datasets._arguments import check_seed

LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT")
FORMATS = ("full", "long", "medium", "short")
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2049, 12, 31)
TARGET_LENGTH = 10  # "YYYY-MM-DD"


def _check_choices(name, values, allowed):
    if isinstance(values, str) or not values or any(value not in allowed for value in values):
        raise ValueError(f"{name}: expected a non-empty list drawn from {', '.join(allowed)}, got {values!r}")
    return tuple(values)


def _month_first_numeric(locale, width):
    from babel.dates import get_date_format

    pattern = get_date_format(width, locale=locale).pattern
    numeric = "MMM" not in pattern
    return numeric and pattern.index("M") < pattern.index("d")


def combinations(locales=LOCALES, formats=FORMATS):
    """The (locale, width) pairs :func:`pairs` draws from: all but month-first numeric ones."""
    locales = _check_choices("locales", locales, LOCALES)
    formats = _check_choices("formats", formats, FORMATS)
    return [(locale, width) for locale in locales for width in formats
            if not _month_first_numeric(locale, width)]


def pairs(n, *, seed=0, locales=LOCALES, formats=FORMATS):
    """``n`` (source, target) pairs of a date uniformly drawn from 1950-2049.

    Each pair draws its date, then its (locale, width) from :func:`combinations`. Non-breaking
    spaces in babel's output become plain spaces.
    """
    from babel.dates import format_date

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n: expected an int >= 1 (number of pairs), got {n!r}")
    check_seed(seed)
    choices = combinations(locales, formats)
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, size=n)  # (n,)
    picks = rng.integers(0, len(choices), size=n)  # (n,)
    result = []
    for offset, pick in zip(days, picks):
        day = FIRST_DAY + dt.timedelta(days=int(offset))
        locale, width = choices[pick]
        source = format_date(day, width, locale=locale).replace("\u202f", " ").replace("\xa0", " ")
        result.append((source, day.isoformat()))
    return result


def year_span(source, target):
    """(start, stop) of the year in ``source`` as written there: four digits, else the final two."""
    year = target[:4]
    start = source.rfind(year)
    if start >= 0:
        return start, start + 4
    if source.endswith(year[2:]):
        return len(source) - 2, len(source)
    raise ValueError(f"source: expected the year {year} of {target!r} in it, got {source!r}")
