import type { FetchJob } from "@ledgerflow/jobs/client";
import { createContext, type ReactNode, useContext } from "react";
import { createHttpJobSource, type FetchFlow, type OpenJobFlowEvents } from "./http-source.js";

export interface JobsClient {
  fetchJob: FetchJob;
  /** A plain `OpenJobEvents` works too; one that reports children counts feeds "chunk 7/40". */
  openEvents?: OpenJobFlowEvents;
  /** `GET /api/jobs/:id/flow`: while polling, how a job's children counts are read. */
  fetchFlow?: FetchFlow;
}

// Same-origin, no credentials beyond cookies: apps that use bearer tokens pass their own client.
const defaultClient: JobsClient = createHttpJobSource();

const JobsClientContext = createContext<JobsClient>(defaultClient);

/** Supplies how jobs are read (base URL, auth headers) to every useJobStatus below it. */
export function JobsClientProvider({ client, children }: { client: JobsClient; children: ReactNode }) {
  return <JobsClientContext.Provider value={client}>{children}</JobsClientContext.Provider>;
}

export function useJobsClient(): JobsClient {
  return useContext(JobsClientContext);
}
