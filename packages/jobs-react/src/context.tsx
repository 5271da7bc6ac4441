import { createHttpJobSource, type FetchJob, type OpenJobEvents } from "@ledgerflow/jobs/client";
import { createContext, type ReactNode, useContext } from "react";

export interface JobsClient {
  fetchJob: FetchJob;
  openEvents?: OpenJobEvents;
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
