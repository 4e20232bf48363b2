-- Duplicate detection: signatures and look-up keys per article, and clusters of copies.

-- One row per signed article. minhash is num_perm little-endian uint32; exact is the
-- xxh64 of the normalised word sequence (as a signed 64-bit integer, 0 = no words).
CREATE TABLE dedup_signatures (
    article_id   TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    article      INTEGER NOT NULL,            -- articles.rowid, the key the look-up tables use
    exact        INTEGER NOT NULL,
    words        INTEGER NOT NULL,
    shingles     INTEGER NOT NULL,            -- distinct shingles
    fingerprints INTEGER NOT NULL,            -- distinct winnowed fingerprints
    minhash      BLOB NOT NULL,
    params       TEXT NOT NULL                -- num_perm/shingle_words/seed the row was made with
) WITHOUT ROWID;
CREATE INDEX dedup_signatures_exact ON dedup_signatures(exact);
CREATE UNIQUE INDEX dedup_signatures_article ON dedup_signatures(article);

-- LSH band keys (band number folded into the key): articles sharing a key are candidates.
CREATE TABLE dedup_bands (
    key     INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;

-- Winnowed shingle fingerprints: candidates for partial copies (teasers, embedded texts).
CREATE TABLE dedup_fingerprints (
    fp      INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (fp, article)
) WITHOUT ROWID;

CREATE TABLE clusters (
    id        TEXT PRIMARY KEY,              -- id of the cluster's first article
    canonical TEXT NOT NULL,                 -- article id of the most complete copy
    size      INTEGER NOT NULL,
    dirty     INTEGER NOT NULL DEFAULT 0,  -- a member was deleted: recomputed on next update
    updated   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;
CREATE INDEX clusters_dirty ON clusters(dirty) WHERE dirty = 1;

-- Every signed article is a member of exactly one cluster (a singleton if it has no copy).
-- kind says why it is there, seen from the canonical member along accepted links:
-- canonical, exact, near (score = estimated Jaccard), contained (its text is a part of
-- matched_with; score = share of its shingles found there), contains (it holds
-- matched_with's text, e.g. a page the article is embedded in; score = share of
-- matched_with's shingles found in it).
CREATE TABLE cluster_members (
    article_id   TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    cluster_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    score        REAL,
    matched_with TEXT,
    canonical    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);
-- Re-segmenting a page deletes its articles (and, by cascade, their memberships): the
-- clusters they were in are repaired (split or re-canonicalised) by the next update.
CREATE TRIGGER cluster_members_ad AFTER DELETE ON cluster_members BEGIN
    UPDATE clusters SET dirty = 1 WHERE id = old.cluster_id;
END;

-- Accepted links between copies. For kind 'contained', article_id is the partial copy and
-- other_id its container (each partial copy has one container story); score as above,
-- cover = share of the container's shingles the partial copy covers.
CREATE TABLE dedup_links (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    other_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    score      REAL NOT NULL,
    cover      REAL,
    PRIMARY KEY (article_id, other_id)
) WITHOUT ROWID;
CREATE INDEX dedup_links_other ON dedup_links(other_id);

-- One row per article with its cluster; articles not clustered yet stand alone.
-- `articles`/`search` keep one row per cluster with `WHERE canonical = 1`.
CREATE VIEW article_clusters AS
SELECT a.id AS article_id,
       COALESCE(m.cluster_id, a.id) AS cluster,
       COALESCE(m.canonical, 1) AS canonical,
       COALESCE(m.kind, 'first') AS kind,
       m.score AS score,
       m.matched_with AS matched_with
FROM articles a LEFT JOIN cluster_members m ON m.article_id = a.id;
