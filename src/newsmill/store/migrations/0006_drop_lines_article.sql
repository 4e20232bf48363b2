-- No query looks lines up by article (they are read by page, in line order), and the
-- index cost a random insert per line: dropped.
DROP INDEX lines_article;
