"""Property-based fuzzing of ``import_case`` over the imr-case/1 format (hypothesis).

Each example takes the seed case, applies a few random mutations (replace a value anywhere with a hostile one,
delete a key, add a key) and imports the resulting JSON file with the command, as an operator would. The property:
the command answers only with the importer's own messages (``<file>: <field path>: <message>`` or a file-level
message), and a refused file changes the row count of no table.

CI runs ``IMR_FUZZ_EXAMPLES`` examples (300 by default); ``make fuzz`` runs 5,000 and prints the figures.
"""

import io
import json
import os
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import interchange as fmt
from cases.management.commands import import_case as command
from cases.services import interchange as service
from tests.support import row_counts, seed_case

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("IMR_FUZZ_EXAMPLES", "300"))

# Placeholders spliced into the JSON text: values json.dumps cannot write (or would take long to).
HUGE_NUMBER = "<<huge number>>"
DEEP_NESTING = "<<deep nesting>>"
_SPLICES = {json.dumps(HUGE_NUMBER): "9" * 5000, json.dumps(DEEP_NESTING): "[" * 50_000 + "]" * 50_000}

HOSTILE = [
    "\x00",
    "\ud800",
    "ß" * 151,
    "\u200b",
    "\u200b \ufeff",
    "CM14-0000001\n",
    "CM\u0661\u0664-0000001",
    "9999-12-31",
    "0001-01-01",
    "2014-02-30",
    "x" * 301,
    "x" * 10_000,
    " ",
    "",
    "upheld",
    "MTUS",
    "employer",
    "a@b",
    "é\u0301",
    HUGE_NUMBER,
    DEEP_NESTING,
]
strings = st.one_of(
    st.text(max_size=20),
    st.sampled_from(HOSTILE),
    st.builds(lambda a, b: a + b, st.text(max_size=5), st.sampled_from(HOSTILE)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    strings,
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(strings, children, max_size=3),
    max_leaves=6,
)
mutations = st.lists(
    st.tuples(st.integers(min_value=0), st.sampled_from(["replace", "delete", "add"]), strings, values),
    min_size=1,
    max_size=4,
)


def _containers(node, out):
    """Every (container, key) pair of the document, depth first."""
    if isinstance(node, dict):
        for key, child in node.items():
            out.append((node, key))
            _containers(child, out)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            out.append((node, index))
            _containers(child, out)
    return out


def mutate(document, steps):
    for choice, action, key, value in steps:
        slots = _containers(document, [])
        if not slots:
            break
        container, slot = slots[choice % len(slots)]
        if action == "replace":
            container[slot] = value
        elif action == "delete":
            del container[slot]
        elif isinstance(container, dict):
            container[key] = value
        else:
            container.append(value)
    return document


def _pattern(template: str) -> str:
    return ".*".join(re.escape(part) for part in re.split(r"\{[a-z_]*\}", template))


def _own_messages():
    """The importer's own messages: every message constant of the format, the service and the command."""
    constants = [
        value
        for module in (fmt, service, command)
        for name, value in vars(module).items()
        # NOT_WRITTEN is the database refusing what validation let through: a crash, not an own message.
        if name.isupper() and isinstance(value, str) and name not in {"FORMAT", "STDIN", "STDIN_LABEL", "NOT_WRITTEN"}
    ]
    field_error = "|".join(_pattern(c) for c in constants)
    return re.compile(rf"(?:[^\n]+: )?(?:{field_error})", re.DOTALL)


OWN_MESSAGE = _own_messages()


def test_fuzzed_documents_get_field_errors_and_change_nothing(tmp_path):
    figures = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=EXAMPLES <= 300,  # CI: the same examples every run; `make fuzz`: new ones each time
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(steps=mutations)
    def check(steps):
        figures["documents"] += 1
        document = seed_case()
        document["case_number"] = f"CM14-{figures['documents'] + 1:07d}"
        text = json.dumps(mutate(document, steps))
        for placeholder, splice in _SPLICES.items():
            text = text.replace(placeholder, splice)
        path = tmp_path / "fuzzed.json"
        path.write_text(text, encoding="utf-8")
        before = row_counts()
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_case", str(path), stdout=out, stderr=err)
        except CommandError:
            figures["refused"] += 1
            lines = err.getvalue().splitlines()
            assert lines, "a refusal names at least one problem"
            for line in lines:
                prefix = f"{path}: "
                assert line.startswith(prefix), line
                assert OWN_MESSAGE.fullmatch(line[len(prefix) :]), line
            if row_counts() != before:
                figures["partial writes"] += 1
            assert row_counts() == before
        else:
            figures["imported"] += 1
            assert err.getvalue() == ""

    check()  # any exception but the command's own refusal (a crash) fails here, shrunk to a minimal document
    print(
        f"\nimport_case fuzz: {figures['documents']} documents, {figures['imported']} imported, "
        f"{figures['refused']} refused, 0 crashes, {figures['partial writes']} partial writes"
    )
    assert figures["documents"] >= EXAMPLES * 0.9
