-- Enrichment: canonical entities with their aliases, mentions in page text, quotes, and
-- a marker per enriched article so `newsmill enrich` fills in only what is missing.
-- All start/end offsets are character offsets into pages.text.
CREATE TABLE entities (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL,          -- canonical name: the most frequent full spelling
    type  TEXT NOT NULL,          -- person | organization | place | group
    key   TEXT NOT NULL           -- surname for people, folded canonical name otherwise
);
CREATE INDEX entities_key ON entities(type, key);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,      -- a surface form, with and without titles
    first     TEXT,               -- folded first name, for people written with one
    PRIMARY KEY (entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_alias ON entity_aliases(alias COLLATE NOCASE);

CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  TEXT REFERENCES entities(id) ON DELETE SET NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL,
    type       TEXT NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity_id);

CREATE TABLE quotes (
    id              TEXT PRIMARY KEY,
    article_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    kind            TEXT NOT NULL,    -- direct | indirect | mixed
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    cue             TEXT,
    cue_start       INTEGER,
    cue_end         INTEGER,
    speaker         TEXT,             -- canonical name, or NULL
    speaker_type    TEXT NOT NULL,    -- person|organization|document|group|anonymous|unknown
    speaker_mention TEXT,
    mention_start   INTEGER,
    mention_end     INTEGER,
    entity_id       TEXT REFERENCES entities(id) ON DELETE SET NULL
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_entity ON quotes(entity_id);
CREATE INDEX quotes_speaker ON quotes(speaker COLLATE NOCASE);

CREATE TABLE enriched (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    model      TEXT NOT NULL,         -- the spaCy pipeline that produced it
    mentions   INTEGER NOT NULL,
    quotes     INTEGER NOT NULL,
    figures    INTEGER NOT NULL DEFAULT 0,
    at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;
