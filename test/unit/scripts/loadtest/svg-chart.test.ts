import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceTicks } from '../../../../scripts/loadtest/svg-chart.js';

describe('SVG charts', () => {
  it('picks round ticks that cover the range', () => {
    expect(niceTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('draws one path per series with data, and a legend entry for it', () => {
    const svg = lineChart({
      title: 'latency <p99>',
      xLabel: 's',
      yLabel: 'ms',
      series: [
        { name: 'stored', points: [[0, 10], [1, 20]] },
        { name: 'empty', points: [[0, Number.NaN]] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg).toContain('latency &#60;p99&#62;');
    expect(svg).not.toContain('>empty<');
  });

  it('says so when there is nothing to draw', () => {
    expect(barChart({ title: 't', yLabel: 'MiB', categories: [], series: [] })).toContain('no data');
  });

  it('draws a bar per category and series', () => {
    const svg = barChart({ title: 't', yLabel: 'MiB', categories: ['1', '2'], series: [{ name: 'RSS', values: [1, 2] }, { name: 'PSS', values: [0.5, 1] }] });
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width/g)).toHaveLength(4 + 2);
  });
});
