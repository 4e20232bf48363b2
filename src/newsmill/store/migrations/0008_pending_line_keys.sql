-- A pending page keeps the repetition keys of its lines (segment.chrome.LineKeys.pack),
-- made when it was stored, so that segmenting it does not make them again; they are
-- cleared once its segmentation is written. NULL: made again when needed.
ALTER TABLE pages ADD COLUMN line_keys BLOB;
