-- FTS5 merges index segments once `automerge` of them (default 4) share a level. Ingest
-- writes a segment at every commit and each full pending-terms buffer, and on a store
-- of 50,000 pages the merges made the index cost twice as much per article as on a new
-- store. A posting is rewritten once per level it climbs; at 8 there are about two
-- thirds as many levels (log 8 against log 4 of the segments written). A query may read
-- up to 7 segments per level instead of 3: search time was the same on 20,000 pages.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
