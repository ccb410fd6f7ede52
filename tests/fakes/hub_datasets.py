"""A fake Hugging Face Hub serving dataset repositories with a commit history, on 127.0.0.1, answering
the calls huggingface_hub 2.x makes for `list_repo_commits` and `hf_hub_download` as the real Hub does:

- `GET /api/datasets/{owner}/{name}/commits/{revision}`: the commits newest first (`id`, `title`,
  `message`, `authors[{user}]`, `date`), paginated with `?p=N` and an absolute
  `Link: <...>; rel="next"` pointing at itself;
- `HEAD` / `GET /datasets/{owner}/{name}/resolve/{revision}/{path}`: a redirect (302) to the file's
  bytes, with `X-Repo-Commit`, `X-Linked-Etag` and `X-Linked-Size`, as for an LFS file; the bytes at
  `/lfs/{sha256}`; an unknown revision or path is a 404 with `X-Error-Code` `RevisionNotFound` /
  `EntryNotFound`;
- a repository that is gone (or private): 401 with `X-Error-Code: RepoNotFound` on every call, as the
  Hub answers an anonymous caller; a gated one: its commits list, its files 403 `GatedRepo`;
- `RateLimit` / `RateLimit-Policy` headers on the API calls; `/api/agent-harnesses` answers `{}`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import orjson

from tests.fakes.server import FakeServer, Reply, Request


@dataclass
class Commit:
    sha: str
    at: datetime  # UTC
    files: dict[str, bytes] = field(default_factory=dict)
    title: str = "Upload models.parquet"


def commit_sha(n: int) -> str:
    return hashlib.sha1(f"commit-{n}".encode()).hexdigest()


class FakeHubDatasets(FakeServer):
    def __init__(self, repos: dict[str, list[Commit]], *, page_size: int = 2, gated=(), gone=(), quota: int = 1000):
        super().__init__()
        self.repos = repos  # repo id -> commits, oldest first (each carries the files it changed)
        self.page_size = page_size
        self.gated = set(gated)
        self.gone = set(gone)
        self.quota = quota
        self.cdn = _Cdn()  # the file bytes live on another origin, as the Hub's LFS/Xet storage does
        for commits in repos.values():
            for c in commits:
                for data in c.files.values():
                    self.cdn.blobs[hashlib.sha256(data).hexdigest()] = data

    def start(self) -> FakeHubDatasets:
        self.cdn.start()
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        self.cdn.stop()

    def downloads(self) -> int:
        """File bodies served (GETs of the storage origin)."""
        return len([r for r in self.cdn.log if r.method == "GET"])

    def _rate(self) -> dict[str, str]:
        used = len([r for r in self.log if r.path.startswith("/api/")])
        return {
            "RateLimit": f'"api";r={max(0, self.quota - used)};t=300',
            "RateLimit-Policy": f'"fixed window";"api";q={self.quota};w=300',
        }

    @staticmethod
    def _error(status: int, code: str, message: str, extra: dict | None = None) -> Reply:
        headers = {"X-Error-Code": code, "X-Error-Message": message, **(extra or {})}
        return Reply(status, orjson.dumps({"error": message}), headers)

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/api/agent-harnesses":
            return Reply(200, b"{}")
        if path.startswith("/api/datasets/"):
            return self._commits(request)
        if path.startswith("/datasets/"):
            return self._resolve(request)
        return Reply(404, b'{"error":"not found"}')

    def _repo(self, parts: list[str]) -> tuple[str, list[Commit] | None]:
        repo = "/".join(parts[:2])
        return repo, self.repos.get(repo)

    def _commits(self, request: Request) -> Reply:
        # /api/datasets/{owner}/{name}/commits/{revision}
        parts = request.path.removeprefix("/api/datasets/").split("/")
        repo, commits = self._repo(parts)
        if commits is None or repo in self.gone or len(parts) < 4 or parts[2] != "commits":
            return self._error(401, "RepoNotFound", "Repository not found", self._rate())
        newest_first = list(reversed(commits))
        page = int(request.param("p", "0") or 0)
        items = newest_first[page * self.page_size : (page + 1) * self.page_size]
        body = [
            {
                "id": c.sha,
                "title": c.title,
                "message": "",
                "authors": [{"user": "hub-stats-bot", "avatar": ""}],
                "date": c.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            }
            for c in items
        ]
        headers = self._rate()
        if (page + 1) * self.page_size < len(newest_first):
            headers["Link"] = (
                f'<{self.url}/api/datasets/{repo}/commits/{quote(parts[3], safe="")}?p={page + 1}>; rel="next"'
            )
        return Reply(200, orjson.dumps(body), headers)

    def _resolve(self, request: Request) -> Reply:
        # /datasets/{owner}/{name}/resolve/{revision}/{path}
        parts = request.path.removeprefix("/datasets/").split("/")
        repo, commits = self._repo(parts)
        if commits is None or repo in self.gone or len(parts) < 5 or parts[2] != "resolve":
            return self._error(401, "RepoNotFound", "Repository not found")
        if repo in self.gated:
            return self._error(403, "GatedRepo", "Access to dataset is restricted. You must have access to it")
        revision, file_path = parts[3], "/".join(parts[4:])
        shas = [c.sha for c in commits]
        if revision == "main":
            revision = shas[-1]
        if revision not in shas:
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        # a file is as of its latest change at or before the revision
        data = None
        for c in commits[: shas.index(revision) + 1]:
            data = c.files.get(file_path, data)
        if data is None:
            return self._error(404, "EntryNotFound", "Entry not found", {"X-Repo-Commit": revision})
        digest = hashlib.sha256(data).hexdigest()
        return Reply(
            302,
            b"",
            {
                "Location": f"{self.cdn.url}/lfs/{digest}",
                "X-Repo-Commit": revision,
                "X-Linked-Etag": f'"{digest}"',
                "X-Linked-Size": str(len(data)),
                "ETag": f'W/"{digest[:20]}"',
            },
        )


class _Cdn(FakeServer):
    """The storage origin the Hub redirects file downloads to (no Hub headers, no token wanted)."""

    def __init__(self) -> None:
        super().__init__()
        self.blobs: dict[str, bytes] = {}

    def handle(self, request: Request) -> Reply:
        data = self.blobs.get(request.path.removeprefix("/lfs/"))
        if data is None:
            return Reply(404, b"<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
        return Reply(
            200, data, {"Content-Type": "application/octet-stream", "ETag": f'"{hashlib.md5(data).hexdigest()}"'}
        )
