"""Runs the published cc-tap 0.1.0 MCP server (from PyPI) against CCTAP_BASE_URL.

cc-tap 0.1.0 has its API address hard-wired in two module globals; pointing both at the emulator
is the only change. Its login comes from CLAUDE_CODE_OAUTH_TOKEN and its organisation from
CCR_ORG_UUID, both of which the benchmark sets.
"""

import os
import sys

import cc_tap.auth
import cc_tap.client

base_url = os.environ["CCTAP_BASE_URL"]
cc_tap.client.API_BASE_URL = base_url
cc_tap.auth.API_BASE_URL = base_url

from cc_tap.server import main  # noqa: E402  (after the addresses are set)

sys.argv = ["cc-tap"]
main()
