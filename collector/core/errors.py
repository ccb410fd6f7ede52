"""One exception type for every failure a user should see as a single line."""


class CollectorError(Exception):
    """A failure with a message fit for one line on stderr: what failed, why, what to do."""

    exit_code = 1


class ConfigError(CollectorError):
    """Bad configuration or argument (exit code 2, like click's usage errors)."""

    exit_code = 2
