import { useState } from "react";
import { api } from "../../api/endpoints.js";
import { accountLabel, useCompany } from "../../app/company.js";
import { formatCents, formatDate } from "../../app/format.js";
import { useResource } from "../../app/use-resource.js";
import { PageHeader } from "../../components/PageHeader.js";
import { type TableColumn, TableHead } from "../../components/TableHead.js";

const TRIAL_BALANCE_COLUMNS: readonly TableColumn[] = [
  { label: "Account" },
  { label: "Type" },
  { label: "Debit", numeric: true },
  { label: "Credit", numeric: true },
  { label: "Balance", numeric: true },
];

const JOURNAL_COLUMNS: readonly TableColumn[] = [
  { label: "Date" },
  { label: "Memo" },
  { label: "Account" },
  { label: "Debit", numeric: true },
  { label: "Credit", numeric: true },
];

/** The trial balance and the journal entries, with the exports a bookkeeper takes elsewhere. */
export function JournalPage() {
  const { company, accountsById } = useCompany();
  const key = company?.id ?? null;
  const balance = useResource(key && `tb:${key}`, () => api.trialBalance(key ?? ""));
  const journal = useResource(key && `je:${key}`, () => api.journal(key ?? ""));
  const [exportError, setExportError] = useState<string | null>(null);
  const [allAccounts, setAllAccounts] = useState(false);

  const download = async (format: "csv" | "beancount") => {
    if (!key) return;
    setExportError(null);
    try {
      const { blob, filename } = await api.exportJournal(key, format);
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement("a"), { href: url, download: filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  if (!company) return null;
  const tb = balance.data;
  // A default chart has ~20 accounts; most are untouched at first and only add noise.
  const active = (tb?.rows ?? []).filter((r) => r.debit_cents !== 0 || r.credit_cents !== 0);
  const shownRows = allAccounts ? (tb?.rows ?? []) : active;
  const hidden = (tb?.rows.length ?? 0) - active.length;
  return (
    <section className="page">
      <PageHeader
        title="Journal"
        intro="Double-entry bookkeeping: every categorized transaction is one balanced entry."
      >
        <div className="actions">
          <button type="button" className="button" onClick={() => void download("csv")}>
            Export CSV
          </button>
          <button type="button" className="button" onClick={() => void download("beancount")}>
            Export beancount
          </button>
        </div>
      </PageHeader>
      {(exportError || balance.error || journal.error) && (
        <div className="banner banner--error" role="alert">
          {exportError ?? balance.error?.message ?? journal.error?.message}
        </div>
      )}

      <h2>
        Trial balance{" "}
        {tb && (
          <span className="status-pill" data-status={tb.balanced ? "categorized" : "needs_review"}>
            {tb.balanced ? "Balanced" : "Out of balance"}
          </span>
        )}
      </h2>
      <div className="card card--flush">
        <table className="data-table">
          <TableHead columns={TRIAL_BALANCE_COLUMNS} />
          <tbody>
            {shownRows.map((row) => (
              <tr key={row.account_id}>
                <td>
                  {row.code} · {row.name}
                </td>
                <td className="muted">{row.type}</td>
                <td className="num">{formatCents(row.debit_cents)}</td>
                <td className="num">{formatCents(row.credit_cents)}</td>
                <td className="num">{formatCents(row.balance_cents)}</td>
              </tr>
            ))}
          </tbody>
          {tb && (
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td className="num">{formatCents(tb.total_debit_cents)}</td>
                <td className="num">{formatCents(tb.total_credit_cents)}</td>
                <td />
              </tr>
            </tfoot>
          )}
        </table>
        {tb && shownRows.length === 0 && <p className="empty">No entries yet.</p>}
      </div>
      {hidden > 0 && (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => setAllAccounts((v) => !v)}
        >
          {allAccounts ? "Hide accounts without activity" : `Show ${hidden} accounts without activity`}
        </button>
      )}

      <h2>Journal entries</h2>
      <div className="card card--flush">
        <table className="data-table journal">
          <TableHead columns={JOURNAL_COLUMNS} />
          {(journal.data?.entries ?? []).map((entry) => (
            <tbody
              key={entry.id}
              className="journal__entry"
              data-reversed={entry.reversed_by_entry_id ? "" : undefined}
            >
              {entry.lines.map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines are ordered parts of their entry
                <tr key={i}>
                  {i === 0 && (
                    <>
                      <td rowSpan={entry.lines.length} className="nowrap">
                        {formatDate(entry.date)}
                      </td>
                      <td rowSpan={entry.lines.length}>
                        {entry.memo}
                        {entry.reverses_entry_id && <span className="status-pill">Reversal</span>}
                        {entry.reversed_by_entry_id && <span className="status-pill">Reversed</span>}
                      </td>
                    </>
                  )}
                  <td>{accountLabel(accountsById.get(line.account_id))}</td>
                  <td className="num">{line.debit_cents ? formatCents(line.debit_cents) : ""}</td>
                  <td className="num">{line.credit_cents ? formatCents(line.credit_cents) : ""}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
        {journal.data && journal.data.entries.length === 0 && (
          <p className="empty">No journal entries yet.</p>
        )}
      </div>
    </section>
  );
}
