"""The key-value sqlite file under the content-keyed caches (vectors.sqlite, lexical.sqlite)."""

from assistant.understanding.store import CHUNK, KeyValueFile


def test_values_are_read_back_by_key_across_chunks_and_handles(tmp_path):
    path = tmp_path / "sub" / "kv.sqlite"  # the folder is made
    store = KeyValueFile(path, "kv", "value", "TEXT")
    store.put((f"k{i}", f"v{i}") for i in range(CHUNK * 2 + 5))
    keys = [f"k{i}" for i in range(CHUNK * 2 + 5)] + ["missing"]
    found = store.get(keys)
    assert len(found) == CHUNK * 2 + 5 and found["k0"] == "v0" and found[f"k{CHUNK * 2 + 4}"] == f"v{CHUNK * 2 + 4}"
    other = KeyValueFile(path, "kv", "value", "TEXT")  # another process or thread opening the same file
    other.put([("k0", "new")])
    assert store.get(["k0"]) == {"k0": "new"} and len(store) == CHUNK * 2 + 5


def test_blobs_and_an_empty_request(tmp_path):
    store = KeyValueFile(tmp_path / "v.sqlite", "vectors", "vec", "BLOB")
    store.put([("a", b"\x00\x01")])
    assert store.get(["a"]) == {"a": b"\x00\x01"} and store.get([]) == {}
