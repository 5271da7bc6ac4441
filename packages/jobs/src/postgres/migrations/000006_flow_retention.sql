-- 000006: flow records removed with their jobs (docs/jobs/flows.md "Retention"). Every statement that
-- deletes jobs (queue.delete, the retention sweep) also deletes, in the same statement, the deleted
-- jobs' steps, the groups they are the parent of with their counted ends, and each batch whose
-- members and completion job are now all gone (a member's or completion's idempotency key names its
-- batch: flow:<batch id>:<index | complete>; a batch still waiting for its completion job to be
-- enqueued stays, for the sweep to finish). One statement-level trigger over the deleted rows: a sweep
-- of thousands of jobs costs a few set-based deletes, not one round trip per job.
-- Runs with search_path set to the store's schema, like the others.

CREATE FUNCTION flow_retention() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM job_steps s USING gone WHERE s.job_id = gone.id;
  -- The batches first locked, in id order: of two transactions deleting a batch's last members at
  -- once, the second waits here, and its check below (a statement of its own, so a fresh snapshot)
  -- then sees the first one's deletes, instead of each seeing the other's member and both keeping it.
  PERFORM 1 FROM job_groups g
  WHERE g.id IN (
      SELECT substring(gone.idempotency_key FROM '^flow:(bat_[A-Za-z0-9_-]+):') FROM gone
      WHERE gone.idempotency_key LIKE 'flow:bat%'
    )
    AND g.parent_job_id IS NULL
  ORDER BY g.id
  FOR UPDATE;
  WITH children AS (
    DELETE FROM job_groups g USING gone WHERE g.parent_job_id = gone.id RETURNING g.id
  ), batches AS (
    DELETE FROM job_groups g
    WHERE g.id IN (
        SELECT substring(gone.idempotency_key FROM '^flow:(bat_[A-Za-z0-9_-]+):') FROM gone
        WHERE gone.idempotency_key LIKE 'flow:bat%'
      )
      AND g.parent_job_id IS NULL AND (g.done OR g.on_complete IS NULL)
      AND NOT EXISTS (
        SELECT 1 FROM jobs j
        WHERE j.tenant_id = g.tenant_id AND j.idempotency_key IS NOT NULL
          AND j.idempotency_key = ANY (
            ARRAY(SELECT 'flow:' || g.id || ':' || i FROM generate_series(0, g.total - 1) AS i)
              || ('flow:' || g.id || ':complete')
          )
      )
    RETURNING g.id
  )
  DELETE FROM job_group_ends e
  WHERE e.group_id IN (SELECT id FROM children UNION ALL SELECT id FROM batches);
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_flow_retention AFTER DELETE ON jobs
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION flow_retention();
