/**
 * The forwarder between the bench's network namespace and the shared PostgreSQL / Redis, which listen
 * on 127.0.0.1 only and must not be reconfigured: a TCP relay in the root namespace that listens on
 * the veth address and connects to 127.0.0.1. It also adds the network's latency, because this
 * machine's kernel has no netem (`tc qdisc add … netem` answers "Specified qdisc kind is unknown"):
 * every chunk from the server to the client is held `delayMs` before it is written on, so each round
 * trip is `delayMs` longer (the whole delay on the reply side; timers have 1 ms resolution, so half
 * each way cannot express 1 ms). Client → server is forwarded at once. Same-delay timers fire in order,
 * so a connection's bytes keep their order.
 *
 * `node --import tsx bench/netns/relay.ts '<json RelayConfig>'`; prints RELAY_READY when listening.
 */
import net from "node:net";

export interface RelayRoute {
  listenPort: number;
  host: string;
  port: number;
}

export interface RelayConfig {
  listenHost: string;
  delayMs: number;
  routes: readonly RelayRoute[];
}

export const RELAY_READY = "RELAY_READY";

export function startRelay(config: RelayConfig): Promise<net.Server[]> {
  const { delayMs } = config;
  return Promise.all(
    config.routes.map(
      (route) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer((client) => {
            const upstream = net.connect(route.port, route.host);
            client.setNoDelay(true);
            upstream.setNoDelay(true);
            const later = (fn: () => void) => (delayMs === 0 ? fn() : setTimeout(fn, delayMs));
            client.on("data", (chunk) => upstream.write(chunk));
            upstream.on("data", (chunk) => later(() => client.write(chunk)));
            client.on("end", () => upstream.end());
            upstream.on("end", () => later(() => client.end()));
            const destroy = () => {
              client.destroy();
              upstream.destroy();
            };
            client.on("error", destroy);
            upstream.on("error", () => later(destroy));
            client.on("close", () => upstream.destroy());
          });
          server.once("error", reject);
          server.listen(route.listenPort, config.listenHost, () => resolve(server));
        }),
    ),
  );
}

if (process.argv[1]?.endsWith("relay.ts")) {
  const config = JSON.parse(process.argv[2] ?? "{}") as RelayConfig;
  await startRelay(config);
  console.log(RELAY_READY);
  process.on("SIGTERM", () => process.exit(0));
}
