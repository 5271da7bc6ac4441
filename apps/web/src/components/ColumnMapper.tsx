import { type FormEvent, useId, useState } from "react";
import type { ImportPreview, MappingChoice, PreviewMapping } from "../api/types.js";

export interface ColumnMapperProps {
  preview: ImportPreview;
  onConfirm: (mapping: MappingChoice) => void;
  onCancel: () => void;
  busy?: boolean;
}

type Mode = "single" | "pair";

interface Draft {
  date: number;
  description: number | null;
  mode: Mode;
  amount: number | null;
  debit: number | null;
  credit: number | null;
  marker: number | null;
}

const fromPreview = (m: PreviewMapping): Draft => ({
  date: m.date,
  description: m.description,
  mode: m.amount === null ? "pair" : "single",
  amount: m.amount,
  debit: m.debit,
  credit: m.credit,
  marker: m.marker,
});

function toChoice(d: Draft): MappingChoice {
  const choice: MappingChoice = { date: d.date };
  if (d.description !== null) choice.description = d.description;
  if (d.mode === "single" && d.amount !== null) {
    choice.amount = d.amount;
    if (d.marker !== null) choice.marker = d.marker;
  }
  if (d.mode === "pair") {
    if (d.debit !== null) choice.debit = d.debit;
    if (d.credit !== null) choice.credit = d.credit;
  }
  return choice;
}

/** Why the choice cannot be imported yet, or null when it can. */
function problem(d: Draft): string | null {
  if (d.mode === "single" && d.amount === null) return "Choose the column with the amounts.";
  if (d.mode === "pair" && (d.debit === null || d.credit === null))
    return "Choose both the money-out and the money-in column.";
  if (d.mode === "pair" && d.debit === d.credit) return "Money out and money in must be different columns.";
  return null;
}

/**
 * The import's mapping step: the server was not sure which column is which, so the person
 * chooses date, amount (or money out / money in) and description from dropdowns that show real
 * cells of the file, over a table of its first rows as read. The choice is remembered for files
 * of this shape, so the next export from the same bank imports without asking.
 */
export function ColumnMapper({ preview, onConfirm, onCancel, busy = false }: ColumnMapperProps) {
  const [draft, setDraft] = useState<Draft>(() => fromPreview(preview.mapping));
  const id = useId();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const error = problem(draft);
  const roleOf = (index: number): string | null => {
    if (index === draft.date) return "Date";
    if (draft.mode === "single" && index === draft.amount) return "Amount";
    if (draft.mode === "single" && index === draft.marker) return "Direction";
    if (draft.mode === "pair" && index === draft.debit) return "Money out";
    if (draft.mode === "pair" && index === draft.credit) return "Money in";
    if (index === draft.description) return "Description";
    return null;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!error) onConfirm(toChoice(draft));
  };

  const select = (
    label: string,
    value: number | null,
    onChange: (v: number | null) => void,
    optional = false,
  ) => (
    <label className="field mapper__field">
      {label}
      <select
        aria-label={label}
        value={value === null ? "" : String(value)}
        onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
      >
        {optional || value === null ? <option value="">{optional ? "— none —" : "— choose —"}</option> : null}
        {preview.columns.map((c) => (
          <option key={c.index} value={c.index}>
            {c.name}
            {c.samples[0] ? ` — e.g. ${c.samples[0]}` : ""}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="card mapper" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="mapper__title">
        Which column is which in {preview.filename}?
      </h2>
      <p className="muted mapper__intro">
        Nothing has been imported yet. Check the columns below; your choice is remembered for files of this
        shape.
      </p>
      {preview.reasons.length > 0 && (
        <ul className="mapper__reasons">
          {preview.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {preview.alternatives.length > 0 && (
        <fieldset className="actions mapper__alternatives">
          <legend className="visually-hidden">Suggested readings</legend>
          {[{ label: preview.label, mapping: preview.mapping }, ...preview.alternatives].map((a) => (
            <button
              key={a.label}
              type="button"
              className="button button--small"
              onClick={() => setDraft(fromPreview(a.mapping))}
            >
              Use {a.label}
            </button>
          ))}
        </fieldset>
      )}
      <form onSubmit={submit}>
        <div className="form-row">
          {select("Date", draft.date, (v) => set({ date: v ?? draft.date }))}
          {select("Description", draft.description, (v) => set({ description: v }), true)}
        </div>
        <fieldset className="mapper__mode">
          <legend>Amounts are in</legend>
          <label className="checkbox">
            <input type="radio" checked={draft.mode === "single"} onChange={() => set({ mode: "single" })} />
            one column (minus means money out)
          </label>
          <label className="checkbox">
            <input type="radio" checked={draft.mode === "pair"} onChange={() => set({ mode: "pair" })} />
            two columns: money out and money in
          </label>
        </fieldset>
        <div className="form-row">
          {draft.mode === "single" ? (
            <>
              {select("Amount", draft.amount, (v) => set({ amount: v }))}
              {select("Direction (CR/DR, D/C…)", draft.marker, (v) => set({ marker: v }), true)}
            </>
          ) : (
            <>
              {select("Money out", draft.debit, (v) => set({ debit: v }))}
              {select("Money in", draft.credit, (v) => set({ credit: v }))}
            </>
          )}
        </div>
        <div className="card--flush mapper__table">
          <table className="data-table">
            <caption className="visually-hidden">The first rows of the file as read</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                {preview.columns.map((c) => (
                  <th key={c.index} scope="col" data-role={roleOf(c.index) ?? undefined}>
                    <span className="mapper__role">{roleOf(c.index) ?? "—"}</span>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.line}>
                  <td className="muted">{row.line}</td>
                  {preview.columns.map((c) => (
                    <td key={c.index} data-role={roleOf(c.index) ?? undefined}>
                      {row.cells[c.index] ?? ""}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {error && <p className="form-error">{error}</p>}
        <div className="actions mapper__submit">
          <button type="submit" className="button button--primary" disabled={busy || error !== null}>
            Import with these columns
          </button>
          <button type="button" className="button button--ghost" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
