"""Running the pipeline at scale: stages over shards, on a process pool or a Ray cluster.

`run_pipeline(sources, out, options, executor)` writes a dataset folder of Parquet files
(see `run.dataset`); `load_dataset(db, out, options)` loads it into the SQLite store.
"""

from __future__ import annotations

from newsmill.run.executor import Executor, RunError
from newsmill.run.load import LoadStats, load_dataset
from newsmill.run.pipeline import RunSettings, RunStats, run_pipeline

__all__ = [
    "Executor",
    "LoadStats",
    "RunError",
    "RunSettings",
    "RunStats",
    "load_dataset",
    "make_executor",
    "run_pipeline",
]


def make_executor(
    name: str, workers: int | None = None, address: str | None = None, model: str | None = None
) -> Executor:
    """The executor called ``name``: ``local`` (default) or ``ray`` (imports Ray)."""
    if name == "ray":
        from newsmill.run.ray import RayExecutor

        return RayExecutor(workers, address, model=model)
    if address:
        raise RunError("--address needs --executor ray")
    from newsmill.run.local import LocalExecutor

    return LocalExecutor(workers)
