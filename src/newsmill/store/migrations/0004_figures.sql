-- Figures: numbers an article reports, with what they measure, who measured them and when.
-- Offsets are into the page text (pages.text), like every other span in the store.
CREATE TABLE figures (
    id         TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,          -- order of the figure in its article
    value      REAL NOT NULL,             -- for a range, its first end as written
    unit       TEXT,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    measure    TEXT,
    source     TEXT,
    period     TEXT,
    sentence   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX figures_source ON figures(source COLLATE NOCASE);
CREATE INDEX figures_article ON figures(article_id, seq);
