from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn

from assistant.server.app import create_app

STAFF = {"name": "wang", "password": "window-pass-1", "role": "staff", "display_name": "王芳", "window": "A05"}
CURATOR = {"name": "li", "password": "curator-pass-1", "role": "curator", "display_name": "李编辑"}
PUBLISHER = {"name": "zhang", "password": "publisher-pass-1", "role": "publisher", "display_name": "张发布"}
ADMIN = {"name": "root", "password": "admin-pass-123", "role": "admin", "display_name": "管理员"}
USERS = (STAFF, CURATOR, PUBLISHER, ADMIN)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.time() + 120
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start_server(settings, engine, **kwargs) -> LiveServer:
    if kwargs.get("rate_limit", 0) >= 10_000:  # a shared test server: the whole suite's handoffs come from one address
        settings = settings.model_copy(update={"handoff_limit_per_hour": kwargs["rate_limit"]})
    return LiveServer(create_app(settings, engine=engine, **kwargs), free_port()).start()


def login(client: httpx.Client, user: dict) -> str:
    r = client.post("/api/v1/staff/login", json={"name": user["name"], "password": user["password"]})
    assert r.status_code == 200, r.text
    return r.json()["csrf"]


def app_state(server: LiveServer):
    """The running app's AppState (for fault injection in tests)."""
    return server.server.config.app.other_asgi_app.state.assistant
