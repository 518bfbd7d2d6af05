from labkit.datasets import dates

import collections
import datetime as dt

import pytest


def test_targets_are_iso_dates_in_range_and_sources_write_the_same_day():
    for source, target in dates.pairs(300, seed=0):
        day = dt.date.fromisoformat(target)
        assert len(target) == dates.ISO_LENGTH and dates.FIRST_DAY <= day <= dates.LAST_DAY
        assert str(day.day) in source  # every format writes the day of the month as digits
        assert source.strip() == source and "\xa0" not in source and "\u202f" not in source


def test_every_locale_and_width_appears_and_lengths_vary():
    sample = dates.pairs(3000, seed=1)
    lengths = [len(source) for source, _ in sample]
    assert min(lengths) <= 8 and max(lengths) >= 25  # "05.08.13" ... "Donnerstag, 15. September 2013"
    text = " ".join(source for source, _ in sample)
    for word in ("August", "août", "agosto", "Montag", "lunedì", "Aug"):
        assert word in text


def test_the_same_source_never_has_two_targets():
    targets = collections.defaultdict(set)
    for source, target in dates.pairs(30000, seed=2):
        targets[source].add(target)
    assert all(len(found) == 1 for found in targets.values())


def test_month_first_numeric_dates_are_left_out():
    assert ("en_US", "short") not in dates.combinations()
    assert ("de_DE", "short") in dates.combinations()
    assert not any(source.count("/") == 2 and source.startswith("8/5")
                   for source, _ in dates.pairs(2000, seed=0, locales=["en_US"]))


def test_known_day_in_known_formats():
    from babel.dates import format_date

    day = dt.date(2013, 8, 5)
    assert format_date(day, "full", locale="fr_FR") == "lundi 5 août 2013"
    sample = dates.pairs(400, seed=3, locales=["de_DE"], formats=["short"])
    assert all(len(source) == 8 and source[2] == source[5] == "." for source, _ in sample)
    assert all(source == f"{t[8:]}.{t[5:7]}.{t[2:4]}" for source, t in sample)


def test_pairs_are_deterministic_per_seed():
    assert dates.pairs(50, seed=7) == dates.pairs(50, seed=7)
    assert dates.pairs(50, seed=7) != dates.pairs(50, seed=8)


def test_several_dates_per_source_are_joined_in_the_same_order():
    sample = dates.pairs(600, seed=5, max_dates=3)
    counts = collections.Counter(len(target.split(" ")) for _, target in sample)
    assert set(counts) == {1, 2, 3} and min(counts.values()) > 150
    for source, target in sample:
        n_dates = len(target.split(" "))
        assert len(target) == 11 * n_dates - 1 and len(source.split("; ")) == n_dates
        for one_source, one_target in zip(source.split("; "), target.split(" ")):
            assert dates.year_spans(one_source, one_target)  # each part is a date of its own
    assert all(len(target) == dates.ISO_LENGTH for _, target in dates.pairs(50, seed=5))  # max_dates=1


def test_year_spans_find_four_or_two_digit_years():
    assert dates.year_spans("Aug 5, 2013", "2013-08-05") == [(7, 11)]
    assert dates.year_spans("05.08.13", "2013-08-05") == [(6, 8)]
    assert dates.year_spans("13 March 2013", "2013-03-13") == [(9, 13)]
    assert dates.year_spans("05.08.13; 1 May 1999", "2013-08-05 1999-05-01") == [(6, 8), (16, 20)]
    for source, target in dates.pairs(500, seed=4, max_dates=3):
        years = [part[:4] for part in target.split(" ")]
        for (start, stop), year in zip(dates.year_spans(source, target), years):
            assert year[4 - (stop - start):] == source[start:stop]
    with pytest.raises(ValueError, match="source: expected the year 2013"):
        dates.year_spans("5 August", "2013-08-05")
    with pytest.raises(ValueError, match="source: expected 2 dates"):
        dates.year_spans("5 August 2013", "2013-08-05 2013-08-06")


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=0), "n: expected an int >= 1"),
    (dict(n=2.5), "n: expected an int >= 1"),
    (dict(n=5, seed=-1), "seed: expected an int >= 0"),
    (dict(n=5, max_dates=0), "max_dates: expected an int >= 1"),
    (dict(n=5, locales=["xx_XX"]), "locales: expected a non-empty list drawn from en_US"),
    (dict(n=5, locales="en_US"), "locales: expected a non-empty list"),
    (dict(n=5, formats=[]), "formats: expected a non-empty list drawn from full"),
    (dict(n=5, formats=["tiny"]), "formats: expected a non-empty list"),
])
def test_bad_arguments_give_one_line_errors(kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        dates.pairs(**kwargs)
    assert "\n" not in str(error.value)
