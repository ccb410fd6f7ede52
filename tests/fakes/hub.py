"""A fake Hugging Face Hub on 127.0.0.1 that behaves like the real API where the collector cares:

- `GET /api/models`: author / search / filter / sort (descending only) / limit / repeated expand,
  keyset-style pagination through an absolute `Link: <...cursor=...>; rel="next"` pointing at itself,
  only `_id`, `id` and the expanded fields when `expand` is given.
- `RateLimit` and `RateLimit-Policy` headers on every response from a fixed-window quota; HTTP 429
  with `r=0` once the window is spent.
- `GET /api/models/{org}/{name}` with expand, including baseModels and childrenModelCount.
- `GET /api/agent-harnesses` answers `{}` (huggingface_hub asks for it once per process).
- Error bodies like the Hub's: `{"error": "..."}`.

Run it by hand for a demo: `python -m tests.fakes.hub --port 8765 [--synthetic 5000]`.
"""

from __future__ import annotations

import argparse
import base64
import threading
import time
from collections.abc import Sequence

import orjson

from tests.fakes.server import FakeServer, Reply, Request

ALL_FIELDS = (
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "pipeline_tag",
    "library_name",
    "tags",
    "safetensors",
    "gated",
)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"offset": offset})).decode().rstrip("=")


def _offset(cursor: str) -> int:
    padded = cursor + "=" * (-len(cursor) % 4)
    return int(orjson.loads(base64.urlsafe_b64decode(padded))["offset"])


def make_model(
    model_id: str,
    downloads: int,
    *,
    all_time: int | None = None,
    likes: int = 0,
    pipeline_tag: str | None = "text-generation",
    tags: Sequence[str] = (),
    params: int | None = None,
    created: str = "2025-01-15T10:00:00.000Z",
    gated: bool | str = False,
    library: str | None = "transformers",
    base_models: dict | None = None,
) -> dict:
    """A model as the Hub's full expand returns it."""
    model = {
        "_id": f"{abs(hash(model_id)) & 0xFFFFFFFFFFFF:024x}",
        "id": model_id,
        "author": model_id.split("/")[0] if "/" in model_id else None,
        "downloads": downloads,
        "downloadsAllTime": all_time if all_time is not None else downloads * 10,
        "likes": likes,
        "trendingScore": 0,
        "createdAt": created,
        "lastModified": created,
        "pipeline_tag": pipeline_tag,
        "library_name": library,
        "tags": list(tags),
        "gated": gated,
    }
    if params is not None:
        model["safetensors"] = {"parameters": {"BF16": params}, "total": params}
    if base_models is not None:
        model["baseModels"] = base_models
    return model


class SyntheticModels(Sequence):
    """n models generated on demand, already sorted by downloads descending (for benchmarks)."""

    def __init__(self, n: int, seed: int = 7):
        self.n = n
        self.seed = seed

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        org = f"org{(i * 7919 + self.seed) % 5000}"
        downloads = max(0, int(50_000_000 / (i + 1)))
        tags = ["transformers", "safetensors", "text-generation", "license:apache-2.0", "region:us"]
        if i % 3 == 1:
            parent = f"org{(i * 31) % 5000}/base-{i // 3}"
            tags += [f"base_model:{parent}", f"base_model:finetune:{parent}"]
        return make_model(
            f"{org}/model-{i:07d}",
            downloads,
            all_time=downloads * 12 + i,
            likes=i % 1000,
            tags=tags,
            params=7_000_000_000 + i,
        )


class FakeHub(FakeServer):
    def __init__(
        self,
        models: Sequence[dict] = (),
        *,
        quota: int = 1000,
        window: int = 300,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        super().__init__(host, port)
        self.models = models
        self.quota = quota
        self.window = window
        self._window_start = time.monotonic()
        self._used = 0
        self.window_counts: list[int] = []  # requests served in each completed window
        self.rejected = 0  # 429s sent
        self._rl_lock = threading.Lock()
        self.details: dict[str, dict] = {}
        self._rendered: dict[tuple, bytes] = {}

    def prerender(self, expand: Sequence[str], limit: int = 1000) -> None:
        """Render every page of an unfiltered downloads listing up front, so a benchmark measures
        the client, not this server's JSON encoding."""
        for offset in range(0, len(self.models), limit):
            page = self.models[offset : offset + limit]
            body = orjson.dumps([{"_id": m["_id"], "id": m["id"], **{f: m[f] for f in expand if f in m}} for m in page])
            self._rendered[(offset, limit, tuple(expand))] = body

    # ---------------------------------------------------------------- rate limit (fixed window)
    def _take(self) -> tuple[bool, int, int]:
        with self._rl_lock:
            now = time.monotonic()
            while now - self._window_start >= self.window:
                self.window_counts.append(self._used)
                self._window_start += self.window
                self._used = 0
            reset = max(1, int(round(self.window - (now - self._window_start))))
            if self._used >= self.quota:
                return False, 0, reset
            self._used += 1
            return True, self.quota - self._used, reset

    def _rl_headers(self, remaining: int, reset: int) -> dict[str, str]:
        return {
            "RateLimit": f'"api";r={remaining};t={reset}',
            "RateLimit-Policy": f'"fixed window";"api";q={self.quota};w={self.window}',
        }

    # ---------------------------------------------------------------- routes
    def handle(self, request: Request) -> Reply:
        if request.path == "/api/agent-harnesses":
            return Reply(200, b"{}")
        if request.path == "/_fake/windows":  # for benchmarks: requests served per quota window
            with self._rl_lock:
                return Reply(
                    200,
                    orjson.dumps(
                        {
                            "completed": self.window_counts,
                            "current": self._used,
                            "quota": self.quota,
                            "window": self.window,
                            "rejected": self.rejected,
                        }
                    ),
                )
        ok, remaining, reset = self._take()
        headers = self._rl_headers(remaining, reset)
        if not ok:
            with self._rl_lock:
                self.rejected += 1
            return Reply(429, b'{"error":"You have exceeded our rate limit, please retry later."}', headers)
        if request.path == "/api/models":
            return self._list(request, headers)
        if request.path.startswith("/api/models/"):
            return self._detail(request.path[len("/api/models/") :], request, headers)
        return Reply(404, b'{"error":"Not Found"}', headers)

    def _select(self, request: Request) -> Sequence[dict]:
        models: Sequence[dict] = self.models
        author = request.param("author")
        search = request.param("search")
        filters = request.params("filter")
        if author or search or filters:
            models = [
                m
                for m in models
                if (not author or m.get("author") == author)
                and (not search or search.lower() in m["id"].lower())
                and all(f in (m.get("tags") or []) for f in filters)
            ]
        sort = request.param("sort")
        if sort and sort != "downloads" or not isinstance(models, SyntheticModels):
            key = {
                "downloads": "downloads",
                "likes": "likes",
                "createdAt": "createdAt",
                "lastModified": "lastModified",
                "trendingScore": "trendingScore",
            }.get(sort or "trendingScore")
            if key is None:
                raise ValueError(f"bad sort {sort}")
            models = sorted(models, key=lambda m: m.get(key) or 0, reverse=True)
        return models

    def _list(self, request: Request, headers: dict[str, str]) -> Reply:
        try:
            limit = int(request.param("limit", "1000"))
            models = self._select(request)
        except ValueError as exc:
            return Reply(400, orjson.dumps({"error": str(exc)}), headers)
        if limit > 1000:
            limit = 1000
        cursor = request.param("cursor")
        offset = _offset(cursor) if cursor else 0
        expand = request.params("expand")
        rendered = self._rendered.get((offset, limit, tuple(expand))) if models is self.models else None
        page = [] if rendered is not None else models[offset : offset + limit]
        if rendered is not None:
            pass
        elif expand:
            page = [{"_id": m["_id"], "id": m["id"], **{f: m[f] for f in expand if f in m}} for m in page]
        else:
            page = [
                {
                    k: m[k]
                    for k in ("_id", "id", "likes", "downloads", "tags", "pipeline_tag", "createdAt", "library_name")
                    if k in m
                }
                for m in page
            ]
        if offset + limit < len(models):
            query = [(k, v) for k, v in request.query if k != "cursor"] + [("cursor", _cursor(offset + limit))]
            from urllib.parse import urlencode

            host = request.headers.get("host") or self.url.split("//", 1)[1]
            headers = {**headers, "Link": f'<http://{host}/api/models?{urlencode(query)}>; rel="next"'}
        return Reply(200, rendered if rendered is not None else orjson.dumps(page), headers)

    def _detail(self, repo_id: str, request: Request, headers: dict[str, str]) -> Reply:
        model = self.details.get(repo_id) or next((m for m in self.models if m["id"] == repo_id), None)
        if model is None:
            return Reply(404, b'{"error":"Repository not found"}', {**headers, "X-Error-Code": "RepoNotFound"})
        expand = request.params("expand")
        body = {
            "_id": model["_id"],
            "id": model["id"],
            **({f: model[f] for f in expand if f in model} if expand else model),
        }
        if "childrenModelCount" in expand:
            body["childrenModelCount"] = model.get(
                "childrenModelCount", {"adapter": 0, "merge": 0, "quantized": 0, "finetune": 0}
            )
        return Reply(200, orjson.dumps(body), headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--synthetic", type=int, default=0, help="serve N synthetic models instead of the demo set")
    parser.add_argument(
        "--quota", type=int, default=1000, help="requests per fixed window (the Hub's free-token quota)"
    )
    parser.add_argument("--window", type=int, default=300, help="fixed window length in seconds")
    parser.add_argument("--prerender", action="store_true", help="render the top-downloads pages before serving")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each reply waits, as over a network")
    args = parser.parse_args()
    models = SyntheticModels(args.synthetic) if args.synthetic else demo_models()
    hub = FakeHub(models, port=args.port, quota=args.quota, window=args.window)
    hub.latency = args.latency
    if args.prerender:
        from collector.sources.hf.pages import EXPAND

        hub.prerender(EXPAND)
    hub.start()
    print(f"fake Hub on {hub.url} with {len(models):,} models (Ctrl-C to stop)", flush=True)
    try:
        hub.thread.join()
    except KeyboardInterrupt:
        hub.stop()


def demo_models() -> list[dict]:
    """A small, realistic set: real ids and figures (facts) from the Hub, late May 2026."""
    return [
        make_model(
            "Qwen/QwQ-32B",
            61_994,
            all_time=2_945_445,
            likes=2919,
            params=32_763_876_352,
            tags=[
                "transformers",
                "text-generation",
                "base_model:Qwen/Qwen2.5-32B",
                "base_model:finetune:Qwen/Qwen2.5-32B",
            ],
            created="2025-03-05T14:16:59.000Z",
        ),
        make_model(
            "Qwen/Qwen2.5-32B", 300_000, all_time=9_000_000, params=32_763_876_352, created="2024-09-15T12:00:00.000Z"
        ),
        make_model(
            "deepseek-ai/DeepSeek-R1",
            500_000,
            all_time=12_000_000,
            params=684_531_386_000,
            created="2025-01-20T03:46:07.000Z",
        ),
        make_model(
            "meta-llama/Llama-3.1-8B-Instruct",
            6_000_000,
            all_time=90_000_000,
            gated="manual",
            params=8_030_261_248,
            created="2024-07-18T08:56:00.000Z",
        ),
        make_model(
            "unsloth/QwQ-32B-GGUF",
            40_000,
            all_time=400_000,
            library="gguf",
            tags=["gguf", "base_model:Qwen/QwQ-32B", "base_model:quantized:Qwen/QwQ-32B"],
        ),
        make_model(
            "sentence-transformers/all-MiniLM-L6-v2",
            90_000_000,
            all_time=1_500_000_000,
            pipeline_tag="sentence-similarity",
            library="sentence-transformers",
        ),
    ]


if __name__ == "__main__":
    main()
