import type { FlowInfo, FlowInfoOptions } from "../flows/info.js";
import type { JobEventListener, JobRecord, JobStatus, ListPage, Unsubscribe } from "../types.js";

/**
 * The part of the engine's `Queue` the job routes use. Structural on purpose: the routes depend on
 * what they call, so a test (or another queue implementation) can pass anything with these methods.
 * Every read and write is scoped by the caller's tenant; an unknown or other tenant's id throws
 * `JobsError("not_found")`.
 */
export interface JobRoutesQueue {
  get(tenantId: string | null, id: string): Promise<JobRecord>;
  list(query: {
    tenantId: string;
    status?: JobStatus | readonly JobStatus[];
    type?: string;
    cursor?: string | null;
    limit?: number;
  }): Promise<ListPage>;
  counts(tenantId: string, type?: string): Promise<Record<JobStatus, number>>;
  cancel(tenantId: string, id: string): Promise<JobRecord>;
  retry(tenantId: string, id: string): Promise<JobRecord>;
  delete(tenantId: string, id: string): Promise<unknown>;
  subscribe(jobId: string, listener: JobEventListener): Unsubscribe;
  /**
   * The job's steps, parent and children (`Queue.flow`). Optional: without it `GET /api/jobs/:id/flow`
   * answers an empty flow and the event stream carries no `child` events.
   */
  flow?(tenantId: string, id: string, options?: FlowInfoOptions): Promise<FlowInfo>;
}
