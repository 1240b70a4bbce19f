"""References that resolve (fast tier): every mention of a PROTOCOL.md section in the code, the scripts,
the tests and the documents (and so in what `cc-tap probe` prints) names a section that exists, by its
number; a section named in words is not findable once headings change, so none is."""
import re
import subprocess

from harness import ROOT

SECTION = re.compile(r"^## (\d+)\. ", re.M)
# "PROTOCOL.md §13", "PROTOCOL.md §15, §16", "PROTOCOL.md §13 and §15", "[PROTOCOL.md](../PROTOCOL.md) §17"
NUMBERED = re.compile(r"PROTOCOL\.md(?:\]\([^)]*\))?((?:\s*(?:,|and)?\s*§\d+(?:\.\d+)*)+)")
# A section named in words: `PROTOCOL.md, "Two dialects"`, `PROTOCOL.md §"Live events"`, `[PROTOCOL.md: Headers]`,
# `PROTOCOL.md's "Headers"` (the one unnumbered heading, "Emulator choices", may be named so)
BY_NAME = re.compile(r"PROTOCOL\.md(?:,\s*\"|\s*§\s*\"|:\s+[A-Z]|'s\s*\"(?!Emulator choices\"))")


def tracked_texts():
    listed = subprocess.run(["git", "ls-files", "Sources", "Tests", "bench", "scripts", "bindings", "include", "Fuzz",
                             "README.md", "SECURITY.md", "docs"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.split():
        path = ROOT / name
        if path.suffix in (".swift", ".py", ".c", ".h", ".sh", ".md", ".json") and path.is_file():
            yield name, path.read_text(errors="replace")


def test_every_protocol_reference_names_a_numbered_section():
    sections = {int(number) for number in SECTION.findall((ROOT / "PROTOCOL.md").read_text())}
    assert sections >= set(range(1, 18)), sorted(sections)
    dangling, worded, seen = [], [], 0
    for name, text in tracked_texts():
        if name == "Tests/e2e/test_references.py":
            continue
        for match in NUMBERED.finditer(text):
            for number in re.findall(r"§(\d+)", match.group(1)):
                seen += 1
                if int(number) not in sections:
                    dangling.append(f"{name}: {match.group(0)}")
        worded += [f"{name}: {m.group(0)}…" for m in BY_NAME.finditer(text)]
    assert seen > 20, "the pattern found (almost) no references: is it still the right one?"
    assert not dangling, "references to sections PROTOCOL.md does not have:\n" + "\n".join(dangling)
    assert not worded, "sections named in words (use §N):\n" + "\n".join(worded)


def test_the_architecture_page_names_files_and_types_that_exist():
    """docs/architecture.md's table of concepts stays true: each file it names is there, and each type
    it names is declared in Sources (a rename that forgets the page fails here)."""
    page = (ROOT / "docs" / "architecture.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| ") and not line.startswith("| concept")]
    assert len(rows) > 15
    sources = "\n".join(path.read_text() for path in (ROOT / "Sources").rglob("*.swift"))
    missing = []
    for row in rows:
        _, types, files = [cell.strip() for cell in row.strip("|").split("|")]
        for path in re.findall(r"`([^`]+)`", files):
            if not (ROOT / "Sources" / path).exists():
                missing.append(f"file {path}")
        for name in [part for found in re.findall(r"`([A-Za-z.]+)`", types) for part in found.split(".")]:
            declared = re.search(rf"\b(?:struct|enum|class|actor|protocol)\s+{name}\b", sources)
            member = re.search(rf"\b(?:func|var|let)\s+{name}\b", sources)
            if not (declared or member):
                missing.append(f"type {name}")
    assert not missing, "docs/architecture.md names what Sources does not have:\n" + "\n".join(missing)


def anchors(text):
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    return {re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-") for heading in re.findall(r"^#+ (.+)$", text, re.M)}


def test_links_between_the_documents_resolve():
    pages = [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "bindings" / "python" / "README.md",
             *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = page.read_text()
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = link.partition("#")
            target = (page.parent / path) if path else page
            if not target.exists():
                broken.append(f"{page.relative_to(ROOT)}: {link} (no such file)")
            elif anchor and target.suffix == ".md" and anchor not in anchors(target.read_text()):
                broken.append(f"{page.relative_to(ROOT)}: {link} (no such heading)")
    assert not broken, "\n".join(broken)
