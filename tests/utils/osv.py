"""A local stand-in for the OSV query API (POST /v1/query) over the advisory snapshot in
tests/security/data, so pip-audit can run in CI where no advisory service is reachable
(`pip-audit -s osv --osv-url http://127.0.0.1:PORT/v1/query`)."""

from __future__ import annotations

import gzip
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).resolve().parent.parent / "security" / "data" / "pypa-advisories.json.gz"


def load_snapshot(path: Path = SNAPSHOT) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _in_range(version: Version, events: list[dict]) -> bool:
    """OSV ECOSYSTEM events in order: introduced opens an interval, fixed / last_affected closes it."""
    affected = False
    for event in events:
        try:
            if "introduced" in event:
                if event["introduced"] == "0" or version >= Version(event["introduced"]):
                    affected = True
            elif "fixed" in event and version >= Version(event["fixed"]):
                affected = False
            elif "last_affected" in event and version > Version(event["last_affected"]):
                affected = False
        except InvalidVersion:
            continue
    return affected


class Advisories:
    def __init__(self, snapshot: dict) -> None:
        self.by_name: dict[str, list[tuple[dict, dict]]] = {}
        for adv in snapshot["advisories"]:
            if adv.get("withdrawn"):
                continue
            for affected in adv["affected"]:
                self.by_name.setdefault(canonicalize_name(affected["name"]), []).append((adv, affected))

    def query(self, name: str, version: str) -> list[dict]:
        try:
            parsed = Version(version)
        except InvalidVersion:
            parsed = None
        found = []
        for adv, affected in self.by_name.get(canonicalize_name(name), []):
            listed = version in affected["versions"]
            ranged = parsed is not None and any(_in_range(parsed, events) for events in affected["ranges"])
            if listed or ranged:
                found.append(self._osv(adv, affected))
        return found

    @staticmethod
    def _osv(adv: dict, affected: dict) -> dict:
        # the fields pip-audit reads from an OSV record
        ranges = [{"type": "ECOSYSTEM", "events": events} for events in affected["ranges"]]
        return {"id": adv["id"], "aliases": adv["aliases"], "details": adv["details"], "affected": [{"package": {"name": canonicalize_name(affected["name"]), "ecosystem": "PyPI"}, "ranges": ranges}]}


@contextmanager
def osv_server(snapshot: dict | None = None) -> Iterator[str]:
    """Serve the snapshot on a free local port; yields the query URL."""
    advisories = Advisories(snapshot or load_snapshot())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            package = body.get("package", {})
            vulns = advisories.query(package.get("name", ""), body.get("version", ""))
            data = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()
