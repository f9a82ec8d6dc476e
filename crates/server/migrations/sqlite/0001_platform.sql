-- The platform's schema (SQLite). migrations/postgres/ holds the same tables in
-- PostgreSQL's types; the queries in src/ are shared. Times are Unix seconds
-- (BIGINT), dates 'YYYY-MM-DD' text, money never stored here (it lives in the
-- versions' files, read by the engine).

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A year the bureau collects, with its report template.
CREATE TABLE years (
    year BIGINT PRIMARY KEY,
    profile TEXT NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Units (单位) under a department; the department's report covers them.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (department_id, code)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- admin (财政局管理员), reviewer (财政审核), preparer (部门填报)
    role TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    password_hash TEXT NOT NULL,
    must_change BIGINT NOT NULL DEFAULT 1,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Sessions: the cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- One department's report for one year: its workflow state.
-- state: open (no version yet), draft, submitted, returned, approved, published
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    year BIGINT NOT NULL REFERENCES years(year),
    approval_date TEXT,
    deadline TEXT,
    state TEXT NOT NULL,
    latest_version BIGINT NOT NULL DEFAULT 0,
    submitted_version BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (department_id, year)
);

-- Every upload that could be read: immutable. The upload itself, the HTML
-- preview and the findings are in the content-addressed store (sha256 hex).
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id),
    number BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    upload_sha TEXT NOT NULL,
    upload_size BIGINT NOT NULL,
    html_sha TEXT NOT NULL,
    findings_sha TEXT NOT NULL,
    snapshot_sha TEXT NOT NULL,
    pdf_sha TEXT,
    errors BIGINT NOT NULL,
    warnings BIGINT NOT NULL,
    infos BIGINT NOT NULL,
    department_name TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at BIGINT NOT NULL,
    correction_note TEXT,
    UNIQUE (report_id, number)
);

-- The preparer's explanation of a warning it keeps, by the finding's index.
CREATE TABLE explanations (
    version_id BIGINT NOT NULL REFERENCES versions(id),
    finding INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version_id, finding)
);

-- A reviewer's comment, tied to a cell (公开01表!B7) or a section (情况说明 三).
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES versions(id),
    anchor TEXT NOT NULL,
    text TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);

-- Publications: immutable once inserted; a correction is a new row.
CREATE TABLE publications (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id),
    version_id BIGINT NOT NULL UNIQUE REFERENCES versions(id),
    number BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    correction_note TEXT,
    search_text TEXT NOT NULL,
    UNIQUE (report_id, number)
);

CREATE TABLE publication_files (
    publication_id BIGINT NOT NULL REFERENCES publications(id),
    name TEXT NOT NULL,
    sha TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (publication_id, name)
);

-- Long work: PDF builds, publications, bulk imports. state: queued, running,
-- done, failed. A running job holds a lease (lease_until); a worker that dies
-- leaves it to expire, and the next worker takes the job again.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target BIGINT NOT NULL,
    state TEXT NOT NULL,
    progress BIGINT NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_waiting ON jobs (state, id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL
);
