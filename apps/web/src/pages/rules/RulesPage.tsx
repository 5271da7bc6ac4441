import { useState } from "react";
import { api } from "../../api/endpoints.js";
import type { Rule } from "../../api/types.js";
import { accountLabel, useCompany } from "../../app/company.js";
import { useResource } from "../../app/use-resource.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { PageHeader } from "../../components/PageHeader.js";
import { describeConditions } from "./conditions.js";
import { RuleForm } from "./RuleForm.js";

/** Rules run top to bottom; the first that matches assigns its account. */
export function RulesPage() {
  const { company, accounts, accountsById } = useCompany();
  const rules = useResource(company ? `rules:${company.id}` : null, () => api.rules(company?.id ?? ""));
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = [...(rules.data ?? [])].sort((a, b) => a.priority - b.priority);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await rules.reload();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const move = (index: number, delta: -1 | 1) => {
    if (!company) return;
    const ids = list.map((r) => r.id);
    const [moved] = ids.splice(index, 1);
    if (!moved) return;
    ids.splice(index + delta, 0, moved);
    void act(() => api.reorderRules(company.id, ids));
  };

  if (!company) return null;
  return (
    <section className="page">
      <PageHeader
        title="Rules"
        intro="Checked first, in this order: the first rule that matches decides the account, with full confidence."
      >
        <button type="button" className="button button--primary" onClick={() => setEditing("new")}>
          New rule
        </button>
      </PageHeader>
      {(error || rules.error) && (
        <div className="banner banner--error" role="alert">
          {error ?? rules.error?.message}
        </div>
      )}
      {editing && (
        <RuleForm
          rule={editing === "new" ? null : editing}
          accounts={accounts}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            if (editing === "new") await api.createRule(company.id, input);
            else await api.updateRule(editing.id, input);
            setEditing(null);
            await rules.reload();
          }}
        />
      )}
      {list.length === 0 && !rules.loading ? (
        <p className="empty">
          No rules yet. A rule such as “description contains REWE → Groceries” saves the LLM a call every
          time.
        </p>
      ) : (
        <ol className="rule-list card card--flush">
          {list.map((rule, i) => (
            <li key={rule.id} className="rule" data-enabled={rule.enabled ? undefined : "false"}>
              <span className="rule__order">{i + 1}</span>
              <div className="rule__body">
                <div className="rule__name">
                  {rule.name}
                  {!rule.enabled && <span className="status-pill">Disabled</span>}
                </div>
                <div className="muted small">
                  {describeConditions(rule.conditions)} →{" "}
                  <strong>{accountLabel(accountsById.get(rule.account_id))}</strong>
                </div>
              </div>
              <div className="rule__actions">
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-label={`Move ${rule.name} up`}
                  disabled={busy || i === 0}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-label={`Move ${rule.name} down`}
                  disabled={busy || i === list.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button type="button" className="button button--small" onClick={() => setEditing(rule)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button button--small button--danger-outline"
                  onClick={() => setDeleting(rule)}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete the rule “${deleting.name}”?`}
          body="Transactions it already categorized keep their account."
          confirmLabel="Delete rule"
          tone="danger"
          busy={busy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void act(() => api.deleteRule(deleting.id)).then((ok) => ok && setDeleting(null))}
        />
      )}
    </section>
  );
}
