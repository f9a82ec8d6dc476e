-- Each publication's headline figures (JSON of juesuan_engine::city::Headline:
-- exact fen and counts by measure, project count, grades), taken once when it is
-- published, for the tables that compare departments and years. '{}' for a
-- publication made before this column existed (shown as not available).
ALTER TABLE publications ADD COLUMN headline TEXT NOT NULL DEFAULT '{}';
