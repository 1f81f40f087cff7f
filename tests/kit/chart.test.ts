/** The kit's chart parts, rendered to SVG strings in Node (svelte/server): geometry from the scales, one paper marker. */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import LineChart from './fixtures/LineChart.svelte';
import Legend from '../../src/figures/kit/Legend.svelte';
import ProgressBar from '../../src/figures/kit/ProgressBar.svelte';
import { plotBox, makeScale } from '../../src/figures/kit/chart/context.ts';
import { classMapPixels, hexToRgb } from '../../src/figures/kit/chart/classMap.ts';
import { classColors } from '../../src/figures/kit/theme.ts';

const attrs = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));

describe('chart parts', () => {
  // plot box: x 40…290, y 10…170
  const html = render(LineChart, { props: { points: [[0, 0], [0.5, 50], [1, 100]], paper: [0.25, 89.4], bins: [{ x0: 0, x1: 0.5, value: 20 }], cursor: 0.75 } }).body;

  it('the chart is an accessible image marked for vector export, of the asked size', () => {
    const [svg] = attrs(html, 'svg');
    expect(svg.role).toBe('img');
    expect(svg['aria-label']).toBe('error against epsilon');
    expect(svg).toHaveProperty('data-chart');
    expect(svg.viewBox).toBe('0 0 300 200');
  });

  it('ticks stand where the scale puts them, labelled by the format', () => {
    const texts = [...html.matchAll(/<text class="tick"[^>]*x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(texts).toContainEqual([40, '0.0']);
    expect(texts).toContainEqual([90, '0.2']);
    expect(texts).toContainEqual([290, '1.0']);
    expect(html).toContain('>40 %</text>');
  });

  it('a line passes through its points in pixels', () => {
    const path = attrs(html, 'path').find((p) => p.class?.includes('line'))!;
    expect(path.class).toContain('softmax');
    expect(path.d).toBe('M40,170L165,90L290,10');
  });

  it('the paper marker is one hollow ring at the paper value, labelled', () => {
    const marks = attrs(html, 'g').filter((g) => g.class === 'paper-mark-group');
    expect(marks).toHaveLength(1);
    const [x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(marks[0].transform)!.slice(1).map(Number);
    expect(x).toBeCloseTo(102.5, 6);
    expect(y).toBeCloseTo(170 - 1.6 * 89.4, 6);
    expect(attrs(html, 'circle').filter((c) => c.class === 'paper-mark')).toHaveLength(1);
    expect(html).toContain('paper, softmax');
  });

  it('bars rise from zero to their value; the cursor spans the plot', () => {
    const bar = attrs(html, 'rect').find((r) => r.class?.includes('bar-mark'))!;
    expect(Number(bar.x)).toBeCloseTo(40.5, 6);
    expect(Number(bar.width)).toBeCloseTo(124, 6);
    expect(Number(bar.y)).toBeCloseTo(138, 6);
    expect(Number(bar.height)).toBeCloseTo(32, 6);
    const cursor = attrs(html, 'line').find((l) => l.class?.includes('cursor'))!;
    expect([cursor.x1, cursor.y1, cursor.y2].map(Number)).toEqual([227.5, 10, 170]);
  });

  it('plot box and log scales', () => {
    expect(plotBox(100, 50, { top: 5, right: 5, bottom: 5, left: 5 })).toEqual({ left: 5, top: 5, right: 95, bottom: 45, width: 90, height: 40 });
    const s = makeScale({ domain: [1, 100], type: 'log' }, [0, 200]);
    expect(s(10)).toBeCloseTo(100, 9);
  });

  it('a class map puts row 0 at the bottom, in the class colours', () => {
    const px = classMapPixels([0, 1, 2, 3], 2);
    // the top row of the image is the grid's second row (classes 2, 3)
    expect(Array.from(px.subarray(0, 3))).toEqual(hexToRgb(classColors[2]));
    expect(Array.from(px.subarray(8, 11))).toEqual(hexToRgb(classColors[0]));
  });

  it('the legend draws each kind of key, the paper\'s with the same marker', () => {
    const legend = render(Legend, {
      props: { items: [{ kind: 'line', label: 'softmax', class: 'softmax' }, { kind: 'dash', label: 'unclipped' }, { kind: 'paper', label: 'paper' }, { kind: 'swatch', label: '“3”', color: '#ff0000', note: '12 %' }] },
    }).body;
    expect(attrs(legend, 'li')).toHaveLength(4);
    expect(legend).toContain('class="paper-mark"');
    expect(legend).toMatch(/class="line\s+dashed|class="line dashed/);
    expect(legend).toContain('background: #ff0000');
    expect(legend).toContain('12 %');
  });

  it('the progress bar says its percentage and what is computing, and is absent when idle', () => {
    const busy = render(ProgressBar, { props: { progress: { fraction: 0.42, label: 'maxout: 100 digits' }, label: 'sweep progress' } }).body;
    const [bar] = attrs(busy, 'div').filter((d) => d.role === 'progressbar');
    expect(bar['aria-valuenow']).toBe('42');
    expect(bar['aria-label']).toBe('sweep progress');
    expect(busy).toContain('42 % · maxout: 100 digits');
    expect(render(ProgressBar, { props: { progress: null, label: 'x' } }).body).not.toContain('progressbar');
  });
});
