"""A tiny Clapper client in the shape of gazu (Kitsu's), with the standard library only.

    import clapper
    clapper.set_host("http://127.0.0.1:3000")
    clapper.set_token(token)
    project = clapper.project.get_project_by_name("MyProduction")

It calls the REST API (`/api/v1`); answers are plain dicts, as the OpenAPI document
(`/api/v1/openapi.json`) describes them. Host and token default to `CLAPPER_HOST` and
`CLAPPER_TOKEN`.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace
from typing import Any, Iterator, Optional, Union

Record = dict[str, Any]
IdOrRecord = Union[str, Record]

_host: Optional[str] = None
_token: Optional[str] = None


class ClapperError(Exception):
    """A failed call: the HTTP status (0: no answer) and the API's code, message, field, reason."""

    def __init__(self, status: int, code: str, message: str,
                 field: Optional[str] = None, reason: Optional[str] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.field, self.reason = field, reason


def set_host(host: str) -> None:
    """The server, e.g. `http://127.0.0.1:3000` (a trailing `/api/v1` is fine too)."""
    global _host
    _host = host


def set_token(token: str) -> None:
    """The bot token, sent as `Authorization: Bearer <token>`."""
    global _token
    _token = token


def _base() -> str:
    host = (_host or os.environ.get("CLAPPER_HOST") or "").rstrip("/")
    if not host:
        raise ClapperError(0, "NO_HOST", "no host: call set_host() or set CLAPPER_HOST")
    return host if host.endswith("/api/v1") else host + "/api/v1"


def _request(method: str, path: str, query: Optional[Record] = None, body: Any = None) -> Any:
    """One call; the answer's JSON, or a ClapperError."""
    url = _base() + path
    query = {k: v for k, v in (query or {}).items() if v is not None}
    if query:
        url += "?" + urllib.parse.urlencode(query)
    headers = {"accept": "application/json"}
    token = _token or os.environ.get("CLAPPER_TOKEN")
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    if data is not None:
        headers["content-type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            err = json.loads(text)
        except ValueError:
            err = None
        if not isinstance(err, dict):  # not the API's body: a proxy's page, say
            err = {"message": text.strip()[:200] or str(error.reason)}
        code, message = err.get("code") or f"HTTP_{error.code}", err.get("message") or ""
        raise ClapperError(error.code, code, message, err.get("field"), err.get("reason")) from None
    except OSError as error:  # URLError (refused, unknown host), a timeout, a reset
        message = f"cannot reach Clapper at {_base()}: {getattr(error, 'reason', error)}"
        raise ClapperError(0, "CONNECTION_FAILED", message) from None


def _pages(path: str, query: Optional[Record] = None) -> Iterator[Record]:
    """Every item of a paged list, following `nextCursor`."""
    query = dict(query or {}, limit=100)
    while True:
        page = _request("GET", path, query)
        yield from page["items"]
        if not page.get("nextCursor"):
            return
        query["cursor"] = page["nextCursor"]


def _id(value: IdOrRecord) -> str:
    return value if isinstance(value, str) else value["id"]


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _all_open_projects() -> list[Record]:
    """The projects the caller may read."""
    return list(_pages("/projects"))


def _get_project_by_name(name: str) -> Record:
    """The project with this exact name, with its team."""
    return _request("GET", "/projects/by-name", {"name": name})


def _get_project(project_id: str) -> Record:
    return _request("GET", f"/projects/{_q(project_id)}")


def _all_tasks_for_project(project: IdOrRecord) -> list[Record]:
    """A project's tasks (as far as the caller's role reaches)."""
    return list(_pages(f"/projects/{_q(_id(project))}/tasks"))


def _get_task(task_id: str) -> Record:
    return _request("GET", f"/tasks/{_q(task_id)}")


def _all_task_statuses() -> list[Record]:
    return list(_pages("/task-statuses"))


def _get_task_status_by_short_name(short_name: str) -> Optional[Record]:
    """The status with this short name, or None, as gazu answers."""
    return next((s for s in _all_task_statuses() if s["shortName"] == short_name), None)


def _add_comment(task: IdOrRecord, task_status: Optional[IdOrRecord], comment: str = "") -> Record:
    """A comment on a task, with its new status in the same transaction when given."""
    body: Record = {"text": comment}
    if task_status is not None:
        body["statusId"] = _id(task_status)
    return _request("POST", f"/tasks/{_q(_id(task))}/comments", body=body)


def _all_comments_for_task(task: IdOrRecord) -> list[Record]:
    """A task's comments, in the API's order."""
    return list(_pages(f"/tasks/{_q(_id(task))}/comments"))


def _get_current_user() -> Record:
    """The caller: for a bot token, the bot."""
    return _request("GET", "/auth/me")


project = SimpleNamespace(
    all_open_projects=_all_open_projects,
    get_project=_get_project,
    get_project_by_name=_get_project_by_name,
)
task = SimpleNamespace(
    all_tasks_for_project=_all_tasks_for_project,
    get_task=_get_task,
    all_task_statuses=_all_task_statuses,
    get_task_status_by_short_name=_get_task_status_by_short_name,
    add_comment=_add_comment,
    all_comments_for_task=_all_comments_for_task,
)
client = SimpleNamespace(get_current_user=_get_current_user)
