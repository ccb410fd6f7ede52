"""What a Hub run lists: a scope is one listing (a namespace, the Hub-wide top N, or coverage down to
a download threshold), and knows when its listing is complete. Pure: nothing here talks to the network."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 1000


@dataclass
class Scope:
    """One listing to snapshot: all models of a namespace, or the Hub-wide top N by 30-day downloads."""

    name: str
    params: list[tuple[str, str]]
    max_models: int | None = None
    # Coverage mode: stop at the first model below this many 30-day downloads (the listing is sorted).
    min_downloads: int | None = None

    @classmethod
    def author(cls, namespace: str, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"author:{namespace}", [("author", namespace), ("sort", "downloads"), ("limit", str(page_size))])

    @classmethod
    def top(cls, n: int, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"top_downloads:{n}", [("sort", "downloads"), ("limit", str(min(n, page_size)))], max_models=n)

    @classmethod
    def coverage(cls, min_downloads: int, page_size: int = PAGE_SIZE) -> Scope:
        return cls(
            f"coverage_min_downloads:{min_downloads}",
            [("sort", "downloads"), ("limit", str(page_size))],
            min_downloads=min_downloads,
        )

    def page_limit(self) -> int:
        """The models a page of this listing holds (but the last)."""
        return int(dict(self.params)["limit"])

    def wanted(self, items: list, fetched_before: int) -> tuple[list, bool]:
        """The page's models this scope keeps, and whether the listing should stop after it."""
        if self.max_models is not None:
            items = items[: self.max_models - fetched_before]
            return items, fetched_before + len(items) >= self.max_models
        if self.min_downloads is not None:
            # Anything malformed is kept so that validation reports it instead of a silent drop.
            kept = [
                m
                for m in items
                if type(m) is not dict or type(m.get("downloads")) is not int or m["downloads"] >= self.min_downloads
            ]
            return kept, len(kept) < len(items)
        return items, False
