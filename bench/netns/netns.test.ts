import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseProcStat, serverOf } from "../engine/cpu.js";
import { cleanupCommands, listsNamespace, NETNS, setupCommands } from "./netns.js";
import { startRelay } from "./relay.js";

// Runs without root: `npx vitest run --config bench/vitest.config.ts` (not part of npm test).

describe("parseProcStat", () => {
  it("reads utime+stime and cutime+cstime after a comm holding spaces and parens", () => {
    const line = "2193 (postgres: a (b)) S 2192 2193 2193 0 -1 4194368 100 0 0 0 7 5 11 13 20 0 1 0 3306 1 2";
    expect(parseProcStat(line)).toEqual({
      comm: "postgres: a (b)",
      ppid: 2192,
      ownTicks: 12,
      reapedTicks: 24,
    });
  });
});

describe("serverOf", () => {
  it("maps each target to the server it talks to", () => {
    expect(
      ["postgres", "graphile-worker", "pg-boss", "redis", "BullMQ", "memory", "sqlite NORMAL"].map(serverOf),
    ).toEqual(["postgres", "postgres", "postgres", "redis", "redis", "none", "none"]);
  });
});

describe("namespace commands", () => {
  it("creates the namespace before moving the veth end into it, and cleanup removes link then namespace", () => {
    const setup = setupCommands().map((args) => args.join(" "));
    expect(setup[0]).toBe(`netns add ${NETNS.name}`);
    expect(setup.indexOf(`link set ${NETNS.nsIf} netns ${NETNS.name}`)).toBeGreaterThan(0);
    expect(cleanupCommands().map((args) => args.join(" "))).toEqual([
      `link del ${NETNS.hostIf}`,
      `netns del ${NETNS.name}`,
    ]);
  });

  it("finds the namespace in `ip netns list` output only by its exact name", () => {
    expect(listsNamespace("other\nlfbench (id: 0)\n")).toBe(true);
    expect(listsNamespace("lfbench2 (id: 1)\n")).toBe(false);
    expect(listsNamespace("")).toBe(false);
  });
});

describe("relay", () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  async function echoThroughRelay(delayMs: number): Promise<{ reply: string; ms: number }> {
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    closers.push(() => echo.close());
    const echoPort = (echo.address() as net.AddressInfo).port;
    const [relay] = await startRelay({
      listenHost: "127.0.0.1",
      delayMs,
      routes: [{ listenPort: 0, host: "127.0.0.1", port: echoPort }],
    });
    closers.push(() => relay!.close());
    const client = net.connect((relay!.address() as net.AddressInfo).port, "127.0.0.1");
    closers.push(() => client.destroy());
    await new Promise((resolve) => client.once("connect", resolve));
    const start = performance.now();
    let reply = "";
    await new Promise<void>((resolve) => {
      client.on("data", (chunk) => {
        reply += chunk.toString();
        if (reply.length === 6) resolve();
      });
      client.write("abc");
      client.write("def");
    });
    return { reply, ms: performance.now() - start };
  }

  it("forwards bytes in order and holds the replies for the delay", async () => {
    const delayed = await echoThroughRelay(30);
    expect(delayed.reply).toBe("abcdef");
    expect(delayed.ms).toBeGreaterThanOrEqual(29);
  });

  it("adds nothing at delay 0", async () => {
    const direct = await echoThroughRelay(0);
    expect(direct.reply).toBe("abcdef");
    expect(direct.ms).toBeLessThan(30);
  });
});
