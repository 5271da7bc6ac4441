import { createHttpJobSource, JobsClientProvider } from "@ledgerflow/jobs-react";
import { useEffect } from "react";
import { authHeaders } from "../api/http.js";
import { BackgroundJobsPage } from "../pages/jobs/BackgroundJobsPage.js";
import { JournalPage } from "../pages/journal/JournalPage.js";
import { RulesPage } from "../pages/rules/RulesPage.js";
import { SignInPage } from "../pages/SignInPage.js";
import { TransactionsPage } from "../pages/transactions/TransactionsPage.js";
import { CompanyProvider } from "./company.js";
import { Layout } from "./Layout.js";
import { matchPath, navigate, useLocation } from "./router.js";
import { useToken } from "./session.js";

// Job components read jobs with the signed-in token; SSE goes over fetch for the same reason.
const jobsClient = createHttpJobSource({ headers: authHeaders });

export function App() {
  const token = useToken();
  const { pathname } = useLocation();

  useEffect(() => {
    if (pathname === "/") navigate("/transactions", { replace: true });
  }, [pathname]);

  if (!token) return <SignInPage />;
  return (
    <JobsClientProvider client={jobsClient}>
      <CompanyProvider>
        <Layout>
          <Page pathname={pathname} />
        </Layout>
      </CompanyProvider>
    </JobsClientProvider>
  );
}

function Page({ pathname }: { pathname: string }) {
  if (pathname === "/transactions" || pathname === "/") return <TransactionsPage />;
  if (pathname === "/dashboard/background-jobs") return <BackgroundJobsPage jobId={null} />;
  const job = matchPath("/dashboard/background-jobs/:id", pathname);
  if (job?.id) return <BackgroundJobsPage jobId={job.id} />;
  if (pathname === "/rules") return <RulesPage />;
  if (pathname === "/journal") return <JournalPage />;
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at {pathname}.</p>
    </section>
  );
}
