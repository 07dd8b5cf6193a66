"""Reading one field of a plain record: text, dates, ids, amounts, names, quantities, sources.

Each reader raises one of ``EXPECTED`` when the field is wrong; ``Checker``
turns that into a problem naming the field, so that one run reports all that
is wrong with a record instead of the first thing only.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from chrono.errors import InvalidWhen, Problem
from chrono.events.commands import Origin
from chrono.events.kinds import KINDS
from chrono.events.slugs import SLUG
from chrono.events.values import OUTCOMES, QUALIFIERS, STATUSES, Names, Quantity, Source
from chrono.when import When

MAX_QUANTITY = Decimal("1e24")
MIN_QUANTITY = Decimal("1e-12")
MAX_DIGITS = 36
T = TypeVar("T")
# What reading a field raises when the field is wrong.
EXPECTED = (ValueError, TypeError, KeyError, InvalidOperation)


class Checker:
    """Collects problems while reading the fields of one record."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.origin.file, self.origin.line, field, message))

    def check(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except EXPECTED as error:
            self.fail(field, reason(error))
            return None


def reason(error: Exception) -> str:
    if isinstance(error, InvalidWhen):
        return str(error)
    if isinstance(error, KeyError):
        return f"missing {error.args[0]}"
    return str(error) or type(error).__name__


_SHOWN = reprlib.Repr()
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlevel = 60, 60, 3


def shown(value: Any) -> str:
    """``value`` as an error message quotes it: short, whatever its size or depth
    (a YAML alias can make a small file's value a vast tree)."""
    return _SHOWN.repr(value)


def absent(value: Any) -> bool:
    """No value: null, or empty text (as an empty CSV cell or YAML value reads)."""
    return value is None or (type(value) is str and not value)


def _type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def text_field(data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("is required")
        return ""
    if not isinstance(value, str):
        raise TypeError(f"must be text, not {_type_name(value)}")
    return value


def edtf_field(value: Any) -> When:
    if isinstance(value, Mapping):
        value = value.get("edtf")
    if not isinstance(value, str):
        raise TypeError(f"must be an EDTF date string, not {_type_name(value)}")
    return When.parse(value)


def ids_field(value: Any) -> tuple[str, ...]:
    """Partner ids: a list of ids (or of objects with an ``id``, as exported)."""
    if absent(value):
        return ()
    if not isinstance(value, list | tuple):
        raise TypeError(f"must be a list of partner ids, not {_type_name(value)}")
    ids: list[str] = []
    for item in value:
        pid = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(pid, str) or not SLUG.match(pid):
            raise ValueError(f"{shown(pid)} is not a partner id")
        ids.append(pid)
    return tuple(ids)


def decimal_field(value: Any) -> Decimal:
    if value is None:
        raise ValueError("is required")
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TypeError(f"{shown(value)} is not a number")
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{shown(value)} is not a number (write it with digits and a point, e.g. 1500 or 2.5)") from None
    if not number.is_finite():
        raise ValueError(f"{shown(value)} is not a finite number")
    if number < 0:
        raise ValueError(f"{text[:40]} is negative")
    # Counters sum and print these exactly: 1e999999999 would be a number
    # with a billion digits.
    # (adjusted() is the exponent of the leading digit: no arithmetic, so no
    # decimal.Overflow on 1e999999999.)
    # (No more digits than characters: the digits are counted for long text only.)
    too_long = len(text) > MAX_DIGITS and len(number.as_tuple().digits) > MAX_DIGITS
    if (number and not MIN_QUANTITY.adjusted() <= number.adjusted() < MAX_QUANTITY.adjusted()) or too_long:
        raise ValueError(f"{text[:40]} is out of range (chrono keeps {MIN_QUANTITY} to below {MAX_QUANTITY}, at most {MAX_DIGITS} digits)")
    return number


def choice_field(value: Any, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (``default`` when absent)."""
    if absent(value):
        return default
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{shown(value)} is not one of {', '.join(choices)}")
    return value


def parse_names(data: Any) -> Names:
    if not isinstance(data, Mapping):
        raise TypeError(f"must be an object with en and vi, not {_type_name(data)}")
    names = Names(en=text_field(data, "en"), vi=text_field(data, "vi", required=False), zh=text_field(data, "zh", required=False))
    return names


def parse_quantity(data: Any, check: Checker, field: str) -> Quantity | None:
    if not isinstance(data, Mapping):
        check.fail(field, f"must be an object with metric, value and unit, not {_type_name(data)}")
        return None
    metric = check.check(f"{field}.metric", lambda: text_field(data, "metric"))
    value = check.check(f"{field}.value", lambda: decimal_field(data.get("value")))
    unit = check.check(f"{field}.unit", lambda: text_field(data, "unit"))
    qualifier = check.check(f"{field}.qualifier", lambda: choice_field(data.get("qualifier"), QUALIFIERS, "exact"))
    period_raw, observed_raw = data.get("period"), data.get("observed")
    period = None if absent(period_raw) else check.check(f"{field}.period", lambda: edtf_field(period_raw))
    observed = None if absent(observed_raw) else check.check(f"{field}.observed", lambda: edtf_field(observed_raw))
    if not absent(period_raw) and not absent(observed_raw):
        check.fail(f"{field}.observed", "a quantity has a period (a flow) or an observed date (a stock), not both")
        return None
    dated_wrong = (period is None and not absent(period_raw)) or (observed is None and not absent(observed_raw))
    if metric is None or value is None or unit is None or qualifier is None or dated_wrong:
        return None
    return Quantity(metric=metric, value=value, unit=unit, qualifier=qualifier, period=period, observed=observed)


def parse_source(data: Any, check: Checker, field: str) -> Source | None:
    if not isinstance(data, Mapping):
        check.fail(field, f"must be an object with document and quote, not {_type_name(data)}")
        return None
    document = check.check(f"{field}.document", lambda: text_field(data, "document"))
    quote = check.check(f"{field}.quote", lambda: text_field(data, "quote"))
    published_raw = data.get("published")
    published = None if absent(published_raw) else check.check(f"{field}.published", lambda: edtf_field(published_raw))
    publisher = check.check(f"{field}.publisher", lambda: text_field(data, "publisher", required=False))
    title = check.check(f"{field}.title", lambda: text_field(data, "title", required=False))
    if document is None or quote is None or publisher is None or title is None or (published is None and not absent(published_raw)):
        return None
    return Source(document=document, quote=quote, publisher=publisher, title=title, published=published)


def source_from_record(data: Any, origin: Origin) -> Source:
    """A validated source; raises ``RecordProblems``."""
    check = Checker(origin)
    source = parse_source(data, check, "source")
    if check.problems or source is None:
        raise RecordProblems(check.problems)
    return source


def read_sources(data: Mapping[str, Any], check: Checker) -> tuple[Source, ...]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        check.fail("sources", "at least one source with a quote is required")
        return ()
    parsed = [parse_source(item, check, f"sources.{index}") for index, item in enumerate(raw)]
    return tuple(source for source in parsed if source is not None)


def read_quantities(data: Mapping[str, Any], check: Checker) -> tuple[Quantity, ...]:
    raw = data.get("quantities")
    if absent(raw):
        return ()
    if not isinstance(raw, list):
        check.fail("quantities", f"must be a list, not {_type_name(raw)}")
        return ()
    parsed = [parse_quantity(item, check, f"quantities.{index}") for index, item in enumerate(raw)]
    return tuple(quantity for quantity in parsed if quantity is not None)


def read_kind(data: Mapping[str, Any]) -> str:
    kind = text_field(data, "kind")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {shown(kind)}{_nearest(kind, KINDS)} (known: {', '.join(KINDS)})")
    return kind


def _nearest(word: str, known: Iterable[str]) -> str:
    near = difflib.get_close_matches(word[:100], list(known), n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def read_cameo(kind: str, data: Mapping[str, Any]) -> str:
    codes = data.get("codes")
    if absent(codes):
        codes = {}
    if not isinstance(codes, Mapping):
        raise TypeError(f"must be an object, not {_type_name(codes)}")
    allowed = KINDS[kind].cameo
    cameo = codes.get("cameo")
    if absent(cameo):
        return allowed[0] if allowed else ""
    if not isinstance(cameo, str) or cameo not in allowed:
        raise ValueError(f"CAMEO code {shown(cameo)} does not fit {kind} ({', '.join(allowed) or 'none'})")
    return cameo


def read_status(data: Mapping[str, Any]) -> str:
    """An entry's status; an exported outcome (held, postponed, cancelled) reads as planned."""
    status = choice_field(data.get("status"), (*STATUSES, *OUTCOMES), "happened")
    return "planned" if status in OUTCOMES else status


def correction_status(value: Any) -> str:
    """A corrected status: happened or planned (an outcome is recorded with an outcome record)."""
    if isinstance(value, str) and value in OUTCOMES:
        raise ValueError(f"{value!r} is an outcome, not a status: record it with an outcome record (docs/records.md)")
    return choice_field(value, STATUSES, "happened")


class RecordProblems(Exception):
    """Internal: the problems of one record, gathered by the batch."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems
