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
 * arrive after the key changed are dropped, so a fast filter change never shows stale rows, and so
 * are answers of a load that a later load (a reload) overtook: two reloads in flight — a finished
 * job's and an edit's — may answer out of order, and the older answer must not hide the edit.
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
  /** Number of the latest load issued: only its answer is shown. */
  const latestRun = useRef(0);

  const run = useCallback(async (forKey: string | null) => {
    if (forKey === null) return;
    const runNumber = ++latestRun.current;
    const current = () => currentKey.current === forKey && latestRun.current === runNumber;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await latestLoad.current();
      if (current()) setState({ key: forKey, data, error: null, loading: false });
    } catch (err) {
      if (current()) {
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
