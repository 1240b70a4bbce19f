"""libcctap through its C ABI: the header checks, the examples and the API test (fast tier, against
the library in CCTAP_DIST: the debug build's by default), and the release library's self-containment
and the stress test under AddressSanitizer and valgrind (full tier, against dist/)."""
import os
import re
import subprocess

import pytest

from harness import DIST, LIBRARY, ORG, ROOT, TOKEN, clean_environment, emulator_call, running_emulator

C = ROOT / "bindings" / "c"
DEMO = "session_01HFlakyLoginTestDemo0001"
PENDING = "session_01HPendingPermission0003"
# Programs built against a given library get a build folder of their own.
BUILD = C / "build" / DIST.name


def make(*targets, env=None, timeout=600):
    return subprocess.run(["make", "-C", str(C), f"BUILD={BUILD}", f"PKG_CONFIG_PATH={DIST / 'lib' / 'pkgconfig'}",
                           *targets], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def built():
    if not LIBRARY.exists():
        pytest.fail(f"{LIBRARY} is missing: run scripts/build-dist.sh (or --debug) first")
    out = make("all")
    assert out.returncode == 0, out.stdout + out.stderr
    return BUILD


@pytest.fixture(scope="module")
def c_emulator():
    """An emulator of its own: these tests answer the seeded permission prompt."""
    yield from running_emulator()


@pytest.fixture
def c_env(c_emulator):
    return clean_environment(CCTAP_BASE_URL=c_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                             CCTAP_POLL_INTERVAL="0.1")


def run(args, env, timeout=120):
    return subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True, timeout=timeout)


def test_library_exports_exactly_the_header():
    dynamic = subprocess.run(["readelf", "-d", LIBRARY], capture_output=True, text=True).stdout
    assert "Library soname: [libcctap.so.0]" in dynamic
    symbols = subprocess.run(["nm", "-D", "--defined-only", LIBRARY], capture_output=True, text=True).stdout.split("\n")
    exported = {line.split()[-1].split("@")[0] for line in symbols if re.match(r"^\S+ [A-Z] ", line)}
    exported.discard("CCTAP_0")
    declared = set(re.findall(r"^\w[\w\s\*]*?\b(cctap_\w+)\(", (ROOT / "include" / "cctap.h").read_text(), re.M))
    assert exported == declared


@pytest.mark.full
def test_release_library_is_self_contained():
    needed = re.findall(r"NEEDED.*\[(.*)\]", subprocess.run(["readelf", "-d", LIBRARY], capture_output=True, text=True).stdout)
    assert needed, "readelf found no NEEDED entries"
    assert not [n for n in needed if "swift" in n.lower() or "Foundation" in n], needed


def test_header_compiles_cleanly_as_c99_and_cpp17():
    header = ROOT / "include" / "cctap.h"
    for cmd in (["gcc", "-std=c99"], ["g++", "-std=c++17"]):
        language = "c" if cmd[0] == "gcc" else "c++"
        out = subprocess.run(cmd + ["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic", "-x", language, header],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


def test_header_matches_what_swift_exports():
    # The header SwiftPM generates from the @c exports, from whichever build made the library under test.
    build = (".build-static", "release") if DIST.name == "dist" else (".build", "debug")
    generated = list((ROOT / build[0]).glob(f"*/{build[1]}/cctap.build/include/cctap-Swift.h"))
    assert generated, f"no generated header in {build[0]}: build the library first"
    out = subprocess.run(["gcc", "-fsyntax-only", "-w", "-x", "c", "-I", ROOT / "include", "-include",
                          ROOT / "include" / "cctap.h", generated[0]], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_status_names_follow_the_header():
    """Every code the header lists has that name from cctap_status_name, and no other code has a name:
    the header, the library's names and (through the binding's own test) Python's classes agree."""
    import ctypes

    listed = dict((name, int(value)) for name, value in
                  re.findall(r"^\s*(CCTAP_(?:OK|E_[A-Z_]+))\s*=\s*(\d+)", (ROOT / "include" / "cctap.h").read_text(), re.M))
    assert "CCTAP_OK" in listed and len(listed) >= 18
    lib = ctypes.CDLL(str(LIBRARY))
    lib.cctap_status_name.restype = ctypes.c_char_p
    for name, value in listed.items():
        assert lib.cctap_status_name(value).decode() == name
    assert lib.cctap_status_name(max(listed.values()) + 1).decode() == "CCTAP_E_UNKNOWN"


def test_api_test_program(built, c_env):
    out = run([built / "api_test"], c_env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^\d+ passed, 0 failed$", out.stdout, re.M)


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_examples_in_the_other_worlds(built, dialect):
    """The same C programs against a service with only the older routes, or only the 2026 ones
    (the module's own emulator serves both)."""
    for base in running_emulator(dialect):
        env = clean_environment(CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG, CCTAP_POLL_INTERVAL="0.1")
        sessions = run([built / "sessions", "active"], env)
        assert sessions.returncode == 0 and "Résumé parser" in sessions.stdout, sessions.stderr
        ask = run([built / "ask", DEMO, f"hello from ask.c in {dialect}", "30"], env)
        assert ask.returncode == 0, ask.stderr
        assert f"You said: hello from ask.c in {dialect}" in ask.stdout and "[complete]" in ask.stdout


def arm_logging_faults(base):
    """Faults that make the library log: later list pages refused, a 503 before each session read,
    a lost answer after each send is stored, and an event stream that is never served."""
    emulator_call(base, "DELETE", "/_emulator/faults")
    for rule in ({"kind": "status", "status": 400, "method": "GET", "route": "/v1/code/sessions", "query": "cursor=", "times": None},
                 {"kind": "status", "status": 503, "method": "GET", "route": "/v1/code/sessions/{id}", "times": 2},
                 {"kind": "reset_after", "method": "POST", "route": "/v1/code/sessions/{id}/events", "times": 2},
                 {"kind": "status", "status": 404, "method": "GET", "route": "/v1/code/sessions/{id}/events/stream", "times": None}):
        emulator_call(base, "POST", "/_emulator/faults", rule)


def test_the_library_is_silent_unless_asked(built):
    """A C program that walks every path the library logs on prints nothing it did not print itself;
    a handler receives those messages, and nothing once removed; CCTAP_LOG alone shows them on stderr."""
    # Enough sessions that the list spans two pages, so refusing the second makes it partial.
    for base in running_emulator("v2", "--extra-sessions", "120"):
        env = clean_environment(CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG, CCTAP_POLL_INTERVAL="0.1")
        arm_logging_faults(base)
        out = run([built / "quiet", DEMO], env)
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stderr == ""
        summary = re.fullmatch(r"quiet: (\d+) messages, (\d+) at info or above, (\d+) after removal\n", out.stdout)
        assert summary, out.stdout
        messages, informative, after = map(int, summary.groups())
        assert informative >= 3 and messages > informative and after == 0, out.stdout  # debug lines too
        arm_logging_faults(base)
        looked = run([built / "quiet", DEMO, "--no-handler"], dict(env, CCTAP_LOG="info"))
        assert looked.returncode == 0, looked.stdout + looked.stderr
        assert looked.stdout == ""
        for said in ("session list is partial", "answer lost, but the message is stored", "polling the event list instead"):
            assert re.search(rf"^cctap info: .*{said}", looked.stderr, re.M), looked.stderr


def test_examples(built, c_env):
    sessions = run([built / "sessions", "active"], c_env)
    assert sessions.returncode == 0 and "Résumé parser" in sessions.stdout and "archived" not in sessions.stdout
    ask = run([built / "ask", DEMO, "slow hello from ask.c", "30"], c_env)
    assert ask.returncode == 0, ask.stderr
    assert "You said: slow hello from ask.c" in ask.stdout and "[complete]" in ask.stdout
    listed = run([built / "approve", PENDING], c_env)
    assert "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d  Bash" in listed.stdout
    answered = run([built / "approve", PENDING, "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d", "allow"], c_env)
    assert answered.returncode == 0 and "answered allow to Bash" in answered.stdout
    missing = run([built / "ask", "session_01NoSuchSession0000", "hi"], c_env)
    assert missing.returncode == 1 and "CCTAP_E_NOT_FOUND" in missing.stderr


@pytest.mark.full
def test_stress_under_address_sanitizer(built, c_env):
    calls = os.environ.get("CCTAP_STRESS_CALLS", "10000")
    out = run([built / "stress-asan", calls, "8"], dict(c_env, ASAN_OPTIONS="detect_leaks=1"), timeout=900)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert f"{calls} calls on 8 threads: {calls} passed, 0 failed" in out.stdout
    assert "ERROR: AddressSanitizer" not in out.stderr and "LeakSanitizer" not in out.stderr


@pytest.mark.full
def test_stress_under_valgrind(built, c_env):
    # 2,000 calls by default (about a fifth of the time of 10,000); CCTAP_VALGRIND_CALLS=10000 for more.
    calls = os.environ.get("CCTAP_VALGRIND_CALLS", "2000")
    out = make("valgrind", f"VALGRIND_CALLS={calls}", env=c_env, timeout=3000)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    assert f"{calls} calls on 8 threads: {calls} passed, 0 failed" in out.stdout
    assert "ERROR SUMMARY: 0 errors" in out.stderr and "definitely lost: 0 bytes" in out.stderr
