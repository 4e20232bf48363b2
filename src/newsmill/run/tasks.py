"""Tasks: one stage over one shard (or one partition), from dataset files to dataset files.

A task reads its inputs from the dataset folder, calls the stage functions of
`run.stages`, writes its outputs under final names (each atomically) and then its marker.
Running a task again rewrites the same files, so a retry never doubles anything. Tasks
are module-level functions of picklable arguments: any executor can run them.

Units are ``shard-NNNNN`` (a group of input files, and everything made from it) or
``part-NNN`` (one hash partition of a shuffle).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from newsmill.dedup.cluster import Link
from newsmill.dedup.signatures import mix64
from newsmill.model import Page, Segmented, Skip
from newsmill.options import Options
from newsmill.run import records as rec
from newsmill.run import stages
from newsmill.run.dataset import Dataset, part_name, shard_name
from newsmill.run.faults import check_page, maybe_kill

log = logging.getLogger(__name__)

#: Seed of the partition hash: fixed, so every worker and every run agrees.
PARTITION_SEED = 0x6E6D5254


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of work. ``weight`` is the number of pages it covers, for progress."""

    stage: str
    unit: str
    fn: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]
    weight: int = 1
    uses_model: bool = False  # needs the NLP model: executors keep it loaded per worker


def run_task(task: Task, attempt: int = 1) -> dict[str, Any]:
    """Run a task in a worker; its stats are also its marker's content."""
    maybe_kill(task.stage, task.unit, attempt)
    return task.fn(*task.args)


def partition_of(values: pa.Array, partitions: int) -> np.ndarray:
    """Seeded xxhash partition of each value (never Python's hash(): it differs by process)."""
    out = np.fromiter(
        (
            xxhash.xxh64_intdigest(str(v).encode(), seed=PARTITION_SEED) % partitions
            for v in values.to_pylist()
        ),
        dtype=np.int32,
        count=len(values),
    )
    return out


def write_partitioned(
    dataset: Dataset, folder: str, unit: str, data: pa.Table, column: str, partitions: int
) -> None:
    """Split a table by the hash of ``column`` into ``folder/part-P/unit.parquet``."""
    parts = partition_of(data.column(column).combine_chunks(), partitions)
    for part in range(partitions):
        chosen = data.filter(pa.array(parts == part))
        dataset.write_table(dataset.path(folder, part_name(part), unit + ".parquet"), chosen)


def _finish(dataset: Dataset, stage: str, unit: str, stats: dict[str, Any]) -> dict[str, Any]:
    dataset.mark_done(stage, unit, stats)
    return stats


# --- read ------------------------------------------------------------------------------


def read_task(
    dataset: Dataset, shard: int, files: Sequence[str], options: Options, partitions: int
) -> dict[str, Any]:
    unit = shard_name(shard)
    pages, skips = [], []
    for item in stages.read_pages(files, options):
        if isinstance(item, Skip):
            skips.append(rec.skip_row(item))
        else:
            pages.append(rec.page_row(item))
    dataset.write_table(dataset.path("pages", unit + ".parquet"), rec.table(pages, rec.PAGE_SCHEMA))
    dataset.write_table(
        dataset.path("skipped", "read", unit + ".parquet"), rec.table(skips, rec.SKIP_SCHEMA)
    )
    index = rec.table(
        [{"sha256": p["sha256"], "shard": shard, "row": i} for i, p in enumerate(pages)],
        rec.PAGE_INDEX_SCHEMA,
    )
    write_partitioned(dataset, "page_index", unit, index, "sha256", partitions)
    return _finish(dataset, "read", unit, {"pages": len(pages), "skipped": len(skips)})


def distinct_task(dataset: Dataset, part: int) -> dict[str, Any]:
    """Pages with the same bytes: the first in input order is kept, the others dropped."""
    unit = part_name(part)
    index = dataset.read_folder(dataset.path("page_index", unit), rec.PAGE_INDEX_SCHEMA)
    first: dict[str, tuple[int, int]] = {}
    dupes = []
    ordered = sorted(
        zip(*(index.column(c).to_pylist() for c in ("shard", "row", "sha256")), strict=True)
    )
    for shard, row, sha in ordered:
        if sha in first:
            dupes.append({"sha256": sha, "shard": shard, "row": row})
        else:
            first[sha] = (shard, row)
    dataset.write_table(
        dataset.path("dupes", unit + ".parquet"), rec.table(dupes, rec.PAGE_INDEX_SCHEMA)
    )
    return _finish(dataset, "distinct", unit, {"dupes": len(dupes)})


def _kept_pages(dataset: Dataset, shard: int) -> Iterator[Page]:
    """The pages of a shard in input order, without repeats of earlier pages."""
    dupes = dataset.read_folder(
        dataset.path("dupes"), rec.PAGE_INDEX_SCHEMA, filters=pc.field("shard") == shard
    )
    dropped = set(dupes.column("row").to_pylist())
    path = dataset.path("pages", shard_name(shard) + ".parquet")
    for row, values in enumerate(dataset.iter_batches(path, batch_size=200)):
        if row not in dropped:
            yield rec.row_page(values)


# --- chrome counts ---------------------------------------------------------------------


def keys_task(dataset: Dataset, shard: int, options: Options, partitions: int) -> dict[str, Any]:
    unit = shard_name(shard)
    sites, keys = [], []
    for page in _kept_pages(dataset, shard):
        for key in stages.chrome_keys(page, options.segment):
            sites.append(page.site)
            keys.append(key)
    data = pa.table({"site": pa.array(sites, pa.string()), "key": pa.array(keys, pa.int64())})
    write_partitioned(dataset, "chrome_keys", unit, data, "key", partitions)
    return _finish(dataset, "keys", unit, {"keys": len(keys)})


def counts_task(dataset: Dataset, part: int, options: Options) -> dict[str, Any]:
    unit = part_name(part)
    data = dataset.read_folder(dataset.path("chrome_keys", unit), rec.KEY_SCHEMA)
    counts = stages.count_keys(
        zip(data.column("site").to_pylist(), data.column("key").to_pylist(), strict=True),
        options.segment.chrome_min_pages,
    )
    rows = [{"site": s, "key": k, "pages": n} for (s, k), n in sorted(counts.items())]
    dataset.write_table(
        dataset.path("chrome_counts", unit + ".parquet"), rec.table(rows, rec.COUNT_SCHEMA)
    )
    return _finish(dataset, "counts", unit, {"repeated": len(rows)})


def _site_counts(dataset: Dataset, shard: int, partitions: int) -> dict[str, dict[int, int]]:
    """Pages per (site, key) of the keys on this shard's pages (those `keys_task` wrote)."""
    unit = shard_name(shard) + ".parquet"
    keys = [
        dataset.read_table(dataset.path("chrome_keys", part_name(p), unit), columns=["key"])
        for p in range(partitions)
    ]
    wanted = pc.unique(pa.concat_tables(keys).column("key"))
    found = dataset.read_folder(
        dataset.path("chrome_counts"), rec.COUNT_SCHEMA, filters=pc.field("key").isin(wanted)
    )
    by_site: dict[str, dict[int, int]] = defaultdict(dict)
    for site, key, pages_n in zip(
        *(found.column(c).to_pylist() for c in ("site", "key", "pages")), strict=True
    ):
        by_site[site][key] = pages_n
    return by_site


# --- segment ---------------------------------------------------------------------------


def segment_task(dataset: Dataset, shard: int, options: Options, partitions: int) -> dict[str, Any]:
    unit = shard_name(shard)
    pages = list(_kept_pages(dataset, shard))
    counts = _site_counts(dataset, shard, partitions)
    articles, lines, skips = [], [], []
    results = stages.segment_pages(
        pages, lambda page: counts.get(page.site, {}), options.segment, check_page
    )
    for result in results:
        if isinstance(result, Skip):
            skips.append(rec.skip_row(result))
            continue
        articles.extend(_article_rows(result))
        ids = {article.index: article.id for article in result.articles}
        lines.extend(rec.line_rows(result.page, result.lines, ids))
    dataset.write_table(
        dataset.path("articles", unit + ".parquet"), rec.table(articles, rec.DATASET_ARTICLE_SCHEMA)
    )
    dataset.write_table(
        dataset.path("lines", unit + ".parquet"), rec.table(lines, rec.DATASET_LINE_SCHEMA)
    )
    dataset.write_table(
        dataset.path("skipped", "segment", unit + ".parquet"), rec.table(skips, rec.SKIP_SCHEMA)
    )
    stats = {"pages": len(pages) - len(skips), "articles": len(articles), "skipped": len(skips)}
    return _finish(dataset, "segment", unit, stats)


def _article_rows(segmented: Segmented) -> list[dict[str, Any]]:
    return [rec.article_row(segmented.page, article) for article in segmented.articles]


# --- signatures, candidates, clusters --------------------------------------------------


def signatures_task(
    dataset: Dataset, shard: int, options: Options, partitions: int
) -> dict[str, Any]:
    unit = shard_name(shard)
    rows = dataset.read_table(dataset.path("articles", unit + ".parquet")).to_pylist()
    texts = [
        stages.dedup_text(rec.row_article_texts(r), (shard << 32) | i) for i, r in enumerate(rows)
    ]
    found = stages.sign_texts(texts, options.dedup)
    signed = found.signed
    out = [_signature_row(shard, i, text, signed) for i, text in enumerate(texts)]
    dataset.write_table(
        dataset.path("signatures", unit + ".parquet"), rec.table(out, rec.SIGNATURE_SCHEMA)
    )
    usable = np.flatnonzero(signed.words >= options.dedup.min_words)
    bands = found.bands[usable]
    data = pa.table(
        {
            "key": pa.array(bands.ravel(), pa.int64()),
            "shard": pa.array(np.full(bands.size, shard, np.int32)),
            "row": pa.array(np.repeat(usable, bands.shape[1]).astype(np.int32)),
        }
    )
    write_partitioned(dataset, "bands", unit, data, "key", partitions)
    write_partitioned(
        dataset, "fingerprints", unit, _fingerprints(shard, usable, signed), "fp", partitions
    )
    return _finish(dataset, "signatures", unit, {"articles": len(out), "linkable": len(usable)})


def _signature_row(
    shard: int, index: int, text: stages.Text, signed: stages.Signed
) -> dict[str, Any]:
    copy = text.copy
    return {
        "article": copy.id,
        "shard": shard,
        "row": index,
        "exact": int(signed.exact[index]),
        "words": int(signed.words[index]),
        "copy_words": copy.words,
        "paragraphs": copy.paragraphs,
        "partial": copy.partial,
        "has_title": copy.has_title,
        "has_authors": copy.has_authors,
        "minhash": signed.minhash[index],
        "text": text.text,
    }


def _fingerprints(shard: int, usable: np.ndarray, signed: stages.Signed) -> pa.Table:
    """One posting per (fingerprint, article) of the articles long enough to link."""
    chunks = [np.unique(signed.fingerprint_set(i)) for i in usable.tolist()]
    owners = np.repeat(usable, [len(c) for c in chunks]).astype(np.int32)
    values = np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)
    return pa.table(
        {
            "fp": pa.array(values, pa.uint64()),
            "shard": pa.array(np.full(len(values), shard, np.int32)),
            "row": pa.array(owners, pa.int32()),
        }
    )


def _refs(data: pa.Table) -> np.ndarray:
    shard = data.column("shard").to_numpy().astype(np.int64)
    return (shard << 32) | data.column("row").to_numpy().astype(np.int64)


def candidates_task(dataset: Dataset, part: int, options: Options) -> dict[str, Any]:
    """One partition of the shuffle: articles sharing a band key or a fingerprint."""
    unit = part_name(part)
    limit = options.dedup.max_postings
    bands = dataset.read_folder(dataset.path("bands", unit), rec.BAND_SCHEMA)
    refs = _refs(bands)
    found = [refs[stages.bucket_pairs(bands.column("key").to_numpy(), limit)]]
    postings = dataset.read_folder(dataset.path("fingerprints", unit), rec.FINGERPRINT_SCHEMA)
    owners = _refs(postings)
    order = np.argsort(owners, kind="stable")
    fps = postings.column("fp").to_numpy()[order]
    found.append(stages.posting_pairs(fps, owners[order], limit))
    pairs = np.concatenate([f.reshape(-1, 2) for f in found])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    unique = np.unique(pairs, axis=0) if len(pairs) else np.zeros((0, 2), np.int64)
    data = pa.table(
        {
            "a_shard": pa.array((unique[:, 0] >> 32).astype(np.int32)),
            "a_row": pa.array((unique[:, 0] & 0xFFFFFFFF).astype(np.int32)),
            "b_shard": pa.array((unique[:, 1] >> 32).astype(np.int32)),
            "b_row": pa.array((unique[:, 1] & 0xFFFFFFFF).astype(np.int32)),
        },
        schema=rec.PAIR_SCHEMA,
    )
    dataset.write_table(dataset.path("pairs", unit + ".parquet"), data)
    return _finish(dataset, "candidates", unit, {"pairs": len(unique)})


def ref_partition(refs: np.ndarray, partitions: int) -> np.ndarray:
    """Seeded hash partition of article refs (shard << 32 | row), vectorised."""
    return mix64(refs.astype(np.uint64) ^ np.uint64(PARTITION_SEED)) % np.uint64(partitions)


def check_task(dataset: Dataset, part: int, options: Options, partitions: int) -> dict[str, Any]:
    """Check the candidate pairs of the articles of one hash partition.

    The partition takes every pair with one of its articles on either side (the pairs
    are small, the articles are not); only these pairs' articles are read and signed
    again (full signatures are too big to shuffle), so memory follows one partition's
    share of the candidates. It owns the pairs whose first article is its own: their
    links, with what clustering needs of their articles, go to ``checks/``,
    ``check_texts/``; its articles that are listing pages go to ``listing/``.
    """
    unit = part_name(part)
    pairs = _read_pairs(dataset, dataset.path("pairs"))
    mine = ref_partition(pairs, partitions) == part
    pairs = pairs[mine[:, 0] | mine[:, 1]]
    pairs = np.unique(pairs, axis=0) if len(pairs) else pairs
    refs = np.unique(pairs)
    texts = _candidate_texts(dataset, refs)
    local = ref_partition(refs, partitions) == part
    index = np.searchsorted(refs, pairs)
    owned = local[index[:, 0]]
    result = stages.check_partition(texts, index, owned, local, options.dedup)
    _write_checked(dataset, unit, texts, result)
    stats = {"candidates": int(owned.sum()), "pairs": result.checked.pairs}
    return _finish(dataset, "check", unit, stats)


def _read_pairs(dataset: Dataset, folder: str) -> np.ndarray:
    """The pairs of article refs (shard << 32 | row) of a folder, (n, 2)."""
    pairs = dataset.read_folder(folder, rec.PAIR_SCHEMA)
    columns = [pairs.column(c).to_numpy().astype(np.int64) for c in rec.PAIR_SCHEMA.names]
    return np.stack([(columns[0] << 32) | columns[1], (columns[2] << 32) | columns[3]], axis=1)


def _write_checked(
    dataset: Dataset, unit: str, texts: Sequence[stages.Text], result: stages.CheckedPart
) -> None:
    checked = result.checked
    copies = {t.copy.id: t.copy for t in texts}
    refs = {t.copy.id: t.copy.rank for t in texts}
    partial = {name for link in checked.partial for name in (link.child, link.parent)}
    linked = {name for link in checked.strong for name in (link.article, link.other)}
    rows = [
        rec.check_text_row(copies[name], result.sketches[name] if name in partial else None)
        for name in sorted(partial | linked, key=refs.__getitem__)
    ]
    listing = [{"article": name} for name in sorted(result.listing)]
    for folder, data, schema in (
        ("checks", rec.check_rows([*checked.strong, *checked.partial], refs), rec.CHECK_SCHEMA),
        ("check_texts", rows, rec.CHECK_TEXT_SCHEMA),
        ("listing", listing, rec.LISTING_SCHEMA),
    ):
        dataset.write_table(dataset.path(folder, unit + ".parquet"), rec.table(data, schema))


def clusters_task(dataset: Dataset, options: Options, partitions: int) -> dict[str, Any]:
    """Accept the checked links and union-find them, in one task.

    It reads links, not pairs or signatures: only the texts of partial links come with
    their sketches (to resolve which container keeps them), so memory follows the links.
    """
    links = dataset.read_folder(dataset.path("checks"), rec.CHECK_SCHEMA)
    links = links.sort_by([("a", "ascending"), ("b", "ascending")])
    checked = stages.Checked()
    for row in links.drop_columns(["a", "b"]).to_pylist():
        link = rec.row_checked(row)
        if isinstance(link, Link):
            checked.strong.append(link)
        else:
            checked.partial.append(link)
    marks = [dataset.done("check", part_name(p)) or {} for p in range(partitions)]
    checked.pairs = sum(m.get("pairs", 0) for m in marks)
    copies, found = _checked_texts(dataset)
    listing = dataset.read_folder(dataset.path("listing"), rec.LISTING_SCHEMA)
    clusters = stages.cluster_checked(
        checked, copies, found, set(listing.column("article").to_pylist()), options.dedup
    )
    _write_clusters(dataset, clusters)
    stats = {
        "candidates": sum(m.get("candidates", 0) for m in marks),
        "links": len(clusters.links),
        "clusters": len(clusters.clusters),
        **{k: getattr(clusters.stats, k) for k in ("exact", "near", "contained", "refused")},
    }
    return _finish(dataset, "clusters", "all", stats)


def _checked_texts(
    dataset: Dataset,
) -> tuple[dict[str, stages.Copy], dict[str, stages.Sketch]]:
    """The copies of every text in a checked link, and the sketches of those in partial
    links (a text checked in several partitions is read once)."""
    data = dataset.read_folder(dataset.path("check_texts"), rec.CHECK_TEXT_SCHEMA)
    copies: dict[str, stages.Copy] = {}
    for row in data.select(rec.COPY_COLUMNS).to_pylist():
        if row["id"] not in copies:
            copies[row["id"]] = rec.row_copy(row)
    sketched = data.filter(pc.is_valid(data.column("shingles")))
    found: dict[str, stages.Sketch] = {}
    lists = {name: _lists(sketched.column(name)) for name in SKETCH_LISTS}
    scalars = [sketched.column(name).to_pylist() for name in ("id", "exact", "sketch_words")]
    for i, (name, exact, words) in enumerate(zip(*scalars, strict=True)):
        if name not in found:
            arrays = {key: v[o[i] : o[i + 1]] for key, (v, o) in lists.items()}
            found[name] = stages.Sketch(exact=exact, words=words, **arrays)
    return copies, found


#: The array fields of `dedup.links.Sketch`, stored as list columns.
SKETCH_LISTS = ("minhash", "shingles", "fingerprints", "lead")


def _lists(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The values of a list column, flat, and each row's offsets into them."""
    lists = column.combine_chunks()
    values = pc.list_flatten(lists).to_numpy()
    offsets = np.zeros(len(lists) + 1, np.int64)
    np.cumsum(pc.list_value_length(lists).fill_null(0).to_numpy(), out=offsets[1:])
    return values, offsets


def _candidate_texts(dataset: Dataset, refs: np.ndarray) -> list[stages.Text]:
    """The dedup texts of the given article refs (shard << 32 | row), in ref order."""
    texts: list[stages.Text] = []
    shards = refs >> 32
    for shard in np.unique(shards).tolist():
        rows = (refs[shards == shard] & 0xFFFFFFFF).tolist()
        path = dataset.path("signatures", shard_name(shard) + ".parquet")
        data = dataset.read_table(path, columns=rec.SIGNATURE_TEXT_COLUMNS).take(rows)
        texts.extend(rec.signature_text(row) for row in data.to_pylist())
    return texts


def _write_clusters(dataset: Dataset, found: stages.Clusters) -> None:
    clusters = [{"id": c, "canonical": k, "size": n} for c, k, n in found.clusters]
    members = [
        {
            "article": m.article,
            "cluster": m.cluster,
            "kind": m.kind,
            "score": m.score,
            "matched_with": m.matched_with,
            "canonical": m.canonical,
        }
        for m in found.members
    ]
    for folder, rows, schema in (
        ("clusters", clusters, rec.CLUSTER_SCHEMA),
        ("members", members, rec.MEMBER_SCHEMA),
        ("links", _link_rows(found.links), rec.LINK_SCHEMA),
    ):
        dataset.write_table(dataset.path(folder, folder + ".parquet"), rec.table(rows, schema))


def _link_rows(links: Sequence[Link]) -> list[dict[str, Any]]:
    return [
        {"article": k.article, "other": k.other, "kind": k.kind, "score": k.score, "cover": k.cover}
        for k in links
    ]


# --- enrich ----------------------------------------------------------------------------


def enrich_task(dataset: Dataset, shard: int, options: Options) -> dict[str, Any]:
    from newsmill.enrich.nlp import load_pipeline  # loaded once per worker process

    unit = shard_name(shard)
    nlp = load_pipeline(options.enrich.spacy_model)
    texts = {page.sha256: page.text for page in _kept_pages(dataset, shard)}
    rows = dataset.read_table(dataset.path("articles", unit + ".parquet")).to_pylist()
    articles = [rec.row_article(r, texts[r["page"]["sha256"]]) for r in rows]
    mentions, quotes, figures, enriched = [], [], [], []
    for found in stages.enrich_articles(nlp, articles):
        mentions.extend(rec.mention_rows(found))
        quotes.extend(rec.quote_rows(found))
        figures.extend(rec.figure_rows(found.figures))
        enriched.append({"article": found.article.id, "figures": len(found.figures)})
    for folder, data, schema in (
        ("mentions", mentions, rec.MENTION_SCHEMA),
        ("quotes", quotes, rec.QUOTE_SCHEMA),
        ("figures", figures, rec.FIGURE_SCHEMA),
        ("enriched", enriched, rec.ENRICHED_SCHEMA),
    ):
        dataset.write_table(dataset.path(folder, unit + ".parquet"), rec.table(data, schema))
    stats = {
        "articles": len(articles),
        "mentions": len(mentions),
        "quotes": len(quotes),
        "figures": len(figures),
    }
    return _finish(dataset, "enrich", unit, stats)
