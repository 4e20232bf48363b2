-- FTS5 merges index segments once `automerge` of them (default 4) share a level. Ingest
-- writes a segment at every commit and each full pending-terms buffer, and on a store
-- of 50,000 pages the merges made the index cost twice as much per article as on a new
-- store. At 8, each term's postings are merged about half as often; a query reads at
-- most 7 segments per level instead of 3, and the index has fewer levels.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
