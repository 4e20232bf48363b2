-- Core tables: pages, their lines with roles, articles and their parts, full-text index.
CREATE TABLE pages (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    url         TEXT,
    site        TEXT NOT NULL,
    captured_at TEXT,
    kind        TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    lossy       INTEGER NOT NULL DEFAULT 0,
    record_id   TEXT,
    text        TEXT NOT NULL,
    n_lines     INTEGER NOT NULL,
    html_meta   TEXT,            -- JSON of HtmlMeta, when the page came from HTML
    segmented   INTEGER NOT NULL DEFAULT 0,  -- 0: stored, segmentation pending
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX pages_site ON pages(site);
CREATE INDEX pages_pending ON pages(segmented) WHERE segmented = 0;

CREATE TABLE lines (
    page_id    INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    line       INTEGER NOT NULL,      -- 1-based
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    role       TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    article_id TEXT,
    PRIMARY KEY (page_id, line)
) WITHOUT ROWID;
CREATE INDEX lines_article ON lines(article_id);

CREATE TABLE articles (
    rowid       INTEGER PRIMARY KEY,  -- FTS content rowid
    id          TEXT NOT NULL UNIQUE,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    title       TEXT,
    dek         TEXT,
    section     TEXT,
    authors     TEXT NOT NULL DEFAULT '[]',   -- JSON list of names
    bio         TEXT,
    published   TEXT,
    partial     INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL,
    words       INTEGER NOT NULL,
    first_line  INTEGER NOT NULL,
    last_line   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL
);
CREATE INDEX articles_page ON articles(page_id);

CREATE TABLE article_authors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name       TEXT NOT NULL
);
CREATE INDEX article_authors_name ON article_authors(name);
CREATE INDEX article_authors_article ON article_authors(article_id);

CREATE TABLE parts (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    role       TEXT NOT NULL,
    first_line INTEGER NOT NULL,
    last_line  INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
) WITHOUT ROWID;

-- Short lines seen per site, for learning site chrome across pages.
CREATE TABLE site_lines (
    site  TEXT NOT NULL,
    hash  INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;

-- Input that produced no page, and why.
CREATE TABLE skipped (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    reason  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE runs (
    id       INTEGER PRIMARY KEY,
    command  TEXT NOT NULL,
    started  TEXT NOT NULL,
    finished TEXT,
    stats    TEXT NOT NULL DEFAULT '{}'
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, dek, body,
    content='articles', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, dek, body) VALUES (new.rowid, new.title, new.dek, new.body);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, dek, body)
    VALUES ('delete', old.rowid, old.title, old.dek, old.body);
END;
