import type { ReactNode } from "react";
import { useCompany } from "./company.js";
import { Link, useLocation } from "./router.js";
import { signOut } from "./session.js";

const NAV = [
  { href: "/transactions", label: "Transactions" },
  { href: "/dashboard/background-jobs", label: "Background jobs" },
  { href: "/rules", label: "Rules" },
  { href: "/journal", label: "Journal" },
];

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { companies, company, selectCompany, error } = useCompany();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Ledgerflow
        </span>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={pathname.startsWith(item.href) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar__end">
          {companies.length > 1 ? (
            <label className="company-select">
              <span className="visually-hidden">Company</span>
              <select value={company?.id ?? ""} onChange={(e) => selectCompany(e.target.value)}>
                {companies.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            company && <span className="company-name">{company.name}</span>
          )}
          <button type="button" className="button button--ghost" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        {error && (
          <div className="banner banner--error" role="alert">
            {error.message}
          </div>
        )}
        {children}
      </main>
    </div>
  );
}
