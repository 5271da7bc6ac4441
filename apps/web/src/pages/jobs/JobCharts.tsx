import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { adminApi, type JobCharts as ChartData } from "../../api/admin.js";
import { useResource } from "../../app/use-resource.js";
import { useVisibleInterval } from "../../app/use-visible-interval.js";
import { Tabs } from "../../components/Tabs.js";

type Window = "hour" | "day";
const REFRESH_MS = 30_000;
const COLORS = {
  completed: "#1f8a5b",
  failed: "#c2413b",
  rate: "#8d5a10",
  pending: "#2f6fde",
  running: "#6b4fbb",
};

interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

/**
 * One uPlot chart. The canvas is hidden from assistive technology; the figure's caption and the
 * summary beside it carry the same facts as text (uPlot draws on a canvas, which a screen reader
 * cannot read).
 */
function Chart({
  times,
  series,
  yLabel,
  percent,
  bars,
}: {
  times: number[];
  series: Series[];
  yLabel: string;
  percent?: boolean;
  bars?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // uPlot is loaded on first use: it reads window.matchMedia when imported, and only operators see charts.
    let plot: uPlot | null = null;
    let cancelled = false;
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      // Completed and failed side by side in each bucket.
      const barPaths = UPlot.paths.bars?.({ size: [0.6, 12] });
      const width = Math.max(280, el.clientWidth);
      plot = new UPlot(
        {
          width,
          height: 180,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, percent ? 1 : Math.max(1, max)] } },
          axes: [
            { stroke: "#616e7c", grid: { stroke: "#e4e7eb" } },
            {
              stroke: "#616e7c",
              grid: { stroke: "#e4e7eb" },
              label: yLabel,
              ...(percent
                ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => `${Math.round(t * 100)}%`) }
                : {}),
            },
          ],
          series: [
            {},
            ...series.map((s) => ({
              label: s.label,
              stroke: s.color,
              width: bars ? 1 : 2,
              spanGaps: false,
              // Points too: a rate that exists in one bucket only would otherwise draw nothing.
              ...(bars
                ? { fill: s.color, paths: barPaths, points: { show: false } }
                : { points: { show: true, size: 5 } }),
            })),
          ],
        },
        [times, ...series.map((s) => s.values)] as uPlot.AlignedData,
        el,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [times, series, yLabel, percent, bars]);
  return <div ref={box} className="chart__canvas" aria-hidden="true" />;
}

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="chart__legend">
      {series.map((s) => (
        <li key={s.label}>
          <span className="chart__swatch" style={{ background: s.color }} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** A chart with its caption, legend and the same facts as text (what a screen reader reads). */
function ChartFigure(props: { caption: string; series: Series[]; summary: string; children: ReactNode }) {
  return (
    <figure className="chart card">
      <figcaption>{props.caption}</figcaption>
      {props.children}
      <Legend series={props.series} />
      <p className="small muted">{props.summary}</p>
    </figure>
  );
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

function describe(data: ChartData, window: Window) {
  const completed = sum(data.throughput.map((b) => b.completed));
  const failed = sum(data.throughput.map((b) => b.failed));
  const finished = completed + failed;
  const span = window === "hour" ? "the last hour" : "the last day";
  const peak = data.depth.reduce((m, d) => Math.max(m, d.pending), 0);
  const latest = data.depth.at(-1);
  return {
    throughput: `In ${span}: ${completed.toLocaleString()} jobs completed and ${failed.toLocaleString()} failed${data.truncated ? " (only the newest jobs were counted)" : ""}.`,
    failure:
      finished === 0
        ? `No job finished in ${span}.`
        : `Failure rate over ${span}: ${pct(failed / finished)} (${failed} of ${finished}).`,
    depth: latest
      ? `Now ${latest.pending} pending (${latest.due} due) and ${latest.running} running; at most ${peak} pending since ${new Date(data.depth_since ?? latest.at).toLocaleTimeString()}.`
      : "No queue depth sample yet.",
  };
}

function chartSeries(data: ChartData | undefined) {
  const bucketTimes = data?.throughput.map((b) => Date.parse(b.start) / 1000) ?? [];
  const throughput: Series[] = data
    ? [
        { label: "Completed", color: COLORS.completed, values: data.throughput.map((b) => b.completed) },
        { label: "Failed", color: COLORS.failed, values: data.throughput.map((b) => b.failed) },
      ]
    : [];
  const failure: Series[] = data
    ? [{ label: "Failure rate", color: COLORS.rate, values: data.throughput.map((b) => b.failure_rate) }]
    : [];
  const depthTimes = data?.depth.map((d) => Date.parse(d.at) / 1000) ?? [];
  const depth: Series[] = data
    ? [
        { label: "Pending", color: COLORS.pending, values: data.depth.map((d) => d.pending) },
        { label: "Running", color: COLORS.running, values: data.depth.map((d) => d.running) },
      ]
    : [];
  return { bucketTimes, throughput, failure, depthTimes, depth };
}

/** Throughput, failure rate and queue depth over the last hour or day (GET /api/admin/charts). */
export function JobCharts() {
  const [window, setWindow] = useState<Window>("hour");
  const charts = useResource(`charts:${window}`, () => adminApi.charts(window));
  useVisibleInterval(charts.reload, REFRESH_MS);
  const data = charts.data;

  // Memoised on the data: a new array each render would rebuild the charts on every render.
  const { bucketTimes, throughput, failure, depthTimes, depth } = useMemo(() => chartSeries(data), [data]);
  const text = data ? describe(data, window) : null;

  return (
    <section className="operator-charts" aria-labelledby="operator-charts-title">
      <div className="operator-charts__head">
        <h2 id="operator-charts-title">Throughput and queue depth</h2>
        <Tabs
          label="Chart period"
          items={[
            { key: "hour", label: "Last hour" },
            { key: "day", label: "Last day" },
          ]}
          current={window}
          onChange={setWindow}
        />
      </div>
      {charts.error && (
        <div className="banner banner--error" role="alert">
          {charts.error.message}
        </div>
      )}
      {!data || !text ? (
        <p className="muted">Loading charts…</p>
      ) : (
        <div className="operator-charts__grid">
          <ChartFigure
            caption={`Jobs finished per ${window === "hour" ? "minute" : "15 minutes"}`}
            series={throughput}
            summary={text.throughput}
          >
            <Chart times={bucketTimes} series={throughput} yLabel="jobs" bars />
          </ChartFigure>
          <ChartFigure caption="Failure rate" series={failure} summary={text.failure}>
            <Chart times={bucketTimes} series={failure} yLabel="failed" percent />
          </ChartFigure>
          <ChartFigure caption="Queue depth" series={depth} summary={text.depth}>
            {depthTimes.length > 1 ? (
              <Chart times={depthTimes} series={depth} yLabel="jobs" />
            ) : (
              <p className="chart__empty muted">
                One sample so far: the chart fills in as this server samples.
              </p>
            )}
          </ChartFigure>
        </div>
      )}
    </section>
  );
}
