"""Files the bot uploads and files simulated users send, kept for inspection and download."""

from __future__ import annotations

import hashlib
import itertools
import struct
from dataclasses import dataclass, field

from .spec import FileRef


@dataclass(eq=False)
class UploadedFile(FileRef):
    """One multipart file part as the bot sent it: the bytes and the name it claimed."""

    part: str
    """The multipart part name: the parameter name, or the id in an ``attach://`` URI."""
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """The content decoded, for asserting on transcripts and other text documents."""
        return self.data.decode(encoding)

    @property
    def image_size(self) -> tuple[int, int] | None:
        """``(width, height)`` if the bytes are an image Telegram would accept as a photo."""
        return image_size(self.data)

    @property
    def is_png(self) -> bool:
        """Whether the bytes carry the PNG signature."""
        return self.data.startswith(PNG_SIGNATURE)


@dataclass(frozen=True)
class StoredFile:
    """A file known to the fake under a ``file_id``, downloadable via ``getFile``."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    data: bytes = field(repr=False)

    def as_file(self) -> dict[str, object]:
        """The ``File`` object ``getFile`` returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    """Maps ``file_id`` and download path to content, as Telegram's storage would."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, data: bytes, *, filename: str, mime_type: str, folder: str) -> StoredFile:
        """Store ``data`` and mint ids for it; ``folder`` mimics Telegram's (``photos``...)."""
        number = next(self._counter)
        digest = hashlib.sha1(data).hexdigest()[:10]
        suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        stored = StoredFile(
            file_id=f"FAKEFILE{number:05d}{digest}",
            file_unique_id=f"FAKEUNIQ{digest}",
            file_path=f"{folder}/file_{number}.{suffix}",
            filename=filename,
            mime_type=mime_type,
            data=data,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this id, if the fake minted it."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<file_path>``."""
        return self._by_path.get(file_path)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG, BMP or WebP image; ``None`` for anything else.

    Telegram refuses a ``sendPhoto`` whose bytes are not an image, and needs the size to
    build ``PhotoSize`` objects, so the fake reads just the headers.
    """
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(int(width)), abs(int(height))
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
