from tests.utils.live import CURATOR, STAFF, LiveServer, free_port, login, start_server  # noqa: F401
