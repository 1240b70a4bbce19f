"""The README as a manual that stays true (fast tier): short enough to read, the install first, and the
command line it shows is the one the program has."""
import re

from harness import ROOT, clean_environment, run

README = (ROOT / "README.md").read_text()


def subcommands(tmp_path):
    shown = run(["--help"], clean_environment(HOME=str(tmp_path)))
    assert shown.returncode == 0, shown.stderr
    listing = shown.stdout.split("SUBCOMMANDS:")[1]
    return set(re.findall(r"^  ([a-z][a-z-]*)", listing, re.M))


def test_the_readme_is_a_manual_of_at_most_450_lines():
    assert len(README.splitlines()) <= 450
    headings = re.findall(r"^## (.+)$", README, re.M)
    # What a user needs first comes first: the install, then what to know before it.
    assert headings[:2] == ["Install", "Before you install"], headings


def test_every_subcommand_is_in_the_readme_and_every_command_shown_exists(tmp_path):
    commands = subcommands(tmp_path)
    assert {"sessions", "send", "wait", "respond", "watch", "doctor", "tools"} <= commands, commands
    mentioned = set(re.findall(r"`?cc-tap ([a-z][a-z-]+)", README))
    missing = commands - mentioned
    assert not missing, f"subcommands the README does not show: {sorted(missing)}"
    # Every command line in the README's shell blocks names a real subcommand.
    shown = set()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        shown |= set(re.findall(r"(?:^|; )cc-tap ([a-z][a-z-]+)", block, re.M))
    assert shown and not shown - commands, f"the README shows commands cc-tap does not have: {sorted(shown - commands)}"


def test_json_is_claimed_only_where_it_exists(tmp_path):
    # Each `cc-tap X ... --json` in the README is a subcommand whose help offers --json.
    claimed = set(re.findall(r"cc-tap ([a-z][a-z-]+)[^\n`]*--json", README))
    assert claimed, "the pattern found no `cc-tap X ... --json` in the README: is it still the right one?"
    for command in claimed:
        shown = run([command, "--help"], clean_environment(HOME=str(tmp_path)))
        assert "--json" in shown.stdout, f"the README says `cc-tap {command} --json`, which it does not take"
