"""PackData to JSON and back, so an approved pack's snapshot can be rendered again, unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from datetime import date, datetime
from typing import Any

from workbench.reports import pack_data
from workbench.reports.pack_data import PackData

#: values that are their own plain form (exactly these types: a subclass takes the general path)
_AS_IS = frozenset({str, int, float, bool, type(None)})
#: each dataclass's field names, read once
_FIELDS: dict[type, tuple[str, ...]] = {}


def to_plain(obj: Any) -> Any:
    """Dataclasses as dicts of their fields, tuples as lists, dates as ISO text, all the way down."""
    kind = type(obj)
    if kind in _AS_IS:
        return obj
    if kind is tuple or kind is list:
        return [to_plain(v) for v in obj]
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        return {name: to_plain(getattr(obj, name)) for name in names}
    if isinstance(obj, dict) or isinstance(obj, typing.Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    return obj


def canonical_json(data: PackData | dict[str, Any]) -> str:
    """The pack (or its `to_plain` form) as canonical JSON: sorted keys, no spaces, UTF-8 text."""
    return canonical_text(data if isinstance(data, dict) else to_plain(data))


def content_sha256(data: PackData | dict[str, Any]) -> str:
    """Hash of what the pack says (findings and methodology), not of when or by whom it was built."""
    plain = data if isinstance(data, dict) else to_plain(data)
    content = {"findings": plain["findings"], "methodology": plain["methodology"], "force": plain["force"]}
    return hashlib.sha256(canonical_text(content).encode("utf-8")).hexdigest()


#: a list longer than this is encoded in slices of this many items
_SLICE = 256
#: below this depth dictionaries and short lists are taken apart; deeper ones are encoded whole
_DEPTH = 6


def canonical_text(value: Any) -> str:
    """`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, the same text,
    built a piece at a time.

    One `json.dumps` of a large pack is one C call, and it keeps the interpreter lock for its whole
    length: a window whose worker builds a pack cannot repaint meanwhile. Encoded in pieces (each
    dictionary and short list taken apart down to `_DEPTH`, each long list in slices of `_SLICE`
    items), the lock is let go between them, at nearly the speed of one call.
    """
    out: list[str] = []
    _encode(value, out, 0)
    return "".join(out)


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _encode(value: Any, out: list[str], depth: int) -> None:
    if isinstance(value, dict) and value and depth < _DEPTH and all(isinstance(k, str) for k in value):
        out.append("{")
        for i, key in enumerate(sorted(value)):
            if i:
                out.append(",")
            out.append(_dump(key))
            out.append(":")
            _encode(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, (list, tuple)) and len(value) > _SLICE:
        out.append("[")
        for start in range(0, len(value), _SLICE):
            if start:
                out.append(",")
            out.append(_dump(list(value[start:start + _SLICE]))[1:-1])
        out.append("]")
    elif isinstance(value, (list, tuple)) and value and depth < _DEPTH:
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, depth + 1)
        out.append("]")
    else:
        out.append(_dump(value))


def from_plain(cls: type, value: Any) -> Any:
    """Rebuild a pack dataclass (and everything inside it) from `to_plain` output."""
    hints = typing.get_type_hints(cls, vars(pack_data))
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            kwargs[f.name] = _coerce(hints[f.name], value[f.name])
    return cls(**kwargs)


def _coerce(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(args[0], v) for v in value)
        return tuple(_coerce(a, v) for a, v in zip(args, value, strict=True))
    if origin in (dict, typing.Mapping) or (origin is not None and getattr(origin, "__name__", "") == "Mapping"):
        return {k: _coerce(args[1], v) for k, v in value.items()} if args else dict(value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_plain(tp, value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def pack_from_json(text: str | dict[str, Any]) -> PackData:
    data = json.loads(text) if isinstance(text, str) else text
    return from_plain(PackData, data)
