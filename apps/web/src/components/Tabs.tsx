export interface TabItem<K extends string> {
  key: K;
  label: string;
  count?: number | undefined;
}

/** A row of filter tabs; the current one is marked for assistive technology with aria-pressed. */
export function Tabs<K extends string>({
  items,
  current,
  onChange,
  label,
}: {
  items: readonly TabItem<K>[];
  current: K;
  onChange: (key: K) => void;
  label: string;
}) {
  return (
    <fieldset className="tabs">
      <legend className="visually-hidden">{label}</legend>
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          className="tabs__tab"
          aria-pressed={item.key === current}
          onClick={() => onChange(item.key)}
        >
          {item.label}
          {item.count !== undefined && (
            <>
              {" "}
              <span className="tabs__count">{item.count}</span>
            </>
          )}
        </button>
      ))}
    </fieldset>
  );
}
