export interface TableColumn {
  label: string;
  /** Money and scores: right-aligned so digits line up. */
  numeric?: boolean;
}

/** The header row of a data table: one column header per column, numeric ones right-aligned. */
export function TableHead({ columns }: { columns: readonly TableColumn[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column.label} scope="col" className={column.numeric ? "num" : undefined}>
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
