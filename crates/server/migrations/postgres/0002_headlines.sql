-- Each publication's headline figures (JSON of juesuan_engine::city::Headline:
-- exact fen and counts by measure, project count, grades), taken once when it is
-- published, for the tables that compare departments and years. A table of its
-- own, not a column of publications: reading it for a thousand departments must
-- not walk past each publication's long search text. A publication made before
-- this table existed has no row: it is left out of those tables (and says so)
-- until it is published again.
CREATE TABLE publication_headlines (
    publication_id BIGINT PRIMARY KEY REFERENCES publications(id),
    headline TEXT NOT NULL
);
