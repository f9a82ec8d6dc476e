-- Full-text search without a word segmenter: a trigram index (pg_trgm) over each
-- publication's search text answers `LIKE '%市场监督%'` (three characters or
-- more) from the index. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension; where it is not available, or the role may not create it, the
-- search still works, by reading every text, and the server starts all the same.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX publications_search_trgm ON publications USING gin (search_text gin_trgm_ops);
        EXCEPTION WHEN insufficient_privilege OR feature_not_supported THEN
            RAISE NOTICE 'pg_trgm not created (%): search reads every text', SQLERRM;
        END;
    END IF;
END
$$;

CREATE INDEX reports_year ON reports (year);
