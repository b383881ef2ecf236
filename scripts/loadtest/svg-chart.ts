/**
 * Tiny dependency-free SVG charts for the load-test report: line charts (several series on
 * shared axes) and grouped bar charts. Output is a standalone SVG string any browser or
 * Markdown viewer renders; nothing is rasterised.
 */

export interface LineSeries {
  name: string;
  points: ReadonlyArray<readonly [x: number, y: number]>;
  /** Draw as steps (a value holds until the next point), e.g. a count over time. @defaultValue false */
  step?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** A horizontal reference line, e.g. a latency target. */
  reference?: { y: number; label: string };
  /** Log-scale y axis (latency with rare large outliers). @defaultValue false */
  logY?: boolean;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  categories: readonly string[];
  series: ReadonlyArray<{ name: string; values: readonly number[] }>;
}

const SIZE = { width: 760, height: 360, left: 70, right: 20, top: 40, bottom: 80 } as const;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;

const colour = (i: number): string => COLOURS[i % COLOURS.length] as string;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rounded tick values covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max === min) max = min + 1;
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] as number) < max) ticks.push(Number(((ticks[ticks.length - 1] as number) + step).toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(0)}k`;
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 1 ? 2 : 1);
}

function frame(title: string, body: string): string {
  const { width, height } = SIZE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

function legend(names: readonly string[]): string {
  const y = SIZE.height - 18;
  let x = SIZE.left;
  return names
    .map((name, i) => {
      const item = `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${colour(i)}"/><text x="${x + 16}" y="${y + 1}">${escapeXml(name)}</text>`;
      x += 28 + name.length * 7;
      return item;
    })
    .join('\n');
}

function yAxis(ticks: readonly number[], toY: (v: number) => number, label: string, tickText: (v: number) => string): string {
  const { left, width, right, top, height, bottom } = SIZE;
  const lines = ticks.map((t) => {
    const y = toY(t);
    return `<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${tickText(t)}</text>`;
  });
  const mid = (top + height - bottom) / 2;
  return [
    ...lines,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#333"/>`,
    `<text transform="translate(16 ${mid}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`,
  ].join('\n');
}

/** A line chart; empty series are left out, and a chart with no points says so. */
export function lineChart(opts: LineChartOptions): string {
  const { left, right, top, bottom, width, height } = SIZE;
  const series = opts.series.filter((s) => s.points.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const points = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length === 0) {
    return frame(opts.title, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`);
  }
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  if (opts.reference) ys.push(opts.reference.y);
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs));
  const logY = opts.logY === true;
  const yMinRaw = logY ? Math.max(Math.min(...ys.filter((y) => y > 0)), 0.1) : Math.min(0, ...ys);
  const yTicks = logY
    ? Array.from({ length: Math.ceil(Math.log10(Math.max(...ys))) - Math.floor(Math.log10(yMinRaw)) + 1 }, (_, i) => 10 ** (Math.floor(Math.log10(yMinRaw)) + i))
    : niceTicks(yMinRaw, Math.max(...ys));
  const [x0, x1] = [xTicks[0] as number, xTicks[xTicks.length - 1] as number];
  const [y0, y1] = [yTicks[0] as number, yTicks[yTicks.length - 1] as number];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const toX = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const toY = logY
    ? (y: number) => top + plotH - ((Math.log10(Math.max(y, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0) || 1)) * plotH
    : (y: number) => top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const xAxis = [
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`,
    ...xTicks.map((t) => `<text x="${toX(t)}" y="${top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`),
    `<text x="${left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`,
  ].join('\n');
  const paths = series.map((s, i) => {
    const valid = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const d = valid
      .map(([x, y], j) => {
        const prev = valid[j - 1];
        const step = s.step && prev ? `L${toX(x).toFixed(1)},${toY(prev[1]).toFixed(1)} ` : '';
        return `${j === 0 ? 'M' : `${step}L`}${toX(x).toFixed(1)},${toY(y).toFixed(1)}`;
      })
      .join(' ');
    const dot = valid.length === 1 ? `<circle cx="${toX(valid[0]![0])}" cy="${toY(valid[0]![1])}" r="3" fill="${colour(i)}"/>` : '';
    return `<path d="${d}" fill="none" stroke="${colour(i)}" stroke-width="1.8"/>${dot}`;
  });
  const reference = opts.reference
    ? `<line x1="${left}" x2="${width - right}" y1="${toY(opts.reference.y)}" y2="${toY(opts.reference.y)}" stroke="#555" stroke-dasharray="6 4"/><text x="${width - right - 4}" y="${toY(opts.reference.y) - 4}" text-anchor="end" fill="#555">${escapeXml(opts.reference.label)}</text>`
    : '';
  const tickText = logY ? (v: number) => formatTick(v) : formatTick;
  return frame(opts.title, [yAxis(yTicks, toY, opts.yLabel, tickText), xAxis, reference, ...paths, legend(series.map((s) => s.name))].join('\n'));
}

/** Grouped vertical bars: one group per category, one bar per series. */
export function barChart(opts: BarChartOptions): string {
  const { left, right, top, bottom, width, height } = SIZE;
  const values = opts.series.flatMap((s) => s.values).filter(Number.isFinite);
  if (values.length === 0 || opts.categories.length === 0) {
    return frame(opts.title, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`);
  }
  const yTicks = niceTicks(0, Math.max(...values));
  const y1 = yTicks[yTicks.length - 1] as number;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const toY = (y: number) => top + plotH - (y / (y1 || 1)) * plotH;
  const groupW = plotW / opts.categories.length;
  const barW = Math.max((groupW * 0.8) / opts.series.length, 1);
  const labelEvery = Math.ceil(opts.categories.length / 25);
  const bars = opts.categories.flatMap((category, c) => {
    const gx = left + c * groupW + groupW * 0.1;
    const label = c % labelEvery === 0
      ? `<text x="${gx + (groupW * 0.8) / 2}" y="${top + plotH + 14}" text-anchor="middle" font-size="10">${escapeXml(category)}</text>`
      : '';
    return [
      ...opts.series.map((s, i) => {
        const v = s.values[c] ?? Number.NaN;
        if (!Number.isFinite(v)) return '';
        return `<rect x="${(gx + i * barW).toFixed(1)}" y="${toY(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - toY(v)).toFixed(1)}" fill="${colour(i)}"/>`;
      }),
      label,
    ];
  });
  const baseline = `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`;
  return frame(opts.title, [yAxis(yTicks, toY, opts.yLabel, formatTick), baseline, ...bars, legend(opts.series.map((s) => s.name))].join('\n'));
}
