import { describe, expect, it } from "vitest";
import { Histogram } from "../src/metrics/registry.js";

describe("Histogram", () => {
  it("counts a bound series exactly as observe() with the same labels", () => {
    const viaObserve = new Histogram("h", "help", [0.01, 0.1, 1]);
    const viaBind = new Histogram("h", "help", [0.01, 0.1, 1]);
    const bound = viaBind.bind({ method: "GET", route: "/r" });
    for (const value of [0.005, 0.05, 0.5, 5]) {
      viaObserve.observe({ method: "GET", route: "/r" }, value);
      bound(value);
    }
    expect(viaBind.render()).toBe(viaObserve.render());
    expect(viaBind.render()).toContain('h_count{method="GET",route="/r"} 4');
    // The same series whatever the order of the labels' keys.
    viaBind.observe({ route: "/r", method: "GET" }, 0.5);
    expect(viaBind.render()).toContain('h_count{method="GET",route="/r"} 5');
  });
});
