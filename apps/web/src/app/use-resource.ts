import { useCallback, useEffect, useRef, useState } from "react";

export interface Resource<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile. */
  reload: () => Promise<void>;
}

/**
 * Loads data for the current `key` (a string of everything the loader depends on); answers that
 * arrive after the key changed are dropped, so a fast filter change never shows stale rows.
 */
export function useResource<T>(key: string | null, load: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<{
    key: string | null;
    data: T | undefined;
    error: Error | null;
    loading: boolean;
  }>({ key: null, data: undefined, error: null, loading: key !== null });
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const currentKey = useRef(key);
  currentKey.current = key;

  const run = useCallback(async (forKey: string | null) => {
    if (forKey === null) return;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await latestLoad.current();
      if (currentKey.current === forKey) setState({ key: forKey, data, error: null, loading: false });
    } catch (err) {
      if (currentKey.current === forKey) {
        setState((s) => ({
          ...s,
          key: forKey,
          error: err instanceof Error ? err : new Error(String(err)),
          loading: false,
        }));
      }
    }
  }, []);

  useEffect(() => {
    void run(key);
  }, [key, run]);

  const reload = useCallback(() => run(currentKey.current), [run]);
  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : null,
    loading: state.loading || !fresh,
    reload,
  };
}
