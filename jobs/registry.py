"""What a job kind runs: each app declares its jobs in `<app>/tasks.py` with `@task("kind")`."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.module_loading import autodiscover_modules

TASKS: dict[str, Callable] = {}


@dataclass
class JobResult:
    """What a finished job leaves: a file to download (bytes or a file on disk), or a page to go to."""

    filename: str = ""
    content: bytes | None = None
    path: Path | None = None
    url: str = ""


class JobError(Exception):
    """A failure the owner can act on: its message (in Chinese) is shown on the job's page."""


def task(kind: str) -> Callable:
    def register(function: Callable) -> Callable:
        TASKS[kind] = function
        return function

    return register


def get_task(kind: str) -> Callable:
    if kind not in TASKS:
        autodiscover_modules("tasks")
    return TASKS[kind]
