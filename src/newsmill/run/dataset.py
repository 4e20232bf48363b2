"""A dataset folder: Parquet files between stages, one marker per completed shard.

Layout (``DATASET/``)::

    _manifest.json               the plan: sources, shards of input files, partitions
    pages/shard-00000.parquet    one file per shard and stage ...
    _done/read/shard-00000.json  ... and its marker (JSON stats), written last, atomically
    keys/part-003/shard-00000.parquet   hash-partitioned shuffle files (chrome keys, bands)
    counts/part-003.parquet      one file per partition after the reduce

A shard is complete when its marker exists; a rerun skips it. Every file is written to a
temporary name first and then renamed, so a killed run leaves no half-written file under
a final name. The folder may live on any filesystem pyarrow knows (local, S3, GCS, HDFS):
give a path or a URI such as ``s3://bucket/run1``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsmill.errors import NewsmillError

MANIFEST = "_manifest.json"
MARKERS = "_done"  # _done/STAGE/UNIT.json: a unit's stats, written when it completed
MARKER = ".json"


class DatasetError(NewsmillError):
    """The dataset folder cannot be read or written, or belongs to another run."""


def shard_name(shard: int) -> str:
    return f"shard-{shard:05d}"


def part_name(part: int) -> str:
    return f"part-{part:03d}"


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset folder, by URI. Picklable: workers open it again from the URI."""

    uri: str

    @property
    def fs(self) -> pafs.FileSystem:
        return _filesystem(self.uri)[0]

    @property
    def root(self) -> str:
        return _filesystem(self.uri)[1]

    def path(self, *names: str) -> str:
        return "/".join([self.root.rstrip("/"), *names])

    # --- markers -----------------------------------------------------------------------

    def marker(self, stage: str, unit: str) -> str:
        return self.path(MARKERS, stage, unit + MARKER)

    def done(self, stage: str, unit: str) -> dict[str, Any] | None:
        """The stats a completed unit recorded, or None when it has not completed."""
        try:
            with self.fs.open_input_stream(self.marker(stage, unit)) as stream:
                return dict(json.loads(stream.read()))
        except FileNotFoundError:
            return None

    def mark_done(self, stage: str, unit: str, stats: dict[str, Any]) -> None:
        self.write_bytes(self.marker(stage, unit), json.dumps(stats).encode())

    # --- files -------------------------------------------------------------------------

    def write_bytes(self, path: str, data: bytes) -> None:
        temp = self._temp(path)
        with self.fs.open_output_stream(temp) as stream:
            stream.write(data)
        self.fs.move(temp, path)

    def read_bytes(self, path: str) -> bytes:
        with self.fs.open_input_stream(path) as stream:
            return bytes(stream.read())

    def exists(self, path: str) -> bool:
        return bool(self.fs.get_file_info(path).type != pafs.FileType.NotFound)

    def write_table(self, path: str, data: pa.Table) -> None:
        temp = self._temp(path)
        pq.write_table(data, temp, filesystem=self.fs, compression="zstd")
        self.fs.move(temp, path)

    def read_table(self, path: str, **kwargs: Any) -> pa.Table:
        return pq.read_table(path, filesystem=self.fs, **kwargs)

    def files(self, folder: str) -> list[str]:
        """Parquet files under a folder (recursively), sorted; none if it does not exist."""
        selector = pafs.FileSelector(folder, allow_not_found=True, recursive=True)
        infos = self.fs.get_file_info(selector)
        return sorted(i.path for i in infos if i.is_file and i.path.endswith(".parquet"))

    def read_folder(self, folder: str, schema: pa.Schema, **kwargs: Any) -> pa.Table:
        """Every Parquet file of a folder as one table (an empty one when there are none)."""
        paths = self.files(folder)
        if not paths:
            return schema.empty_table()
        tables = [self.read_table(p, schema=schema, **kwargs) for p in paths]
        return pa.concat_tables(tables)

    def iter_batches(self, path: str, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Rows of one Parquet file, a batch at a time (flat memory for big shards)."""
        with self.fs.open_input_file(path) as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=batch_size):
                yield from batch.to_pylist()

    def makedirs(self, *folders: str) -> None:
        for folder in folders:
            self.fs.create_dir(self.path(folder), recursive=True)

    def _temp(self, path: str) -> str:
        folder = path.rsplit("/", 1)[0]
        self.fs.create_dir(folder, recursive=True)
        return f"{path}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    # --- manifest ----------------------------------------------------------------------

    def read_manifest(self) -> dict[str, Any] | None:
        path = self.path(MANIFEST)
        if not self.exists(path):
            return None
        try:
            return dict(json.loads(self.read_bytes(path)))
        except ValueError as e:
            raise DatasetError(f"{path} is not a dataset manifest: {e}") from e

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self.write_bytes(self.path(MANIFEST), json.dumps(manifest, indent=1).encode())


@lru_cache(maxsize=8)
def _filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    if "://" not in uri:
        return pafs.LocalFileSystem(), os.path.abspath(uri)
    try:
        return pafs.FileSystem.from_uri(uri)
    except (pa.ArrowInvalid, OSError) as e:
        raise DatasetError(f"cannot open dataset {uri}: {e}") from e
