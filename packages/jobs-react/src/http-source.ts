// The job API source lives in the framework-free client; these names are kept for jobs-react's users.
export {
  createHttpJobSource,
  type FetchFlow,
  type HttpJobSource as HttpJobFlowSource,
  type OpenJobFlowEvents,
} from "@ledgerflow/jobs/client";
