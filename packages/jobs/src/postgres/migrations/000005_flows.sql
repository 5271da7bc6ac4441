-- 000005: flows (docs/jobs/flows.md) — a job's durable steps, groups of jobs (a parent's children, a
-- batch) with their remaining count, and one row per counted member end so each is counted once.
-- Runs with search_path set to the store's schema, like the others.

CREATE TABLE job_steps (
  job_id text NOT NULL,
  name text NOT NULL,
  seq bigserial NOT NULL,
  result jsonb NOT NULL,
  started_at bigint NOT NULL,
  finished_at bigint NOT NULL,
  PRIMARY KEY (job_id, name)
);

CREATE TABLE job_groups (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  parent_job_id text,
  total integer NOT NULL,
  remaining integer NOT NULL,
  on_complete jsonb,
  done boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);
CREATE INDEX job_groups_parent ON job_groups (parent_job_id) WHERE parent_job_id IS NOT NULL;
CREATE INDEX job_groups_open ON job_groups (created_at, id) WHERE NOT done;

CREATE TABLE job_group_ends (
  group_id text NOT NULL,
  idx integer NOT NULL,
  PRIMARY KEY (group_id, idx)
);
