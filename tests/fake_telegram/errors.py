"""Error answers shaped exactly like Telegram's, so PTB maps them to the same exceptions."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised inside the fake to answer a Bot API call with ``{"ok": false, ...}``.

    ``status`` is both the HTTP status and ``error_code``, as on the real server; PTB picks
    its exception class (BadRequest, Forbidden, RetryAfter, ...) from these.
    """

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 answer; ``reason`` is the text after ``Bad Request: ``."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """A 403 answer, e.g. when the user blocked the bot."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 flood-wait answer; PTB turns ``retry_after`` into ``RetryAfter``."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


NOT_FOUND = ApiError(404, "Not Found")
METHOD_NOT_FOUND = ApiError(404, "Not Found: method not found")
UNAUTHORIZED = ApiError(401, "Unauthorized")

STATUS_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
