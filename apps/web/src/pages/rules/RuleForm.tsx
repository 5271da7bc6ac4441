import { type FormEvent, useState } from "react";
import type { Account, Rule, RuleCondition, RuleInput } from "../../api/types.js";
import { formatCents } from "../../app/format.js";
import { parseAmountInput } from "./conditions.js";

type Draft =
  | {
      kind: "text";
      field: "description" | "payee";
      op: "contains" | "equals" | "starts_with" | "regex";
      value: string;
    }
  | { kind: "amount"; min: string; max: string }
  | { kind: "direction"; value: "in" | "out" };

const AMOUNT_BOUNDS = [
  { bound: "min", label: "Minimum amount" },
  { bound: "max", label: "Maximum amount" },
] as const;

/** An amount bound as the user types it: "1234.50", no thousands separators; "" when open. */
const boundText = (cents: number | undefined): string =>
  cents === undefined ? "" : formatCents(cents).replace(/,/g, "");

/** undefined for an empty (open) bound, null for text that is not an amount. */
const parseBound = (text: string): number | null | undefined =>
  text.trim() ? parseAmountInput(text) : undefined;

const toDraft = (c: RuleCondition): Draft =>
  c.field === "amount"
    ? {
        kind: "amount",
        min: boundText(c.min),
        max: boundText(c.max),
      }
    : c.field === "direction"
      ? { kind: "direction", value: c.value }
      : { kind: "text", field: c.field, op: c.op, value: c.value };

function fromDraft(d: Draft): RuleCondition | string {
  if (d.kind === "direction") return { field: "direction", value: d.value };
  if (d.kind === "text")
    return d.value.trim()
      ? { field: d.field, op: d.op, value: d.value.trim() }
      : "Fill in the text to match.";
  const min = parseBound(d.min);
  const max = parseBound(d.max);
  if (min === null || max === null) return "Amounts are numbers like 12.50.";
  if (min === undefined && max === undefined)
    return "An amount condition needs a minimum, a maximum or both.";
  return { field: "amount", ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

export interface RuleFormProps {
  rule: Rule | null;
  accounts: readonly Account[];
  onSave: (input: RuleInput) => Promise<void>;
  onCancel: () => void;
}

export function RuleForm({ rule, accounts, onSave, onCancel }: RuleFormProps) {
  const choices = accounts.filter((a) => !a.is_bank);
  const [name, setName] = useState(rule?.name ?? "");
  const [accountId, setAccountId] = useState(rule?.account_id ?? "");
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [drafts, setDrafts] = useState<Draft[]>(
    rule?.conditions.map(toDraft) ?? [{ kind: "text", field: "description", op: "contains", value: "" }],
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const update = (i: number, next: Draft) => setDrafts((ds) => ds.map((d, j) => (j === i ? next : d)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const conditions = drafts.map(fromDraft);
    const problem = conditions.find((c): c is string => typeof c === "string");
    if (!name.trim()) return setError("Give the rule a name.");
    if (!accountId) return setError("Choose the account the rule assigns.");
    if (problem) return setError(problem);
    setSaving(true);
    setError(null);
    try {
      await onSave({
        name: name.trim(),
        account_id: accountId,
        enabled,
        conditions: conditions as RuleCondition[],
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card rule-form"
      onSubmit={submit}
      aria-label={rule ? `Edit rule ${rule.name}` : "New rule"}
    >
      <h2>{rule ? "Edit rule" : "New rule"}</h2>
      <div className="form-row">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Groceries at REWE" />
        </label>
        <label className="field">
          <span>Assign to account</span>
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">Choose…</option>
            {choices.map((a) => (
              <option key={a.id} value={a.id}>
                {a.code} · {a.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="conditions">
        <legend>When all of these match</legend>
        {drafts.map((d, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity of their own
          <div className="condition" key={i}>
            <select
              aria-label="Condition type"
              value={d.kind === "text" ? d.field : d.kind}
              onChange={(e) => {
                const v = e.target.value;
                if (v === "amount") update(i, { kind: "amount", min: "", max: "" });
                else if (v === "direction") update(i, { kind: "direction", value: "out" });
                else
                  update(i, {
                    kind: "text",
                    field: v as "description" | "payee",
                    op: "contains",
                    value: d.kind === "text" ? d.value : "",
                  });
              }}
            >
              <option value="description">Description</option>
              <option value="payee">Payee</option>
              <option value="amount">Amount</option>
              <option value="direction">Direction</option>
            </select>
            {d.kind === "text" && (
              <>
                <select
                  aria-label="Match"
                  value={d.op}
                  onChange={(e) => update(i, { ...d, op: e.target.value as typeof d.op })}
                >
                  <option value="contains">contains</option>
                  <option value="equals">equals</option>
                  <option value="starts_with">starts with</option>
                  <option value="regex">matches pattern</option>
                </select>
                <input
                  aria-label="Text"
                  value={d.value}
                  onChange={(e) => update(i, { ...d, value: e.target.value })}
                />
              </>
            )}
            {d.kind === "amount" &&
              AMOUNT_BOUNDS.map(({ bound, label }) => (
                <input
                  key={bound}
                  aria-label={label}
                  inputMode="decimal"
                  placeholder={bound}
                  value={d[bound]}
                  onChange={(e) => update(i, { ...d, [bound]: e.target.value })}
                />
              ))}
            {d.kind === "direction" && (
              <select
                aria-label="Direction"
                value={d.value}
                onChange={(e) => update(i, { ...d, value: e.target.value as "in" | "out" })}
              >
                <option value="out">money out</option>
                <option value="in">money in</option>
              </select>
            )}
            <button
              type="button"
              className="button button--ghost button--small"
              disabled={drafts.length === 1}
              onClick={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            setDrafts((ds) => [...ds, { kind: "text", field: "description", op: "contains", value: "" }])
          }
        >
          Add condition
        </button>
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? "Saving…" : "Save rule"}
        </button>
      </div>
    </form>
  );
}
