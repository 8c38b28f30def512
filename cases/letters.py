"""The Final Determination Letter: its text rules (guideline lines) and HTML-to-PDF rendering."""

import re

MTUS = "MTUS"
NON_MTUS = "Non-MTUS"


def _fold(text):
    return re.sub(r"\s+", " ", text or "").strip()


def _mtus_citation(citation: dict) -> str:
    text = _fold(citation["title"])
    if citation.get("sections"):
        text += f", Section(s): {_fold(citation['sections'])}"
    if citation.get("pages"):
        text += f" Page(s): {_fold(citation['pages'])}"
    return text


def _non_mtus_citation(citation: dict) -> str:
    text = _fold(citation["title"])
    if citation.get("sections"):
        text += f", {_fold(citation['sections'])}"
    if citation.get("pages"):
        text += f" Page(s): {_fold(citation['pages'])}"
    return text


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def guideline_line(side: str, citations: list[dict]) -> str:
    """One side's guideline line by the rules of ``case-format.md``.

    ``side`` is "The Claims Administrator" or "The Expert Reviewer"; ``citations`` are dicts with
    source, title, sections and pages, in their order.
    """
    mtus = [c for c in citations if c["source"] == MTUS]
    non_mtus = [c for c in citations if c["source"] == NON_MTUS]
    non_mtus_text = (
        _sentence("Decision based on Non-MTUS Citation " + ", ".join(_non_mtus_citation(c) for c in non_mtus))
        if non_mtus
        else ""
    )
    if not mtus and not non_mtus:
        return f"{side} did not cite any medical evidence for its decision."
    if not mtus:
        return f"{side} based their decision on recommendation(s) outside of the MTUS Guidelines. {non_mtus_text}"
    line = _sentence("Decision based on MTUS " + ", and ".join(_mtus_citation(c) for c in mtus))
    return f"{line} {non_mtus_text}" if non_mtus else line
