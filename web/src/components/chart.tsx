import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
}

interface Props {
  title: string;
  times: number[];
  series: Series[];
  unit?: string;
}

/** A small time chart (uPlot: ~50 kB, canvas, no dependencies). */
export function Chart({ title, times, series, unit = '' }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const width = Math.max(280, box.current.clientWidth);
    plot.current = new uPlot(
      {
        width,
        height: 180,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(1)} ${unit}`) }))],
        axes: [{}, { size: 60 }],
        legend: { live: false },
      },
      [times, ...series.map((s) => s.values)],
      box.current,
    );
    return () => plot.current?.destroy();
    // The chart is rebuilt only when the set of series changes; data updates below.
  }, [series.length]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)]);
  }, [times, series]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title} over time`} />
    </figure>
  );
}
