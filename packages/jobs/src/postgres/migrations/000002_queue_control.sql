-- 000002: queue control — priorities, fair share across tenants, concurrency keys, rate limits and
-- cron schedules (issue 10). Runs with search_path set to the store's schema, like 000001.
--
-- Existing rows: priority 0, no keys, and no fair_round: a pending job without a round is placed in
-- line by the next claims as if it had just come due (placeDueStatement in statements/rounds.ts), oldest first,
-- so an upgrade with a backlog needs nothing done by hand.
ALTER TABLE jobs
  ADD COLUMN priority integer NOT NULL DEFAULT 0, -- constant default: no table rewrite
  ADD COLUMN concurrency_key text,
  ADD COLUMN rate_key text,
  -- The job's place in its priority band, set once it is due (NULL while it waits for its run_at):
  -- fairness "tenant": its round in start-time fair queuing (statements/rounds.ts); "fifo": its run_at.
  ADD COLUMN fair_round bigint;

-- THE claim index. A claim is an ordered scan of it from the front, as cheap as the FIFO scan it
-- replaces (jobs_pending_run_at): O(log n + limit), no write at claim time for fairness. Only due
-- jobs are in it (fair_round is set when a job comes due), so delayed jobs and retries never sit at
-- its front for every claim to step over; they wait in jobs_delayed.
CREATE INDEX jobs_line ON jobs (priority DESC, fair_round, seq)
  WHERE status = 'pending' AND fair_round IS NOT NULL;
DROP INDEX jobs_pending_run_at;
-- Pending jobs not yet in line, by the time they come due: the claim probes its front (an empty
-- range scan when nothing came due, which is the common case).
CREATE INDEX jobs_delayed ON jobs (run_at, seq) WHERE status = 'pending' AND fair_round IS NULL;
-- A tenant's last pending round in a band (rounds.ts): one backward step of this index.
CREATE INDEX jobs_tenant_line ON jobs (tenant_id, priority, fair_round)
  WHERE status = 'pending' AND fair_round IS NOT NULL;
-- Running jobs per (type, concurrency key), counted by a limited claim. Jobs without a key are not
-- in it, so claims and completions of keyless jobs pay nothing for it.
CREATE INDEX jobs_running_key ON jobs (type, concurrency_key)
  WHERE status = 'running' AND concurrency_key IS NOT NULL;

-- The store's fairness, recorded by init() so that enqueueInTransaction (which has no store at hand)
-- places jobs the way this schema's claims order them. One row.
CREATE TABLE settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  fairness text NOT NULL CHECK (fairness IN ('tenant', 'fifo'))
);

-- Rate buckets, one row per (type, rate key): the time a RetryAfterError blocked it until, and the
-- start times of the jobs a limited claim started — a sliding log, newest first, pruned on every
-- write to the starts still inside the window and at most `max` of them (that is all a check of
-- "fewer than max starts in (now - perMs, now]" needs, so a row never grows past the limit).
CREATE TABLE rate_buckets (
  type text NOT NULL,
  key text NOT NULL,
  blocked_until bigint,
  starts bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (type, key)
);

-- Cron schedules, shared by every process; the engine computes fire times, the store keeps the last.
CREATE TABLE schedules (
  name text COLLATE "C" PRIMARY KEY, -- byte order, so listSchedules agrees with the other stores
  task text NOT NULL,
  cron text NOT NULL,
  timezone text,
  input jsonb NOT NULL,
  tenant_id text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  last_fire_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

-- How a job gets its fair_round (start-time fair queuing for "tenant", the run_at for "fifo") is
-- written beside the statements that give it: statements/rounds.ts.

-- The advisory lock id of a limit bucket: 0x4c464c4b ("LFLK") in the high half keeps these ids away
-- from an application's own locks, the schema in the hash keeps two stores' buckets apart.
CREATE FUNCTION bucket_lock(p_bucket text) RETURNS bigint
LANGUAGE sql STABLE
RETURN (1279675467::bigint << 32) | (hashtext(current_schema() || p_bucket)::bigint & 4294967295);

-- The limited claim: the claim of a worker whose request has limits for some of its types (the
-- claim statement without limits stays the plain ordered scan). One call, one transaction, decided
-- in the database: no worker reads counts and then writes.
--
-- It walks the line in claim order in batches (rows locked FOR UPDATE SKIP LOCKED, like any claim)
-- and takes each job whose buckets have room, counting what it takes:
-- - concurrency bucket (type, concurrency_key): limit - running jobs of the bucket (status running,
--   lease expired or not, until reclaimed; jobs_running_key);
-- - rate bucket (type, rate_key): 0 while blocked_until > now, else max - starts in the window.
-- A job over a limit is left as it is (pending, its attempt unused). Its bucket is then full for
-- the rest of the claim, and the next batches leave the bucket's jobs out of the scan (a filter), so
-- a saturated key with a long backlog never fills a batch and never holds back other keys' jobs.
-- Bounded: at most 8 batches of 4 × (jobs still wanted) + 16 rows are locked and looked at. What the
-- filter costs is the index entries of full buckets it steps over inside pg (a few µs each: 10,000
-- jobs of one full key ahead in line cost a limited claim 15–30 ms here); jobs of a full key are not
-- moved out of the line (as the Redis store parks them), which would take a write per job twice.
-- The scan, the counts and the bucket rows: jobs_line, jobs_running_key and rate_buckets' key, each
-- an index descent per batch or bucket.
--
-- Serialising the counts: SKIP LOCKED keeps two claimers off the same job, not off the same key
-- (each could see 2 of 3 running and take one: 4). So before counting a bucket the claim takes a
-- transaction-scoped advisory lock on it, and counts in the next statement (a plpgsql statement
-- takes a fresh snapshot, so it sees the jobs the previous holder started and committed). The first
-- batch's buckets are locked in one statement in lock-id order and waited for; buckets first met in
-- a later batch are only tried (pg_try_advisory_xact_lock) and, when another claimer holds one,
-- count as full for this claim. A claimer thus waits only for locks taken in one ascending pass
-- before it held any other, so no two claimers wait on each other in a cycle. Claims of keyless
-- jobs or of requests without limits take no lock at all.
CREATE FUNCTION claim_limited(
  p_now bigint, p_types text[], p_limit integer, p_worker text, p_lease_ms bigint,
  p_limited text[], p_concurrency integer[], p_rate_max integer[], p_rate_per bigint[]
) RETURNS SETOF jobs
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  -- Buckets met so far: 'c' or 'r', then length-prefixed type, then key (unambiguous), and room left.
  buckets text[] := '{}';
  room integer[] := '{}';
  -- Per rate bucket met: its type, key, window and max, and how many this claim started.
  rate_buckets_met text[] := '{}';
  rate_types text[] := '{}';
  rate_keys text[] := '{}';
  rate_pers bigint[] := '{}';
  rate_maxes integer[] := '{}';
  rate_started integer[] := '{}';
  -- Full buckets, left out of the next batches' scan.
  full_buckets text[] := '{}';
  taken text[] := '{}';
  batch_ids text[];
  batch_types text[];
  batch_ckeys text[];
  batch_rkeys text[];
  fresh text[];
  fresh_locks bigint[];
  wanted integer;
  got integer;
  i integer;
  k integer;
  slot integer;
  c_bucket text;
  r_bucket text;
  c_slot integer;
  r_slot integer;
  take text[];
  n_bucket bigint;
  blocked bigint;
  recent bigint[];
BEGIN
  -- A due job without a place in line might outrank the line: take nothing, the store places it
  -- and claims again (as with the plain claim statement).
  -- (The first unplaced job by run_at, compared after: one step of jobs_delayed whatever the planner
  -- guesses of how many delayed jobs are due.)
  IF (SELECT run_at FROM jobs WHERE status = 'pending' AND fair_round IS NULL ORDER BY run_at, seq LIMIT 1)
     <= p_now THEN
    RETURN;
  END IF;
  FOR pass IN 1..8 LOOP
    wanted := p_limit - coalesce(array_length(taken, 1), 0);
    EXIT WHEN wanted <= 0;
    SELECT array_agg(c.id ORDER BY c.priority DESC, c.fair_round, c.seq),
           array_agg(c.type ORDER BY c.priority DESC, c.fair_round, c.seq),
           array_agg(c.concurrency_key ORDER BY c.priority DESC, c.fair_round, c.seq),
           array_agg(c.rate_key ORDER BY c.priority DESC, c.fair_round, c.seq)
      INTO batch_ids, batch_types, batch_ckeys, batch_rkeys
    FROM (
      SELECT j.id, j.type, j.priority, j.fair_round, j.seq,
        CASE WHEN p_concurrency[array_position(p_limited, j.type)] IS NULL THEN NULL ELSE j.concurrency_key END
          AS concurrency_key,
        CASE WHEN p_rate_max[array_position(p_limited, j.type)] IS NULL THEN NULL ELSE j.rate_key END AS rate_key
      FROM jobs j
      WHERE j.status = 'pending' AND j.fair_round IS NOT NULL AND j.run_at <= p_now AND j.type = ANY(p_types)
        AND (j.concurrency_key IS NULL
          OR ('c' || length(j.type) || ':' || j.type || j.concurrency_key) <> ALL(full_buckets))
        AND (j.rate_key IS NULL OR ('r' || length(j.type) || ':' || j.type || j.rate_key) <> ALL(full_buckets))
      ORDER BY j.priority DESC, j.fair_round, j.seq
      LIMIT wanted * 4 + 16
      FOR UPDATE OF j SKIP LOCKED
    ) c;
    got := coalesce(array_length(batch_ids, 1), 0);
    EXIT WHEN got = 0;

    -- The buckets this batch meets for the first time: lock them, then count them.
    fresh := '{}';
    FOR i IN 1..got LOOP
      IF batch_ckeys[i] IS NOT NULL THEN
        c_bucket := 'c' || length(batch_types[i]) || ':' || batch_types[i] || batch_ckeys[i];
        IF NOT c_bucket = ANY(buckets) AND NOT c_bucket = ANY(fresh) THEN fresh := fresh || c_bucket; END IF;
      END IF;
      IF batch_rkeys[i] IS NOT NULL THEN
        r_bucket := 'r' || length(batch_types[i]) || ':' || batch_types[i] || batch_rkeys[i];
        IF NOT r_bucket = ANY(buckets) AND NOT r_bucket = ANY(fresh) THEN fresh := fresh || r_bucket; END IF;
      END IF;
    END LOOP;
    IF array_length(fresh, 1) > 0 THEN
      SELECT array_agg(DISTINCT bucket_lock(b)) INTO fresh_locks FROM unnest(fresh) AS b;
      IF pass = 1 THEN
        PERFORM pg_advisory_xact_lock(l) FROM unnest(fresh_locks) AS l ORDER BY l;
      END IF;
      FOREACH c_bucket IN ARRAY fresh LOOP
        n_bucket := bucket_lock(c_bucket);
        IF pass > 1 AND NOT pg_try_advisory_xact_lock(n_bucket) THEN
          buckets := buckets || c_bucket;
          room := room || 0;
          CONTINUE;
        END IF;
        -- Find the bucket's type and key again from a job of the batch that has it.
        FOR i IN 1..got LOOP
          IF left(c_bucket, 1) = 'c' AND batch_ckeys[i] IS NOT NULL
             AND c_bucket = 'c' || length(batch_types[i]) || ':' || batch_types[i] || batch_ckeys[i] THEN
            k := array_position(p_limited, batch_types[i]);
            SELECT p_concurrency[k] - count(*) INTO slot FROM jobs j
            WHERE j.status = 'running' AND j.type = batch_types[i] AND j.concurrency_key = batch_ckeys[i];
            EXIT;
          ELSIF left(c_bucket, 1) = 'r' AND batch_rkeys[i] IS NOT NULL
             AND c_bucket = 'r' || length(batch_types[i]) || ':' || batch_types[i] || batch_rkeys[i] THEN
            k := array_position(p_limited, batch_types[i]);
            blocked := NULL;
            recent := '{}';
            SELECT b.blocked_until, b.starts INTO blocked, recent FROM rate_buckets b
            WHERE b.type = batch_types[i] AND b.key = batch_rkeys[i];
            IF blocked IS NOT NULL AND blocked > p_now THEN
              slot := 0;
            ELSE
              SELECT p_rate_max[k] - count(*) INTO slot FROM unnest(recent) AS s WHERE s > p_now - p_rate_per[k];
            END IF;
            rate_buckets_met := rate_buckets_met || c_bucket;
            rate_types := rate_types || batch_types[i];
            rate_keys := rate_keys || batch_rkeys[i];
            rate_pers := rate_pers || p_rate_per[k];
            rate_maxes := rate_maxes || p_rate_max[k];
            rate_started := rate_started || 0;
            EXIT;
          END IF;
        END LOOP;
        buckets := buckets || c_bucket;
        room := room || slot;
      END LOOP;
    END IF;

    -- Walk the batch in claim order.
    take := '{}';
    FOR i IN 1..got LOOP
      EXIT WHEN coalesce(array_length(taken, 1), 0) + coalesce(array_length(take, 1), 0) >= p_limit;
      c_slot := NULL;
      r_slot := NULL;
      IF batch_ckeys[i] IS NOT NULL THEN
        c_slot := array_position(buckets, 'c' || length(batch_types[i]) || ':' || batch_types[i] || batch_ckeys[i]);
      END IF;
      IF batch_rkeys[i] IS NOT NULL THEN
        r_slot := array_position(buckets, 'r' || length(batch_types[i]) || ':' || batch_types[i] || batch_rkeys[i]);
      END IF;
      IF (c_slot IS NULL OR room[c_slot] > 0) AND (r_slot IS NULL OR room[r_slot] > 0) THEN
        take := take || batch_ids[i];
        IF c_slot IS NOT NULL THEN room[c_slot] := room[c_slot] - 1; END IF;
        IF r_slot IS NOT NULL THEN
          room[r_slot] := room[r_slot] - 1;
          k := array_position(rate_buckets_met, buckets[r_slot]);
          rate_started[k] := rate_started[k] + 1;
        END IF;
      END IF;
      -- A bucket with no room left is full for the rest of this claim.
      IF c_slot IS NOT NULL AND room[c_slot] <= 0 AND NOT buckets[c_slot] = ANY(full_buckets) THEN
        full_buckets := full_buckets || buckets[c_slot];
      END IF;
      IF r_slot IS NOT NULL AND room[r_slot] <= 0 AND NOT buckets[r_slot] = ANY(full_buckets) THEN
        full_buckets := full_buckets || buckets[r_slot];
      END IF;
    END LOOP;

    IF array_length(take, 1) > 0 THEN
      UPDATE jobs j
      SET status = 'running', attempts = j.attempts + 1, lease_owner = p_worker,
        lease_expires_at = p_now + p_lease_ms, started_at = p_now, updated_at = p_now, progress = 0
      WHERE j.id = ANY(take);
      taken := taken || take;
    END IF;
    -- The scan ran out: nothing further down the line.
    EXIT WHEN got < wanted * 4 + 16;
  END LOOP;

  -- Record the starts: the bucket's log keeps only the starts still in the window, at most max.
  FOR k IN 1..coalesce(array_length(rate_buckets_met, 1), 0) LOOP
    CONTINUE WHEN rate_started[k] = 0;
    INSERT INTO rate_buckets AS b (type, key, starts)
    VALUES (rate_types[k], rate_keys[k], array_fill(p_now, ARRAY[rate_started[k]]))
    ON CONFLICT (type, key) DO UPDATE SET starts = ARRAY(
      SELECT s FROM unnest(b.starts || EXCLUDED.starts) AS s
      WHERE s > p_now - rate_pers[k]
      ORDER BY s DESC
      LIMIT rate_maxes[k]
    );
  END LOOP;

  RETURN QUERY SELECT j.* FROM unnest(taken) WITH ORDINALITY AS t(id, ord) JOIN jobs j ON j.id = t.id
    ORDER BY t.ord;
END;
$$;
