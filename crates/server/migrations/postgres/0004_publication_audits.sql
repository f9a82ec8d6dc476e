-- What the audit (juesuan audit: poppler's text of the PDF, every table and
-- claim checked as for a report nobody here made) finds in each publication's
-- PDF, taken once when it is published. `errors` and `warnings` are NULL when
-- the PDF could not be audited (`note` says why, e.g. poppler not installed);
-- `findings` is a JSON list of the errors and warnings, each with its rule,
-- severity, place and message. The bureau's 预警 page lists the publications
-- whose PDF the audit finds errors in.
CREATE TABLE publication_audits (
    publication_id BIGINT PRIMARY KEY REFERENCES publications(id),
    errors BIGINT,
    warnings BIGINT,
    findings TEXT NOT NULL,
    note TEXT
);
