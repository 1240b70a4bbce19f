"""The seam holds: every route path, header and written event body of the service lives under
Sources/CCTapCore/API/, so a change in the service is a change there (and in the model's reading of
events). This reads the sources; it starts nothing."""
import re

from harness import ROOT

CORE = ROOT / "Sources" / "CCTapCore"
MODEL = ROOT / "Sources" / "CCTapModel"
API = CORE / "API"

# What only the seam may write: a route's path, a header's name, an event body built as a dictionary
# literal, a query parameter; and what only the model (or the seam) may read: an event's fields.
FORBIDDEN = [
    ("a route path", re.compile(r'"/(v1|api)/')),
    ("a header name", re.compile(r'"(anthropic-[a-z-]+|x-organization-uuid|X-Trusted-Device-Token|Last-Event-ID)"', re.I)),
    ("an event body", re.compile(r'\[\s*"type"\s*:\s*"(user|control_request|control_response)"')),
    ("an event read", re.compile(r'\["(type|subtype|request|response|message|request_id|tool_use_id)"\]')),
    ("a query parameter", re.compile(r'\(\s*"(limit|cursor|page|statuses|sort_order|after_id|before_id|anchor_to_latest|'
                                     r'from_sequence_num|resume_token|exclude_tags)"\s*,')),
]


def code_lines(path):
    """(number, line) of a Swift file, doc and line comments left out (they may name routes)."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        yield number, line.split(" // ")[0]


def test_no_route_header_or_written_body_outside_the_seam():
    offenders = []
    for root in (CORE, MODEL):
        for path in sorted(root.rglob("*.swift")):
            if API in path.parents:
                continue
            for number, line in code_lines(path):
                for what, pattern in FORBIDDEN:
                    if root == MODEL and what == "an event read":
                        continue  # reading events is the model's job
                    if pattern.search(line):
                        offenders.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert not offenders, "outside Sources/CCTapCore/API/:\n" + "\n".join(offenders)


def test_the_check_finds_what_it_looks_for():
    """The patterns match the seam's own code, so an empty result above means something."""
    found = {what for path in API.rglob("*.swift") for _, line in code_lines(path)
             for what, pattern in FORBIDDEN if pattern.search(line)}
    assert found == {what for what, _ in FORBIDDEN}, found
