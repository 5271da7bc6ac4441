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
  { label: "Confidence", numeric: true },
];

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
            <td className="num">
              {formatConfidence(t.confidence)}
              {t.source && <div className="cell-sub">{t.source}</div>}
            </td>
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
  const change = async (accountId: string) => {
    if (!accountId || accountId === transaction.account_id) return;
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
      {error && (
        <div className="cell-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
