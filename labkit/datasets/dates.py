"""Human-readable dates paired with ISO dates: the translation task of lesson 05 (attention).

"lundi 5 août 2013", "Aug 5, 2013" and "05.08.13" all translate to "2013-08-05". Sources are
written by ``babel`` from the CLDR data inside its wheel (offline), in several locales and
the four CLDR widths ("full", "long", "medium", "short"). A source may list several dates
("5 Aug 2013; 12.03.91" -> "2013-08-05 1991-03-12"), so longer inputs carry more to translate.

- :func:`pairs`: ``n`` (source, target) pairs, deterministic for a seed.
- :func:`year_spans`: where each year is written in a source (for checking attention maps).

No source maps to two targets: numeric dates that put the month first (en_US's "8/5/13")
are left out, so "05/08/13" always means 5 August, and two-digit years stand for
1950-2049, the range dates are drawn from.
"""

from labkit.arguments import check_int, check_seed

import datetime as dt

import numpy as np

LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT")
FORMATS = ("full", "long", "medium", "short")
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2049, 12, 31)
ISO_LENGTH = 10  # "YYYY-MM-DD"
SOURCE_SEPARATOR, TARGET_SEPARATOR = "; ", " "


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


def pairs(n, *, seed=0, max_dates=1, locales=LOCALES, formats=FORMATS):
    """``n`` (source, target) pairs, each listing 1 to ``max_dates`` dates (uniformly many).

    Every date is uniform in 1950-2049 and written in a (locale, width) drawn from
    :func:`combinations`; dates are joined by "; " in the source and by " " in the target, so
    a target has ``11 * dates - 1`` characters. Non-breaking spaces become plain spaces.
    """
    from babel.dates import format_date

    n = check_int("n", n, meaning="number of pairs")
    max_dates = check_int("max_dates", max_dates, meaning="dates per source")
    check_seed(seed)
    choices = combinations(locales, formats)
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, max_dates + 1, size=n)  # (n,)
    days = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, size=(n, max_dates))  # (n, max_dates)
    picks = rng.integers(0, len(choices), size=(n, max_dates))  # (n, max_dates)
    result = []
    for count, offsets, row_picks in zip(counts, days, picks):
        sources, targets = [], []
        for offset, pick in zip(offsets[:count], row_picks[:count]):
            day = FIRST_DAY + dt.timedelta(days=int(offset))
            locale, width = choices[pick]
            sources.append(format_date(day, width, locale=locale).replace("\u202f", " ").replace("\xa0", " "))
            targets.append(day.isoformat())
        result.append((SOURCE_SEPARATOR.join(sources), TARGET_SEPARATOR.join(targets)))
    return result


def year_spans(source, target):
    """[(start, stop)] of each date's year in ``source``: its four digits, else its final two."""
    sources, targets = source.split(SOURCE_SEPARATOR), target.split(TARGET_SEPARATOR)
    if len(sources) != len(targets):
        raise ValueError(f"source: expected {len(targets)} dates like target {target!r}, got {source!r}")
    spans, offset = [], 0
    for one_source, one_target in zip(sources, targets):
        year = one_target[:4]
        start = one_source.rfind(year)
        if start >= 0:
            spans.append((offset + start, offset + start + 4))
        elif one_source.endswith(year[2:]):
            spans.append((offset + len(one_source) - 2, offset + len(one_source)))
        else:
            raise ValueError(f"source: expected the year {year} of {one_target!r} in {one_source!r}")
        offset += len(one_source) + len(SOURCE_SEPARATOR)
    return spans
