"""The emulator as a child process of a benchmark, with its control routes (shared by the benchmarks)."""

import json
import subprocess
import urllib.request

TOKEN = "sk-ant-oat01-emulator-0000000000000000"
ORG = "7f3c2a10-5b6d-4e8f-9a01-23456789abcd"


class Emulator:
    def __init__(self, binary: str, *arguments: str):
        self.process = subprocess.Popen(
            [binary, "--port", "0", *arguments], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = ""
        for line in self.process.stdout:
            if line.startswith("CCTAP_BASE_URL="):
                self.url = line.strip().split("=", 1)[1]
                break
        if not self.url:
            raise SystemExit("the emulator did not start")

    def call(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def stats(self):
        return self.call("GET", "/_emulator/stats")

    def new_session(self, turns: int, title=None) -> str:
        body = {"turns": turns, **({"title": title} if title else {})}
        return self.call("POST", "/_emulator/sessions", body)["id"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
