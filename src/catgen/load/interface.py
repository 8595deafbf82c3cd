"""A component's interface (SPEC §5): each input's and output's default, bounds and choices fit its type.

The schema says which fields a port has and that ``type`` is one of the ten
port types; what it cannot say plainly is checked here: ``default``, ``min``,
``max`` and each ``enum`` item fit the type, ``min`` and ``max`` bound only
numbers, ``min <= default <= max`` (and ``min <= max``), and ``default`` is one of
``enum``. Numbers that are not finite are reported once, elsewhere, and skipped here.
"""

from __future__ import annotations

import math

from catgen.load.schemas import canonical, dotted, show_value

# What a value of each port type is written as; asset types take a path or URI.
_NUMERIC = {"integer": "an integer", "number": "a number"}
_WORDS = {**_NUMERIC, "string": "a string", "boolean": "true or false"}
ASSET_TYPES = ("uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model")
PORT_TYPES = ASSET_TYPES + ("integer", "number", "string", "boolean")


def interface_ports(fields):
    """CG201 problems ``(path, message, at_value)`` of each port under ``spec.inputs`` and ``spec.outputs``."""
    for side in ("inputs", "outputs"):
        ports = fields.spec.get(side)
        for name, port in ports.items() if isinstance(ports, dict) else ():
            if isinstance(port, dict) and port.get("type") in PORT_TYPES:
                yield from _port_problems(("spec", side, name), port, port["type"])


def _port_problems(path: tuple, port: dict, type_: str):
    for field in ("default", "min", "max"):
        if field != "default" and field in port and type_ not in _NUMERIC:
            yield path + (field,), f"`{dotted(path + (field,))}` bounds only integer and number ports", False
        elif field in port and _checkable(port[field], field) and not fits(port[field], type_):
            yield path + (field,), _misfit(path + (field,), type_, port[field]), True
    choices = port.get("enum")
    for index, choice in enumerate(choices if isinstance(choices, list) else ()):
        if _checkable(choice, "enum") and not fits(choice, type_):
            yield path + ("enum", index), _misfit(path + ("enum", index), type_, choice), True
    yield from _ordered(path, port, type_)
    default = port.get("default")
    if isinstance(choices, list) and "default" in port and fits(default, type_) and not _skip(default):
        if canonical(default) not in {canonical(choice) for choice in choices}:
            where = dotted(path + ("default",))
            yield path + ("default",), f"`{where}` {show_value(default)} is not one of its `enum`", True


def _ordered(path: tuple, port: dict, type_: str):
    """``min <= max`` and ``min <= default <= max``, for numeric ports whose values fit."""
    if type_ not in _NUMERIC:
        return
    low, high, default = (port.get(f) if _usable(port.get(f), type_) else None for f in ("min", "max", "default"))
    if low is not None and high is not None and low > high:
        yield path + ("max",), f"`{dotted(path + ('max',))}` {high!r} is below `min` {low!r}", True
    elif default is not None:
        if low is not None and default < low:
            yield path + ("default",), f"`{dotted(path + ('default',))}` {default!r} is below `min` {low!r}", True
        elif high is not None and default > high:
            yield path + ("default",), f"`{dotted(path + ('default',))}` {default!r} is above `max` {high!r}", True


def fits(value, type_: str) -> bool:
    """``value`` is of the port type ``type_`` (true is not a number; 2.0 is not an integer)."""
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ in _NUMERIC:
        allowed = int if type_ == "integer" else (int, float)
        return isinstance(value, allowed) and not isinstance(value, bool)
    return isinstance(value, str)


def _checkable(value, field: str) -> bool:
    """Of the shape the schema allows (else it reports the value), and finite."""
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return not _skip(value) and (numeric if field in ("min", "max") else isinstance(value, (str, int, float)))


def _usable(value, type_: str) -> bool:
    return not _skip(value) and fits(value, type_)


def _skip(value) -> bool:
    """A number that is not finite: CG201 reports it as such, once."""
    return isinstance(value, float) and not math.isfinite(value)


def _misfit(path: tuple, type_: str, value) -> str:
    expected = _WORDS.get(type_, "a path or URI (a string)")
    return f"`{dotted(path)}` must be {expected}, as the port's type `{type_}` says, got {show_value(value)}"
