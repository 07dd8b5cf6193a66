"""chrono.When: the grammar, bounds, errors, order, display and JSON."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from chrono.errors import InvalidWhen
from chrono.when import Precision, When

P = Precision


def keys(text: str) -> tuple[object, object]:
    when = When.parse(text)
    return when.earliest_key, when.latest_key


# --- level 0 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("1985-04-12", (1985, 4, 12), (1985, 4, 12), P.DAY),
        ("1985-04", (1985, 4, 1), (1985, 4, 30), P.MONTH),
        ("1985", (1985, 1, 1), (1985, 12, 31), P.YEAR),
        ("0001", (1, 1, 1), (1, 12, 31), P.YEAR),
        ("9999-12-31", (9999, 12, 31), (9999, 12, 31), P.DAY),
        ("2024-02", (2024, 2, 1), (2024, 2, 29), P.MONTH),
        ("2023-02", (2023, 2, 1), (2023, 2, 28), P.MONTH),
        ("1900-02", (1900, 2, 1), (1900, 2, 28), P.MONTH),
        ("2000-02-29", (2000, 2, 29), (2000, 2, 29), P.DAY),
        ("1964/2008", (1964, 1, 1), (2008, 12, 31), P.YEAR),
        ("2004-06/2006-08", (2004, 6, 1), (2006, 8, 31), P.MONTH),
        ("2004-02-01/2005-02-08", (2004, 2, 1), (2005, 2, 8), P.DAY),
        ("2004-02-01/2005-02", (2004, 2, 1), (2005, 2, 28), P.MONTH),
        ("2004-02-01/2005", (2004, 2, 1), (2005, 12, 31), P.YEAR),
        ("2005/2006-02", (2005, 1, 1), (2006, 2, 28), P.YEAR),
    ],
)
def test_level0_dates_and_intervals(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int], precision: Precision) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, precision)
    assert when.earliest == pendulum.Date(*earliest)
    assert when.latest == pendulum.Date(*latest)
    assert isinstance(when.earliest, pendulum.Date)
    assert when.is_interval == ("/" in text)
    assert not when.is_set
    assert when.qualifiers == frozenset()
    assert when.edtf == str(when) == text


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("1985-04-12T23:20:30", "23:20:30"),
        ("1985-04-12T23:20:30Z", "23:20:30Z"),
        ("1985-04-12T23:20:30-04", "23:20:30-04"),
        ("1985-04-12T23:20:30+04:30", "23:20:30+04:30"),
        ("1985-04-12T23:20:30+05:00", "23:20:30+05:00"),
        ("1985-04-12T24:00:00", "24:00:00"),
    ],
)
def test_date_times_have_day_precision_and_keep_their_time(text: str, time: str) -> None:
    when = When.parse(text)
    assert when.precision is P.DAY
    assert when.earliest == when.latest == pendulum.Date(1985, 4, 12)
    assert when.time == time


def test_a_plain_date_has_no_time() -> None:
    assert When.parse("1985-04-12").time is None


# --- level 1 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Y170000002", 170000002),
        ("Y-170000002", -170000002),
        ("Y10000", 10000),
        ("Y-17E7", -170000000),
        ("Y17E7", 170000000),
        ("Y12345678901234", 12345678901234),
    ],
)
def test_long_years_keep_keys_outside_pendulums_range(text: str, year: int) -> None:
    when = When.parse(text)
    assert when.earliest is None and when.latest is None
    assert when.earliest_key == (year, 1, 1)
    assert when.latest_key == (year, 12, 31)
    assert when.precision is P.YEAR


def test_an_exponential_year_inside_pendulums_range_has_dates() -> None:
    assert When.parse("Y2E3").earliest == pendulum.Date(2000, 1, 1)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("-0100", (-100, 1, 1), (-100, 12, 31)),
        ("-1985", (-1985, 1, 1), (-1985, 12, 31)),
        ("-0400-02-29", (-400, 2, 29), (-400, 2, 29)),
        ("0000-02-29", (0, 2, 29), (0, 2, 29)),
    ],
)
def test_negative_years_and_year_zero(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int]) -> None:
    # Leap years follow the proleptic Gregorian calendar with a year 0: -0400 and 0000 are leap.
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key) == (earliest, latest)
    assert when.earliest is None and when.latest is None


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2001-21", (2001, 3, 1), (2001, 5, 31)),
        ("2001-22", (2001, 6, 1), (2001, 8, 31)),
        ("2001-23", (2001, 9, 1), (2001, 11, 30)),
        ("2001-24", (2001, 12, 1), (2002, 2, 28)),  # winter runs into the next year
        ("2003-24", (2003, 12, 1), (2004, 2, 29)),
    ],
)
def test_seasons_are_meteorological_northern(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int]) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, P.SEASON)


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("1984?", {"uncertain"}),
        ("2004-06~", {"approximate"}),
        ("2004-06-11%", {"uncertain", "approximate"}),
        ("2001-21?", {"uncertain"}),
        ("201X~", {"approximate"}),
    ],
)
def test_qualifiers_are_recorded_without_widening_bounds(text: str, qualifiers: set[str]) -> None:
    when = When.parse(text)
    assert when.qualifiers == frozenset(qualifiers)
    bare = When.parse(text[:-1])
    assert (when.earliest_key, when.latest_key, when.precision) == (bare.earliest_key, bare.latest_key, bare.precision)


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("201X", (2010, 1, 1), (2019, 12, 31), P.DECADE),
        ("20XX", (2000, 1, 1), (2099, 12, 31), P.CENTURY),
        ("-201X", (-2019, 1, 1), (-2010, 12, 31), P.DECADE),
        ("2004-XX", (2004, 1, 1), (2004, 12, 31), P.YEAR),
        ("1985-04-XX", (1985, 4, 1), (1985, 4, 30), P.MONTH),
        ("1985-XX-XX", (1985, 1, 1), (1985, 12, 31), P.YEAR),
    ],
)
def test_unspecified_digits(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int], precision: Precision) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "flags"),
    [
        # flags: open_start, open_end, unknown_start, unknown_end
        ("1985-04-12/..", (1985, 4, 12), None, (False, True, False, False)),
        ("1985-04/..", (1985, 4, 1), None, (False, True, False, False)),
        ("1985/..", (1985, 1, 1), None, (False, True, False, False)),
        ("../1985-04-12", None, (1985, 4, 12), (True, False, False, False)),
        ("../1985-04", None, (1985, 4, 30), (True, False, False, False)),
        ("../1985", None, (1985, 12, 31), (True, False, False, False)),
        ("1985-04-12/", (1985, 4, 12), None, (False, False, False, True)),
        ("1985-04/", (1985, 4, 1), None, (False, False, False, True)),
        ("1985/", (1985, 1, 1), None, (False, False, False, True)),
        ("/1985-04-12", None, (1985, 4, 12), (False, False, True, False)),
        ("/1985-04", None, (1985, 4, 30), (False, False, True, False)),
        ("/1985", None, (1985, 12, 31), (False, False, True, False)),
    ],
)
def test_extended_intervals(
    text: str, earliest: tuple[int, int, int] | None, latest: tuple[int, int, int] | None, flags: tuple[bool, bool, bool, bool]
) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key) == (earliest, latest)
    assert (when.open_start, when.open_end, when.unknown_start, when.unknown_end) == flags
    assert when.is_interval
    assert (when.earliest is None) == (earliest is None)
    assert (when.latest is None) == (latest is None)


def test_qualified_interval_ends() -> None:
    when = When.parse("1984~/2004-06")
    assert (when.earliest_key, when.latest_key) == ((1984, 1, 1), (2004, 6, 30))
    assert when.qualifiers == {"approximate"}
    assert when.precision is P.YEAR  # the coarser end
    when = When.parse("2004-06~/2004-08?")
    assert (when.earliest_key, when.latest_key) == ((2004, 6, 1), (2004, 8, 31))
    assert when.qualifiers == {"approximate", "uncertain"}
    assert when.precision is P.MONTH


def test_an_interval_may_end_inside_its_start() -> None:
    # Only a start that cannot precede the end is reversed.
    when = When.parse("2004-06/2004")
    assert (when.earliest_key, when.latest_key) == ((2004, 6, 1), (2004, 12, 31))


# --- level 2 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2024-25", (2024, 3, 1), (2024, 5, 31), P.SEASON),
        ("2024-26", (2024, 6, 1), (2024, 8, 31), P.SEASON),
        ("2024-27", (2024, 9, 1), (2024, 11, 30), P.SEASON),
        ("2024-28", (2024, 12, 1), (2025, 2, 28), P.SEASON),
        ("2024-29", (2024, 9, 1), (2024, 11, 30), P.SEASON),  # southern spring
        ("2024-30", (2024, 12, 1), (2025, 2, 28), P.SEASON),
        ("2024-31", (2024, 3, 1), (2024, 5, 31), P.SEASON),
        ("2024-32", (2024, 6, 1), (2024, 8, 31), P.SEASON),
        ("2024-33", (2024, 1, 1), (2024, 3, 31), P.QUARTER),
        ("2024-34", (2024, 4, 1), (2024, 6, 30), P.QUARTER),
        ("2024-35", (2024, 7, 1), (2024, 9, 30), P.QUARTER),
        ("2024-36", (2024, 10, 1), (2024, 12, 31), P.QUARTER),
        ("2024-37", (2024, 1, 1), (2024, 4, 30), P.QUADRIMESTER),
        ("2024-38", (2024, 5, 1), (2024, 8, 31), P.QUADRIMESTER),
        ("2024-39", (2024, 9, 1), (2024, 12, 31), P.QUADRIMESTER),
        ("2024-40", (2024, 1, 1), (2024, 6, 30), P.HALF),
        ("2024-41", (2024, 7, 1), (2024, 12, 31), P.HALF),
        ("2001-34", (2001, 4, 1), (2001, 6, 30), P.QUARTER),
    ],
)
def test_sub_year_groupings(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int], precision: Precision) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("2004?-06-11", {"uncertain"}),
        ("?2004-06~-11", {"uncertain", "approximate"}),
        ("2004-?06-11", {"uncertain"}),
        ("2004-06~-11", {"approximate"}),
        ("?2004-06-~11", {"uncertain", "approximate"}),
        ("2004-06-%11", {"uncertain", "approximate"}),
        ("?2004", {"uncertain"}),
    ],
)
def test_component_qualifiers(text: str, qualifiers: set[str]) -> None:
    when = When.parse(text)
    assert when.qualifiers == frozenset(qualifiers)
    expected = (2004, 6, 11) if "11" in text else None
    if expected:
        assert when.earliest_key == when.latest_key == expected
        assert when.precision is P.DAY


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "open_start", "open_end"),
    [
        ("[1667,1668,1670..1672]", (1667, 1, 1), (1672, 12, 31), P.YEAR, False, False),
        ("[..1760-12-03]", None, (1760, 12, 3), P.DAY, True, False),
        ("[1760-12..]", (1760, 12, 1), None, P.MONTH, False, True),
        ("[1667,1760-12]", (1667, 1, 1), (1760, 12, 31), P.YEAR, False, False),
        ("[..1984]", None, (1984, 12, 31), P.YEAR, True, False),
        ("[2024-03-21..2024-03-31]", (2024, 3, 21), (2024, 3, 31), P.DAY, False, False),
        ("[..1900,1950,2000..]", None, None, P.YEAR, True, True),
        ("[2001-21,2004-06-11?]", (2001, 3, 1), (2004, 6, 11), P.SEASON, False, False),
    ],
)
def test_one_of_sets(
    text: str, earliest: tuple[int, int, int] | None, latest: tuple[int, int, int] | None, precision: Precision, open_start: bool, open_end: bool
) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, precision)
    assert (when.open_start, when.open_end) == (open_start, open_end)
    assert when.is_set and not when.is_interval


def test_set_qualifiers_are_those_of_its_members() -> None:
    assert When.parse("[2001-21,2004-06-11?]").qualifiers == {"uncertain"}


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("1950S2", (1900, 1, 1), (1999, 12, 31), P.CENTURY),
        ("1950S3", (1950, 1, 1), (1959, 12, 31), P.DECADE),
        ("1950S4", (1950, 1, 1), (1950, 12, 31), P.YEAR),
        ("-1950S2", (-1999, 1, 1), (-1900, 12, 31), P.CENTURY),
        ("Y171010000S3", (171000000, 1, 1), (171999999, 12, 31), P.MILLENNIUM),
        ("Y3388E2S3", (338000, 1, 1), (338999, 12, 31), P.MILLENNIUM),
    ],
)
def test_significant_digits_widen_to_the_possible_years(text: str, earliest: tuple[int, int, int], latest: tuple[int, int, int], precision: Precision) -> None:
    when = When.parse(text)
    assert (when.earliest_key, when.latest_key, when.precision) == (earliest, latest, precision)


# --- errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("2008/1964", 5, "ends before it starts"),
        ("2004-06-02/2004-06-01", 11, "ends before it starts"),
        ("2019-02-29", 8, "not a leap year"),
        ("1900-02-29", 8, "not a leap year"),
        ("-0100-02-29", 9, "not a leap year"),
        ("1985-13", 5, "month"),
        ("1985-04-32", 8, "day"),
        ("1985-04-31", 8, "April has 30 days"),
        ("1985-04-00", 8, "day"),
        ("2018-00", 5, "month"),
        ("2018-20", 5, "month"),
        ("2018-42", 5, "month"),
        (" 1985", 0, "spaces"),
        ("1985 ", 4, "spaces"),
        ("1985 /2008", 4, "spaces"),
        ("1985/ 2008", 5, "spaces"),
        ("1985-04-12\n", 10, "spaces"),
        ("[1667, 1668]", 6, "spaces"),
        ("", 0, "empty"),
        ("2018/2019/2020", 9, "exactly one '/'"),
        ("garbage", 0, "four-digit year"),
        ("85", 2, "four-digit year"),
        ("19X5", 3, "four-digit year"),
        ("X985", 0, "four-digit year"),
        ("１９８５", 0, "four-digit year"),
        ("1985-1", 6, "month"),
        ("1985-", 5, "month"),
        ("1985-04-1", 9, "day"),
        ("19850", 4, "unexpected character '0'"),
        ("1985-04-12T10:00", 16, "time"),
        ("1985-04-12T25:00:00", 11, "hour"),
        ("1985-04-12T23:60:00", 14, "minute"),
        ("1985-04-12T23:00:60", 17, "second"),
        ("1985-04-12T23:00:00+15:00", 19, "UTC offset"),
        ("1985-04-12T23:00:00+05:", 23, "UTC offset"),
        ("1985-04T23:00:00", 7, "unexpected character 'T'"),
        ("1985-04-XXT23:00:00", 8, "full date"),
        ("1985-04-12?T10:00:00", 11, "qualified"),
        ("1985-XX-12", 8, "unspecified month"),
        ("201X-04", 5, "unspecified year digits"),
        ("2001-21-05", 8, "season"),
        ("Y1234", 1, "more than four digits"),
        ("Y01234", 1, "not starting with 0"),
        ("Y123456789012345", 1, "at most 14 digits"),
        ("Y1E99999", 1, "at most 14 digits"),
        ("Y12345-01", 7, "Y-year has no month"),
        ("-0000", 0, "year zero cannot be negative"),
        ("?2004?", 5, "one qualifier per component"),
        ("2004??", 5, "unexpected character '?'"),
        ("1950S5", 4, "significant digits"),
        ("1950-01S2", 7, "significant digits"),
        ("201XS2", 4, "significant digits"),
        ("../..", 0, "at least one date"),
        ("/..", 0, "at least one date"),
        ("../", 0, "at least one date"),
        ("/", 0, "at least one date"),
        ("..", 0, "four-digit year"),
        ("1985/2008-01-01T10:00:00", 15, "date-times are not allowed in intervals"),
        ("1985/2008T10:00:00", 9, "unexpected character 'T'"),
        ("[1985-04-12T10:00:00]", 11, "date-times are not allowed in sets"),
        ("{1667,1668,1670..1672}", 0, "all-of sets"),
        ("[1667,1668", 10, "must end with ']'"),
        ("[]", 1, "at least one date"),
        ("[1667,,1668]", 6, "expected a date"),
        ("[1670..1668]", 7, "range ends before it starts"),
        ("[1667..1668-05]", 1, "same precision"),
        ("[1667~..1668]", 1, "plain dates"),
        ("[1667,..1668]", 6, "first member"),
        ("[1667..,1668]", 5, "last member"),
        ("[1667..1668..1669]", 11, "unexpected character '.'"),
        ("[1984,..]", 6, "'..' needs a date"),
        ("[[1667]]", 1, "four-digit year"),
    ],
)
def test_invalid_strings_name_the_position(text: str, position: int, reason: str) -> None:
    with pytest.raises(InvalidWhen) as caught:
        When.parse(text)
    error = caught.value
    assert (error.position, reason in error.reason) == (position, True), error.reason
    assert error.text == text
    assert repr(text) in str(error)
    assert isinstance(error, ValueError)


def test_parse_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        When.parse(1985)  # type: ignore[arg-type]


# --- identity, cache, immutability -----------------------------------------


def test_equality_and_hash_follow_the_edtf_string() -> None:
    a, b = When.parse("2018"), When.parse("2018")
    assert a == b and hash(a) == hash(b)
    assert When.parse("2018") != When.parse("2018~")
    assert When.parse("2018") != "2018"
    assert len({When.parse("2018"), When.parse("2018"), When.parse("2018-01")}) == 2


def test_parse_is_cached() -> None:
    assert When.parse("1999-12-31") is When.parse("1999-12-31")


def test_when_is_frozen() -> None:
    when = When.parse("2018")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        when.edtf = "2019"  # type: ignore[misc]


def test_precision_rank_orders_finest_first() -> None:
    ranks = [p.rank for p in Precision]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert P.DAY.rank == 0
    assert P.DAY.rank < P.MONTH.rank < P.SEASON.rank < P.QUARTER.rank < P.HALF.rank < P.YEAR.rank
    assert P.YEAR.rank < P.DECADE.rank < P.CENTURY.rank
    assert P.QUADRIMESTER.value == "quadrimester"


# --- order ------------------------------------------------------------------


def order(texts: list[str]) -> list[str]:
    return [w.edtf for w in sorted(When.parse(t) for t in texts)]


def test_equal_earliest_sorts_coarser_precision_first() -> None:
    assert order(["2018-01-01", "2018-01", "2018", "201X"]) == ["201X", "2018", "2018-01", "2018-01-01"]


def test_earliest_bound_comes_first() -> None:
    assert order(["2018-03-05", "2018-03", "2018", "2017-12-31"]) == ["2017-12-31", "2018", "2018-03", "2018-03-05"]


def test_open_and_unknown_starts_sort_first_and_ends_last() -> None:
    texts = ["2018", "2018/..", "2018/", "../2019", "/2017", "2018/2019", "[..1000]", "1000"]
    # Among open starts the latest bound decides: [..1000] ends first.
    assert order(texts) == ["[..1000]", "/2017", "../2019", "1000", "2018", "2018/2019", "2018/", "2018/.."]


def test_latest_bound_then_text_break_ties() -> None:
    assert order(["2018/2020", "2018/2019"]) == ["2018/2019", "2018/2020"]
    assert order(["2018~", "2018?", "2018"]) == ["2018", "2018?", "2018~"]


def test_negative_and_long_years_sort_by_value() -> None:
    texts = ["0001", "-0001", "Y-170000002", "-0100", "Y170000002", "9999"]
    assert order(texts) == ["Y-170000002", "-0100", "-0001", "0001", "9999", "Y170000002"]


def test_sort_key_is_flat_ints_and_strings() -> None:
    for text in ["2018", "../2018", "2018/", "[1667,1668]", "Y-17E7"]:
        key = When.parse(text).sort_key
        assert all(type(part) in (int, str) for part in key)
        assert key[-1] == text


def test_rich_comparisons_agree_with_sort_key() -> None:
    a, b = When.parse("2018"), When.parse("2018-01")
    assert a < b and a <= b and b > a and b >= a
    assert not (b < a) and a <= When.parse("2018") and a >= When.parse("2018")


# --- day queries --------------------------------------------------------------


def test_starts_and_ends_on_or_before() -> None:
    day = pendulum.Date(2018, 6, 1)
    assert When.parse("2018").starts_on_or_before(day)
    assert not When.parse("2018").ends_on_or_before(day)
    assert When.parse("2018-05").ends_on_or_before(day)
    assert not When.parse("2018-06-02").starts_on_or_before(day)
    assert When.parse("2018-06-01").starts_on_or_before(day) and When.parse("2018-06-01").ends_on_or_before(day)
    assert When.parse("../2020").starts_on_or_before(day)
    assert When.parse("/2020").starts_on_or_before(day)
    assert not When.parse("2000/..").ends_on_or_before(day)
    assert not When.parse("2000/").ends_on_or_before(day)
    assert When.parse("-0100").ends_on_or_before(day)  # a closed bound outside pendulum's years
    assert not When.parse("Y170000002").starts_on_or_before(day)


# --- JSON ---------------------------------------------------------------------


def test_to_json() -> None:
    assert When.parse("2004-06~/2004-08?").to_json() == {
        "edtf": "2004-06~/2004-08?",
        "earliest": "2004-06-01",
        "latest": "2004-08-31",
        "precision": "month",
        "qualifiers": ["approximate", "uncertain"],
        "open_start": False,
        "open_end": False,
    }
    assert When.parse("1991/..").to_json() == {
        "edtf": "1991/..",
        "earliest": "1991-01-01",
        "latest": None,
        "precision": "year",
        "qualifiers": [],
        "open_start": False,
        "open_end": True,
    }
    assert When.parse("Y-17E7").to_json()["earliest"] is None
    assert When.parse("2024-35").to_json()["precision"] == "quarter"


# --- display ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "en", "vi"),
    [
        ("1985-04-12", "12 April 1985", "ngày 12/4/1985"),
        ("2016-03", "March 2016", "tháng 3/2016"),
        ("2018", "2018", "năm 2018"),
        ("2001-21", "spring 2001", "mùa xuân 2001"),
        ("2001-22", "summer 2001", "mùa hè 2001"),
        ("2001-23", "autumn 2001", "mùa thu 2001"),
        ("2001-24", "winter 2001", "mùa đông 2001"),
        ("2001-29", "spring 2001 (southern hemisphere)", "mùa xuân 2001 (Nam bán cầu)"),
        ("2024-35", "Q3 2024", "quý III/2024"),
        ("2024-33", "Q1 2024", "quý I/2024"),
        ("2024-36", "Q4 2024", "quý IV/2024"),
        ("2024-37", "January–April 2024", "tháng 1–4/2024"),
        ("2024-40", "first half of 2024", "6 tháng đầu năm 2024"),
        ("2024-41", "second half of 2024", "6 tháng cuối năm 2024"),
        ("201X", "the 2010s", "thập niên 2010"),
        ("20XX", "the 21st century", "thế kỷ 21"),
        ("19XX", "the 20th century", "thế kỷ 20"),
        ("-201X", "the 2010s BC", "thập niên 2010 TCN"),
        ("2004-XX", "2004", "năm 2004"),
        ("1985-04-XX", "April 1985", "tháng 4/1985"),
        ("2015/2020", "2015–2020", "2015–2020"),
        ("2004-06/2006-08", "June 2004 – August 2006", "tháng 6/2004 – tháng 8/2006"),
        ("2004-02-01/2005", "1 February 2004 – 2005", "ngày 1/2/2004 – năm 2005"),
        ("1991/..", "since 1991", "từ năm 1991"),
        ("1991-05/..", "since May 1991", "từ tháng 5/1991"),
        ("../2012", "until 2012", "đến năm 2012"),
        ("1985/", "1985 – ?", "năm 1985 – ?"),
        ("/1985", "? – 1985", "? – năm 1985"),
        ("1984~/2004-06", "about 1984 – June 2004", "khoảng năm 1984 – tháng 6/2004"),
        ("[2024-03-21..2024-03-31]", "late March 2024", "cuối tháng 3/2024"),
        ("[2024-02-21..2024-02-29]", "late February 2024", "cuối tháng 2/2024"),
        ("[2024-03-01..2024-03-10]", "early March 2024", "đầu tháng 3/2024"),
        ("[2024-03-11..2024-03-20]", "mid-March 2024", "giữa tháng 3/2024"),
        ("[2024-03-11..2024-03-15,2024-03-16..2024-03-20]", "mid-March 2024", "giữa tháng 3/2024"),
        ("[1667,1668,1670..1672]", "one of 1667, 1668, 1670–1672", "một trong 1667, 1668, 1670–1672"),
        ("[2024-03-21..2024-03-30]", "one of 21 March 2024 – 30 March 2024", "một trong ngày 21/3/2024 – ngày 30/3/2024"),
        ("[..1760-12-03]", "3 December 1760 or earlier", "ngày 3/12/1760 hoặc trước đó"),
        ("[1760-12..]", "December 1760 or later", "tháng 12/1760 hoặc sau đó"),
        ("[1667]", "1667", "năm 1667"),
        ("2018~", "about 2018", "khoảng năm 2018"),
        ("2018?", "2018 (uncertain)", "năm 2018 (chưa chắc chắn)"),
        ("2018%", "about 2018 (uncertain)", "khoảng năm 2018 (chưa chắc chắn)"),
        ("2004?-06-11", "11 June 2004 (uncertain)", "ngày 11/6/2004 (chưa chắc chắn)"),
        ("-0100", "100 BC", "năm 100 TCN"),
        ("-0100-03-15", "15 March 100 BC", "ngày 15/3/100 TCN"),
        ("Y170000002", "170,000,002", "năm 170.000.002"),
        ("Y-17E7", "170,000,000 BC", "năm 170.000.000 TCN"),
        ("1950S2", "1950 (between 1900 and 1999)", "năm 1950 (trong khoảng 1900–1999)"),
        ("1985-04-12T23:20:30Z", "12 April 1985, 23:20:30 UTC", "ngày 12/4/1985 lúc 23:20:30 UTC"),
        ("1985-04-12T23:20:30+05:00", "12 April 1985, 23:20:30 UTC+05:00", "ngày 12/4/1985 lúc 23:20:30 UTC+05:00"),
        ("1985-04-12T23:20:30", "12 April 1985, 23:20:30", "ngày 12/4/1985 lúc 23:20:30"),
    ],
)
def test_display(text: str, en: str, vi: str) -> None:
    when = When.parse(text)
    assert when.display() == en
    assert when.display("en") == en
    assert when.display("vi") == vi


def test_display_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        When.parse("2018").display("fr")
