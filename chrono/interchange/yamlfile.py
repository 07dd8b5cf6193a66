"""YAML files of records: a list of objects, read safely, plain values as text."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from chrono.errors import Problem, Rejected
from chrono.events.commands import Origin
from chrono.interchange.schema import field_name


def read_yaml(text: str, name: str) -> Iterator[tuple[Any, Origin]]:
    import yaml

    loader = _text_loader()
    try:
        nodes = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader: no Python tags)
    except DuplicateKey as error:
        raise Rejected([Problem(name, error.line, field_name(error.key), "is given twice in one object: which one is meant?")]) from None
    except yaml.YAMLError as error:
        raise Rejected([_yaml_problem(error, text, name)]) from None
    except RecursionError:
        raise Rejected([Problem(name, 1, "", "not YAML chrono can read (nested too deeply)")]) from None
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(nodes, yaml.SequenceNode):
        raise Rejected([Problem(name, 1, "", "a YAML file must hold a list of records")])
    for item, node in zip(data, nodes.value, strict=True):
        yield item, Origin(name, node.start_mark.line + 1)


def _yaml_problem(error: Any, text: str, name: str) -> Problem:
    """One line saying where and why YAML could not be read."""
    import yaml

    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow, with no mark
        line = text[: error.position].count("\n") + 1
        return Problem(name, line, "", f"not valid YAML (character U+{ord(str(error.character)[:1] or ' '):04X} is not allowed)")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    reason = " ".join(str(getattr(error, "problem", None) or error).split())
    return Problem(name, line, "", f"not valid YAML ({reason})")


class DuplicateKey(Exception):
    """A key given twice in one mapping (YAML would keep the last one silently)."""

    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


MERGE = "tag:yaml.org,2002:merge"


@functools.cache
def _text_loader() -> Any:
    """A safe YAML loader that reads plain scalars as text, null apart.

    ``when: 2018`` is the EDTF string "2018" (not an int), ``when: 2018-05-01``
    stays a string (not a date), ``country: NO`` is Norway (not False). Python
    tags (``!!python/object``) stay unknown to it, as to any SafeLoader.
    A key given twice in one mapping is refused.
    """
    import yaml

    null = "tag:yaml.org,2002:null"
    resolvers = {first: [(tag, pattern) for tag, pattern in entries if tag == null] for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != MERGE:
                if key.value in seen:
                    raise DuplicateKey(key.value, key.start_mark.line + 1)
                seen.add(key.value)
        return yaml.SafeLoader.construct_mapping(self, node, deep)

    members = {"yaml_implicit_resolvers": resolvers, "construct_mapping": construct_mapping}
    return type("TextLoader", (yaml.SafeLoader,), members)
