-- Articles enter the full-text index from store.write, by a statement of their own.
-- Through an AFTER INSERT trigger each article insert ran with a statement savepoint, and
-- FTS5 writes out its pending terms at every savepoint: one small index segment per
-- article, merged again and again, three times the cost of the index itself.
-- The delete trigger stays (deletes are rare: re-segmenting a page).
DROP TRIGGER articles_ai;
