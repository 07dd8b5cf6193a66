"""The kinds of entry, with their CAMEO codes and PLOVER event types.

The kind of an entry is the class of the event that created it; this table
is what other tools need to exchange entries with event-data sets.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class KindInfo:
    """What a kind means for interchange.

    Attributes:
        name: the past-tense event name, e.g. ``TwinningSigned``.
        cameo: the CAMEO codes the kind may carry; the first is the default.
        plover: the PLOVER event type, or None for observations.
        metric: the counter an entry of this kind adds one to.
        unit: the unit of that counter.
    """

    name: str
    cameo: tuple[str, ...]
    plover: str | None
    metric: str
    unit: str


KINDS: dict[str, KindInfo] = {
    info.name: info
    for info in (
        KindInfo("RelationsEstablished", ("054",), "SUPPORT", "relations", "relationship"),
        KindInfo("TwinningSigned", ("057",), "SUPPORT", "twinnings", "twinning"),
        KindInfo("AgreementSigned", ("057",), "SUPPORT", "agreements", "agreement"),
        KindInfo("MechanismEstablished", ("050",), "SUPPORT", "mechanisms", "mechanism"),
        KindInfo("TalksHeld", ("040", "046"), "CONSULT", "talks", "talk"),
        KindInfo("ConferenceHeld", ("043", "044"), "CONSULT", "conferences", "conference"),
        KindInfo("VisitMade", ("042", "043"), "CONSULT", "visits", "visit"),
        KindInfo("AidProvided", ("070", "071", "073"), "AID", "aid", "aid"),
        KindInfo("CooperationCarriedOut", ("061", "062", "064"), "COOPERATE", "cooperation", "activity"),
        KindInfo("FigureReported", (), None, "figures", "figure"),
    )
}

OBSERVATION = "FigureReported"


def kind_info(name: str) -> KindInfo:
    """The table row of a kind; raises KeyError for an unknown one."""
    return KINDS[name]
