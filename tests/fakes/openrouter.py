"""A fake OpenRouter on 127.0.0.1 that behaves as documented where the collector cares:

- `GET /api/v1/models`: `{"data": [models]}`, no key needed (a raw body can be served verbatim).
- `GET /api/v1/datasets/rankings-daily` (Bearer key): top N models per bucket by tokens plus one
  aggregated `other` row pinned last; rows `{date, model_permaslug, total_tokens}` with the tokens as
  decimal strings; `meta {as_of, version: "v1", start_date, end_date}`. Defaults: end = the last
  completed UTC day, start = end - 30 days; start clamped to 2025-01-01 and end to the last completed
  day; span over 366 days, inverted or malformed dates, an unknown period or category, or
  `period=day` with a category -> 400. `period=week` buckets by ISO week start, `month` by month.
- `GET /api/v1/datasets/app-rankings` (Bearer key): `{rank, app_id, app_name, total_tokens,
  total_requests}` over the window, `sort=popular|trending`, `category`, `limit` 1-100, `offset` 0-100.
- 401 for a missing or wrong key; 429 beyond `per_minute` keyed requests in any `window_seconds`
  (sliding) or `daily_limit` per UTC day; every error body is `{"error": {"code": N, "message": "..."}}`.
- Scripted faults (besides `script`, from tests/fakes/server.py): `after_keyed(n, then=..., reply=...)`
  calls `then()` as the nth keyed request arrives (its answer still goes out: e.g. a Ctrl-C sent to
  the process) and answers every later keyed request with `reply` (e.g. a 500); `keyed_count` counts
  the keyed requests that passed the key check.

Usage is held per day (`daily[date] = [(permaslug, tokens), ...]`, every model, not just the top):
the fake ranks and aggregates it per request, as the real API does from its own data.

Run it by hand for a demo: `python -m tests.fakes.openrouter --port 8766 [--per-minute 0]` (key `demo-key`).
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import orjson

from collector.core import clock
from tests.fakes.server import FakeServer, Reply, Request

DATA_START = date(2025, 1, 1)
KEY = "sk-or-v1-test-key"
CATEGORIES = {
    "programming",
    "roleplay",
    "marketing",
    "marketing/seo",
    "technology",
    "science",
    "translation",
    "legal",
    "finance",
    "health",
    "trivia",
    "academia",
}
APP_CATEGORIES = {"coding", "productivity", "creative", "entertainment", "personal-agent", "research"}

Usage = dict[str, list[tuple[str, int]]]  # "YYYY-MM-DD" -> [(permaslug, tokens)]
AppUsage = dict[str, list[tuple[str, str, int, int]]]  # day -> [(app_id, app_name, tokens, requests)]


def error(code: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(code, orjson.dumps({"error": {"code": code, "message": message}}), headers or {})


class BadRequest(Exception):
    pass


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"Invalid {name}: expected YYYY-MM-DD, got {text!r}") from None


class FakeOpenRouter(FakeServer):
    def __init__(
        self,
        *,
        models: Iterable[dict] = (),
        catalog_body: bytes | None = None,
        daily: Usage | None = None,
        categories: dict[str, Usage] | None = None,
        apps: dict[str, AppUsage] | None = None,
        api_key: str = KEY,
        top: int = 50,
        per_minute: int = 30,
        window_seconds: float = 60.0,
        daily_limit: int = 500,
        retry_after: int | None = None,
        as_of: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        super().__init__(host, port)
        self.models = list(models)
        self.catalog_body = catalog_body
        self.daily: Usage = daily if daily is not None else {}
        self.categories: dict[str, Usage] = categories if categories is not None else {}
        self.apps: dict[str, AppUsage] = apps if apps is not None else {}
        self.api_key = api_key
        self.top = top
        self.per_minute = per_minute
        self.window_seconds = window_seconds
        self.daily_limit = daily_limit
        self.retry_after = retry_after
        self.as_of = as_of
        self._recent: deque[float] = deque()
        self._per_day: dict[date, int] = {}
        self._rl_lock = threading.Lock()
        self.keyed_count = 0
        self._after: tuple[int, Callable[[], None] | None, Reply | None] | None = None

    def after_keyed(self, n: int, *, then: Callable[[], None] | None = None, reply: Reply | None = None) -> None:
        """A fault after the first `n` keyed requests: `then()` is called when the nth arrives, before
        it is answered as usual; `reply` answers every keyed request after the nth."""
        self._after = (n, then, reply)

    # ---------------------------------------------------------------- plumbing
    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    def keyed_requests(self) -> list[Request]:
        return [r for r in self.log if r.path.startswith("/api/v1/datasets/")]

    def _meta(self, start: date, end: date) -> dict:
        as_of = self.as_of or clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return {"as_of": as_of, "version": "v1", "start_date": start.isoformat(), "end_date": end.isoformat()}

    def _take(self) -> Reply | None:
        """Count a keyed request against the limits; a 429 reply when over one."""
        with self._rl_lock:
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= self.window_seconds:
                self._recent.popleft()
            today = clock.today()
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
            if self._per_day.get(today, 0) >= self.daily_limit:
                return error(429, f"Daily request limit reached ({self.daily_limit} per day)", headers)
            if len(self._recent) >= self.per_minute:
                return error(429, f"Rate limit exceeded: {self.per_minute} requests per minute", headers)
            self._recent.append(now)
            self._per_day[today] = self._per_day.get(today, 0) + 1
        return None

    # ---------------------------------------------------------------- routes
    def handle(self, request: Request) -> Reply:
        if request.path == "/api/v1/models":
            body = self.catalog_body if self.catalog_body is not None else orjson.dumps({"data": self.models})
            return Reply(200, body)
        if not request.path.startswith("/api/v1/datasets/"):
            return error(404, "Not Found")
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] != self.api_key:
            return error(401, "No auth credentials found" if not auth else "Invalid API key")
        with self._rl_lock:
            self.keyed_count += 1
            count = self.keyed_count
        if self._after is not None:
            n, then, reply = self._after
            if count == n and then is not None:
                then()
            if count > n and reply is not None:
                return reply
        if (limited := self._take()) is not None:
            return limited
        try:
            if request.path == "/api/v1/datasets/rankings-daily":
                return self._rankings(request)
            if request.path == "/api/v1/datasets/app-rankings":
                return self._apps(request)
        except BadRequest as exc:
            return error(400, str(exc))
        return error(404, "Dataset not found")

    def _window(self, request: Request) -> tuple[date, date]:
        """The documented date rules: defaults, clamping, inverted and too-long windows."""
        last = clock.today() - timedelta(days=1)
        end = _day(request.param("end_date"), "end_date") or last
        start = _day(request.param("start_date"), "start_date") or end - timedelta(days=30)
        end = min(end, last)
        start = max(start, DATA_START)
        if start > end:
            raise BadRequest(f"start_date {start} is after end_date {end} (data ends on the last completed UTC day)")
        if (end - start).days + 1 > 366:
            raise BadRequest(f"Date range too large: {(end - start).days + 1} days, at most 366")
        return start, end

    def _rankings(self, request: Request) -> Reply:
        category = request.param("category")
        period = request.param("period") or ("week" if category else "day")
        if period not in ("day", "week", "month"):
            raise BadRequest(f"Invalid period {period!r}: day, week or month")
        if category is not None:
            if category not in CATEGORIES:
                raise BadRequest(f"Unknown category {category!r}")
            if period == "day":
                raise BadRequest("Category datasets are weekly estimates: period=day is not available with a category")
        start, end = self._window(request)
        usage = self.categories.get(category, {}) if category else self.daily
        buckets: dict[date, dict[str, int]] = {}
        day = start
        while day <= end:
            if period == "day":
                bucket = day
            elif period == "week":
                bucket = day - timedelta(days=day.weekday())
            else:
                bucket = day.replace(day=1)
            for slug, tokens in usage.get(day.isoformat(), ()):
                totals = buckets.setdefault(bucket, {})
                totals[slug] = totals.get(slug, 0) + tokens
            day += timedelta(days=1)
        rows = []
        for bucket in sorted(buckets):
            totals = buckets[bucket]
            other = totals.pop("other", None)
            ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
            rest = ranked[self.top :]
            if rest:
                other = (other or 0) + sum(t for _, t in rest)
            for slug, tokens in ranked[: self.top]:
                rows.append({"date": bucket.isoformat(), "model_permaslug": slug, "total_tokens": str(tokens)})
            if other is not None:
                rows.append({"date": bucket.isoformat(), "model_permaslug": "other", "total_tokens": str(other)})
        return Reply(200, orjson.dumps({"data": rows, "meta": self._meta(start, end)}))

    def _apps(self, request: Request) -> Reply:
        sort = request.param("sort") or "popular"
        if sort not in ("popular", "trending"):
            raise BadRequest(f"Invalid sort {sort!r}: popular or trending")
        category = request.param("category")
        if category is not None and category not in APP_CATEGORIES:
            raise BadRequest(f"Unknown category {category!r}")
        try:
            limit = int(request.param("limit") or 20)
            offset = int(request.param("offset") or 0)
        except ValueError:
            raise BadRequest("limit and offset must be integers") from None
        if not 1 <= limit <= 100 or not 0 <= offset <= 100:
            raise BadRequest("limit must be 1-100 and offset 0-100")
        start, end = self._window(request)
        usage = self.apps.get(category or "all", {})
        totals: dict[str, list] = {}
        day = start
        while day <= end:
            for app_id, name, tokens, requests in usage.get(day.isoformat(), ()):
                entry = totals.setdefault(app_id, [name, 0, 0])
                entry[1] += tokens
                entry[2] += requests
            day += timedelta(days=1)
        key = (lambda kv: (-kv[1][1], kv[0])) if sort == "popular" else (lambda kv: (-kv[1][2], kv[0]))
        ranked = sorted(totals.items(), key=key)[offset : offset + limit]
        rows = [
            {
                "rank": offset + i + 1,
                "app_id": app_id,
                "app_name": name,
                "total_tokens": str(tokens),
                "total_requests": str(requests),
            }
            for i, (app_id, (name, tokens, requests)) in enumerate(ranked)
        ]
        return Reply(200, orjson.dumps({"data": rows, "meta": self._meta(start, end)}))


# -------------------------------------------------------------------- synthetic data (demo, bench)


def synthetic_usage(first: date, last: date, models: int = 60, seed: int = 3) -> Usage:
    """`models` models a day with deterministic, slowly shifting token counts (more than the top 50,
    so every bucket has an `other` row)."""
    usage: Usage = {}
    day = first
    while day <= last:
        n = (day - first).days
        usage[day.isoformat()] = [
            (f"org{i % 12}/model-{i:02d}", (10**12 // (i + 1)) + ((n * (i + seed) * 7919) % 10**9))
            for i in range(models)
        ]
        day += timedelta(days=1)
    return usage


def synthetic_apps(first: date, last: date, apps: int = 30) -> AppUsage:
    usage: AppUsage = {}
    day = first
    while day <= last:
        n = (day - first).days
        usage[day.isoformat()] = [
            (f"app-{i:03d}", f"App {i}", 10**10 // (i + 1) + n * 1000 + i, 10**6 // (i + 1) + n) for i in range(apps)
        ]
        day += timedelta(days=1)
    return usage


SAMPLE_MODELS = (  # real permaslugs; the figures are made up
    "anthropic/claude-4-sonnet-20250522",
    "google/gemini-2.5-flash",
    "deepseek/deepseek-chat-v3-0324",
    "qwen/qwen3-coder-480b-a35b-07-25",
    "openai/gpt-4o",
)
SAMPLE_APPS = (("cline", "Cline"), ("roo-code", "Roo Code"), ("kilo-code", "Kilo Code"))


def sample_data(first: date = DATA_START, last: date = date(2026, 12, 31)) -> dict:
    """Small usage for tests (use with top=3, so every bucket has an `other` row): five models a day
    whose order shifts over time, four in the programming category, three coding apps. A fresh copy
    each call (tests change the days of their fake), of data computed once per process."""
    data = _sample_data(first, last)
    return {
        "daily": {day: list(rows) for day, rows in data["daily"].items()},
        "categories": {
            name: {day: list(rows) for day, rows in usage.items()} for name, usage in data["categories"].items()
        },
        "apps": {name: {day: list(rows) for day, rows in usage.items()} for name, usage in data["apps"].items()},
    }


@functools.lru_cache(maxsize=4)
def _sample_data(first: date, last: date) -> dict:
    daily: Usage = {}
    programming: Usage = {}
    apps: AppUsage = {}
    day = first
    while day <= last:
        n = (day - first).days
        key = day.isoformat()
        daily[key] = [
            (slug, 40_000_000_000 - i * 7_000_000_000 + ((n * (i + 3) * 104_729) % 9_000_000_000))
            for i, slug in enumerate(SAMPLE_MODELS)
        ]
        programming[key] = [
            (slug, 9_000_000_000 - i * 1_500_000_000 + n * 1_000 * (i + 1)) for i, slug in enumerate(SAMPLE_MODELS[1:])
        ]
        apps[key] = [
            (app_id, name, 3_000_000_000 // (i + 1) + n * 10, 40_000 // (i + 1) + n)
            for i, (app_id, name) in enumerate(SAMPLE_APPS)
        ]
        day += timedelta(days=1)
    return {"daily": daily, "categories": {"programming": programming}, "apps": {"coding": apps}}


def demo_models() -> list[dict]:
    """A few catalog entries with real ids, slugs and prices (facts from the public catalog, 2025-12-18)."""
    return [
        {
            "id": "deepseek/deepseek-chat-v3-0324",
            "canonical_slug": "deepseek/deepseek-chat-v3-0324",
            "hugging_face_id": "deepseek-ai/DeepSeek-V3-0324",
            "name": "DeepSeek: DeepSeek V3 0324",
            "created": 1742824755,
            "context_length": 8192,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0.00000015", "completion": "0.00000075", "request": "0", "image": "0"},
            "expiration_date": None,
        },
        {
            "id": "qwen/qwen3-coder:free",
            "canonical_slug": "qwen/qwen3-coder-480b-a35b-07-25",
            "hugging_face_id": "Qwen/Qwen3-Coder-480B-A35B-Instruct",
            "name": "Qwen: Qwen3 Coder 480B A35B (free)",
            "created": 1753230546,
            "context_length": 262000,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0", "completion": "0", "request": "0", "image": "0"},
            "expiration_date": None,
        },
        {
            "id": "openai/gpt-4o",
            "canonical_slug": "openai/gpt-4o",
            "hugging_face_id": None,
            "name": "OpenAI: GPT-4o",
            "created": 1715558400,
            "context_length": 128000,
            "architecture": {"input_modalities": ["text", "image", "file"], "output_modalities": ["text"]},
            "pricing": {
                "prompt": "0.0000025",
                "completion": "0.00001",
                "request": "0",
                "image": "0.003613",
                "input_cache_read": "0.00000125",
            },
            "expiration_date": None,
        },
        {
            "id": "openrouter/auto",
            "canonical_slug": "openrouter/auto",
            "hugging_face_id": "",
            "name": "Auto Router",
            "created": 1699401600,
            "context_length": 2000000,
            "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
            "pricing": {"prompt": "-1", "completion": "-1"},
            "expiration_date": None,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--key", default="demo-key", help="the API key the fake accepts")
    parser.add_argument(
        "--per-minute",
        type=int,
        default=30,
        help="keyed requests allowed per minute, as documented (0: no limit, for a quick demo)",
    )
    args = parser.parse_args()
    last = clock.today() - timedelta(days=1)
    fake = FakeOpenRouter(
        models=demo_models(),
        daily=synthetic_usage(DATA_START, last),
        categories={"programming": synthetic_usage(DATA_START, last, models=55, seed=11)},
        apps={"coding": synthetic_apps(DATA_START, last)},
        api_key=args.key,
        per_minute=args.per_minute or 10**9,
        port=args.port,
    ).start()
    print(
        f"fake OpenRouter on {fake.api_url} (key {args.key!r}), usage {DATA_START}..{last} (Ctrl-C to stop)", flush=True
    )
    try:
        fake.thread.join()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
