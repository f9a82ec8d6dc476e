-- A unit (单位) that submits its own report is a department row whose
-- parent_id is the department it belongs to (one level: a parent has none).
-- Its reports follow the same workflow; the department's upload is checked
-- against the sum of its units' submitted reports (rule XU-SUM), and the
-- comparison tables count departments only.
ALTER TABLE departments ADD COLUMN parent_id BIGINT REFERENCES departments(id);
CREATE INDEX departments_parent ON departments(parent_id);
