-- 000001: the jobs table. Runs with search_path set to the store's schema.
-- Append-only: a released migration is never edited; a schema change is a new file.
--
-- Times are epoch milliseconds (bigint) from the engine's injected clock, never now(): the store
-- reads no clock of its own, so leases, retries and retention are testable in fake time.
CREATE TABLE jobs (
  id text COLLATE "C" PRIMARY KEY, -- byte order, so list paging agrees with the other stores
  -- Place in line among jobs due at the same run_at (ids are random); renewed on every return to pending.
  seq bigserial NOT NULL,
  tenant_id text NOT NULL,
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'complete', 'failed', 'cancelled')),
  progress real NOT NULL DEFAULT 0,
  message text,
  input jsonb NOT NULL,
  result jsonb,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  run_at bigint NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  idempotency_key text,
  dedupe_key text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  expires_at bigint
) WITH (fillfactor = 80); -- room on each page so progress writes can be HOT updates

-- Claim reads pending jobs by run_at; a partial index stays small once jobs finish.
CREATE INDEX jobs_pending_run_at ON jobs (run_at, seq) WHERE status = 'pending';
-- reclaimExpiredLeases reads running jobs by lease expiry; the sweeper terminal jobs by expires_at.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_expires_at ON jobs (expires_at) WHERE expires_at IS NOT NULL;
-- list pages newest first per tenant; counts group one tenant's jobs by status and type.
CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_tenant_status ON jobs (tenant_id, status, type);
-- The database itself refuses a second job under one key, across processes and transactions:
-- idempotency keys are unique per tenant for the job's life, dedupe keys only among live jobs.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (tenant_id, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running');
