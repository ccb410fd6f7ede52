"""collector: open-model adoption metrics (Hugging Face downloads, OpenRouter usage) in DuckDB."""

__version__ = "0.1.0"
