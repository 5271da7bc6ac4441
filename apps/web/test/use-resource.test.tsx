import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useResource } from "../src/app/use-resource.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("useResource", () => {
  it("shows the latest load's answer when two reloads answer out of order", async () => {
    const loads: ReturnType<typeof deferred<string>>[] = [];
    const { result } = renderHook(() =>
      useResource("rows", () => {
        const next = deferred<string>();
        loads.push(next);
        return next.promise;
      }),
    );
    await act(async () => loads[0]?.resolve("first"));
    await waitFor(() => expect(result.current.data).toBe("first"));

    // A finished job's reload, then an edit's reload; the edit's answers first, the older one last.
    let older: Promise<void> | undefined;
    let newer: Promise<void> | undefined;
    act(() => {
      older = result.current.reload();
      newer = result.current.reload();
    });
    await act(async () => {
      loads[2]?.resolve("after the edit");
      await newer;
    });
    expect(result.current.data).toBe("after the edit");
    await act(async () => {
      loads[1]?.resolve("before the edit");
      await older;
    });
    expect(result.current.data).toBe("after the edit");
    expect(result.current.loading).toBe(false);
  });
});
