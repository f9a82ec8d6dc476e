-- Full-text search without a word segmenter: a trigram index (pg_trgm) over each
-- publication's search text answers `LIKE '%市场监督%'` (three characters or
-- more) from the index. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension; where it is not available the search still works, by reading
-- every text.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX publications_search_trgm ON publications USING gin (search_text gin_trgm_ops);
    END IF;
END
$$;

CREATE INDEX reports_year ON reports (year);
