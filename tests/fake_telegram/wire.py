"""Reading a Bot API call off the wire the way PTB 22 puts it there.

PTB (``telegram/request/_requestdata.py``) sends every parameter as a form field: strings
as-is, everything else JSON-dumped (``42``, ``true``, ``{"inline_keyboard": ...}``). Without
files that is ``application/x-www-form-urlencoded``; with files it is ``multipart/form-data``,
where a file sits in the part named after its parameter or after the id in an
``attach://<id>`` value. Other clients may send a JSON body or a query string; all three
are accepted, as by Telegram. A form field is decoded by the types the spec gives it, so
``"123"`` stays a string for ``text`` but becomes ``123`` for ``chat_id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .errors import bad_request
from .files import UploadedFile
from .spec import ApiSpec, MethodSpec, Violation, describe

_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
ATTACH_PREFIX = "attach://"


@dataclass
class WireCall:
    """The raw parameters of one call; ``textual`` when values are still form strings."""

    raw: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    textual: bool = True


async def read_call(request: web.Request) -> WireCall:
    """Collect query, form, multipart or JSON parameters of ``request``."""
    call = WireCall(raw=dict(request.query))
    if request.method != "POST" or not request.can_read_body:
        return call
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError as exc:
            raise bad_request("can't parse JSON object") from exc
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        call.raw.update(body)
        call.textual = False
        return call
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                call.files[name] = UploadedFile(
                    part=name,
                    filename=value.filename,
                    content_type=value.content_type,
                    data=value.file.read(),
                )
            elif isinstance(value, bytes | bytearray):
                call.raw[name] = bytes(value).decode("utf-8", "replace")
            else:
                call.raw[name] = value
    return call


def decode_params(spec: ApiSpec, method: MethodSpec, call: WireCall) -> dict[str, Any]:
    """Turn raw values into typed parameters, raising :class:`Violation` where the spec says no.

    Unknown parameters are refused although real Telegram ignores them: a misspelt
    ``reply_markup`` would otherwise pass every test and silently lose the keyboard.
    """
    for name in call.raw:
        if name not in method.fields:
            raise Violation("unknown", name, f"is not a parameter of {method.name}")
    params: dict[str, Any] = {}
    for name, spec_field in method.fields.items():
        value = call.raw.get(name)
        if value is None and "InputFile" in spec_field.types and name in call.files:
            value = call.files[name]
        elif isinstance(value, str):
            value = _decode_string(spec, name, value, spec_field.types, call)
        if value is None:
            if spec_field.required:
                raise Violation("missing", name, f"is required by {method.name}")
            continue
        spec.check(value, spec_field.types, name)
        params[name] = value
    return params


def _decode_string(
    spec: ApiSpec, name: str, text: str, types: Sequence[str], call: WireCall
) -> Any:
    if "InputFile" in types and text.startswith(ATTACH_PREFIX):
        part = text[len(ATTACH_PREFIX):]
        if part not in call.files:
            raise bad_request(f'file part "{part}" named by {name} is missing')
        return call.files[part]
    if not call.textual and spec.is_structured(types) and "String" not in types:
        return _json(name, text, types)
    for type_name in types:
        if type_name == "Integer" and _INTEGER.fullmatch(text):
            return int(text)
        if type_name == "Float" and _FLOAT.fullmatch(text):
            return float(text)
        if type_name == "Boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
    if "String" in types:
        return text
    if spec.is_structured(types):
        return _json(name, text, types)
    return text


def _json(name: str, text: str, types: Sequence[str]) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise Violation("type", name, f"must be JSON-serialised {describe(types)}") from exc


def resolve_attachment(value: Any, files: dict[str, UploadedFile]) -> Any:
    """Replace an ``attach://<id>`` string inside e.g. ``InputMedia`` by the uploaded part."""
    if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
        part = value[len(ATTACH_PREFIX):]
        if part not in files:
            raise bad_request(f'file part "{part}" is missing')
        return files[part]
    return value
