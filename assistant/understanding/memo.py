"""What one index build computed, per guide or per text, handed to the next build: publishing one guide
recomputes only what depends on that guide. A value is reused only when the inputs it was computed from
are equal (compared by identity first, so an unchanged guide object costs nothing), so a build from a
memo equals a build from nothing. A build keeps only the values it used: the memo does not grow with
the edits."""

from __future__ import annotations

from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")
_NONE = object()


class Memo:
    def __init__(self, previous: "Memo | None" = None) -> None:
        self._old: dict[str, dict[Hashable, tuple[Any, Any]]] = previous._new if previous is not None else {}
        self._new: dict[str, dict[Hashable, tuple[Any, Any]]] = {}

    def get(self, table: str, key: Hashable, inputs: Any, compute: Callable[[], T]) -> T:
        """compute(), or the value kept under ``key`` when it was computed from equal ``inputs``."""
        new = self._new.setdefault(table, {})
        kept = new.get(key, _NONE)
        if kept is _NONE:
            kept = self._old.get(table, {}).get(key, _NONE)
        if kept is not _NONE and (kept[0] is inputs or kept[0] == inputs):  # type: ignore[index]
            new[key] = kept  # type: ignore[assignment]
            return kept[1]  # type: ignore[index]
        value = compute()
        new[key] = (inputs, value)
        return value

    def known(self, table: str, key: Hashable, inputs: Any) -> bool:
        """Whether ``get`` would reuse a value (so a caller can compute the missing ones in one batch)."""
        for tables in (self._new, self._old):
            kept = tables.get(table, {}).get(key, _NONE)
            if kept is not _NONE and (kept[0] is inputs or kept[0] == inputs):  # type: ignore[index]
                return True
        return False

    def put(self, table: str, key: Hashable, inputs: Any, value: Any) -> None:
        self._new.setdefault(table, {})[key] = (inputs, value)

    def done(self) -> None:
        """The build is over: the last build's values it did not take are let go."""
        self._old = {}

    def __len__(self) -> int:
        return sum(map(len, self._new.values()))
