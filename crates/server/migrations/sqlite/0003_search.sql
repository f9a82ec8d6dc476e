-- Full-text search without a word segmenter: an FTS5 table with the trigram
-- tokenizer over each publication's search text, so that `LIKE '%市场监督%'`
-- (three characters or more) is answered from the index instead of reading
-- every text. Kept in step with publications by a trigger (publications are
-- only ever inserted); rows already there are copied once.
CREATE VIRTUAL TABLE publication_search USING fts5(search_text, tokenize = 'trigram');
INSERT INTO publication_search (rowid, search_text) SELECT id, search_text FROM publications;
CREATE TRIGGER publication_search_insert AFTER INSERT ON publications BEGIN
    INSERT INTO publication_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- Queries of one or two characters (教育, 卫生 — the commonest Chinese searches)
-- have no trigram: a second FTS5 table holds each text's character pairs
-- (`教育局` as `教育 育局`), written by the server (src/search.rs) when it
-- publishes, and filled at start for publications that have none.
CREATE VIRTUAL TABLE publication_pairs USING fts5(pairs, tokenize = 'unicode61 remove_diacritics 0');

CREATE INDEX reports_year ON reports (year);
