import { useState } from "react";
import { api } from "../../api/endpoints.js";
import type { Account, Transaction } from "../../api/types.js";
import { formatCents, formatConfidence, formatDate } from "../../app/format.js";
import { type TableColumn, TableHead } from "../../components/TableHead.js";

const COLUMNS: readonly TableColumn[] = [
  { label: "Date" },
  { label: "Description" },
  { label: "Amount", numeric: true },
  { label: "Status" },
  { label: "Account" },
  { label: "Categorized by" },
  { label: "Confidence", numeric: true },
];

/** Which stage answered; the prior is the built-in model that knows common merchants before any history. */
const SOURCE_TEXT: Record<NonNullable<Transaction["source"]>, string> = {
  rule: "Rule",
  prior: "Built-in model",
  history: "Your history",
  llm: "LLM",
  manual: "You",
};

const STATUS_TEXT: Record<Transaction["status"], string> = {
  uncategorized: "Uncategorized",
  needs_review: "Needs review",
  categorized: "Categorized",
};

export interface TransactionsTableProps {
  transactions: readonly Transaction[];
  accounts: readonly Account[];
  onChanged: (updated: Transaction) => void;
}

/** Descriptions come from bank files: they are rendered as text, never as HTML. */
export function TransactionsTable({ transactions, accounts, onChanged }: TransactionsTableProps) {
  // A bank account is the other side of every entry, never the category.
  const choices = accounts.filter((a) => !a.is_bank);
  return (
    <table className="data-table">
      <TableHead columns={COLUMNS} />
      <tbody>
        {transactions.map((t) => (
          <tr key={t.id} data-status={t.status}>
            <td className="nowrap">{formatDate(t.date)}</td>
            <td>
              <div className="cell-main">{t.description}</div>
              {showPayee(t) && <div className="cell-sub">{t.payee}</div>}
            </td>
            <td className="num" data-sign={t.amount_cents < 0 ? "out" : "in"}>
              {formatCents(t.amount_cents, { signed: true })}
            </td>
            <td>
              <span className="status-pill" data-status={t.status}>
                {STATUS_TEXT[t.status]}
              </span>
            </td>
            <td>
              <AccountCell transaction={t} accounts={choices} onChanged={onChanged} />
            </td>
            <td>
              {t.source ? (
                <span className="status-pill" data-source={t.source}>
                  {SOURCE_TEXT[t.source]}
                </span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="num">{formatConfidence(t.confidence)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The payee is usually the description, normalised: show it only when it adds something. */
function showPayee(t: Transaction): boolean {
  if (!t.payee) return false;
  return !t.description.toLowerCase().startsWith(t.payee.toLowerCase());
}

function AccountCell({
  transaction,
  accounts,
  onChanged,
}: {
  transaction: Transaction;
  accounts: readonly Account[];
  onChanged: (updated: Transaction) => void;
}) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Accepting re-books the suggestion as the person's own choice (source "manual"), which is what
  // the history categorizer learns from; the prior's unconfirmed answers teach it nothing.
  const change = async (accountId: string, accept = false) => {
    if (!accountId || (accountId === transaction.account_id && !accept)) return;
    setSaving(true);
    setError(null);
    try {
      onChanged(await api.recategorize(transaction.id, accountId));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="account-cell">
      <select
        aria-label={`Account for ${transaction.description}`}
        value={transaction.account_id ?? ""}
        disabled={saving}
        onChange={(e) => void change(e.target.value)}
      >
        {!transaction.account_id && <option value="">Choose an account…</option>}
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.code} · {a.name}
          </option>
        ))}
      </select>
      {transaction.status === "needs_review" && transaction.account_id && (
        <button
          type="button"
          className="button button--ghost button--small"
          disabled={saving}
          aria-label={`Accept the suggested account for ${transaction.description}`}
          onClick={() => void change(transaction.account_id ?? "", true)}
        >
          Accept
        </button>
      )}
      {error && (
        <div className="cell-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
