-- 000003: what operators and metrics read — a job's trace context and the paused job types.
-- Runs with search_path set to the store's schema, like the others.

-- The W3C trace context of the enqueue that created the job (stored as given; null without tracing).
ALTER TABLE jobs ADD COLUMN trace_context text;

-- Job types whose processing is paused for every worker of every process (workers re-read it about
-- once a second). A row per paused type; resuming deletes it.
CREATE TABLE paused_types (
  type text COLLATE "C" PRIMARY KEY, -- byte order, so pausedTypes agrees with the other stores
  paused_at bigint NOT NULL
);
