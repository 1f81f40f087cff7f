/**
 * Exports a figure in its current state, with its title, caption and source
 * line: PNG at any scale (the figure as drawn, through modern-screenshot), and
 * SVG — true vector for figures drawn as SVG charts (`svg[data-chart]`), a PNG
 * inside an SVG for canvas figures (said so in the file's description).
 */
import { domToPng } from 'modern-screenshot';

const LEAVE_OUT = '.figure-controls, .embed-menu, .export-menu, .live, .figure-messages, .figure-error button';

function background(el: Element): string {
  const c = getComputedStyle(el).backgroundColor;
  return c && c !== 'rgba(0, 0, 0, 0)' ? c : '#ffffff';
}

/**
 * Each element is copied with its computed size. A table with a caption came
 * out taller than on the page (see below), its scroll container
 * (`overflow-x: auto`) kept its height, a scroll bar appeared and hid the last
 * row (fgsm-sweep's table lost its maxout row). A picture does not scroll:
 * scroll containers show their whole content, and tables take their own height.
 */
function unscroll(cloned: Node) {
  if (!(cloned instanceof HTMLElement)) return;
  const st = cloned.style;
  // a table's computed height counts its caption, which a height set on the table does not: the copy's rows
  // would grow by the caption's height
  if (cloned instanceof HTMLTableElement) st.setProperty('height', 'auto');
  if (/auto|scroll|overlay/.test(`${st.overflowX} ${st.overflowY} ${st.overflow}`)) {
    st.setProperty('overflow', 'visible');
    st.setProperty('height', 'auto');
    st.setProperty('max-height', 'none');
  }
}

export async function figurePng(figure: HTMLElement, scale: number): Promise<string> {
  // The source line shows while the picture is taken, so that the picture's height includes it.
  const source = figure.querySelector<HTMLElement>('.figure-source');
  source?.removeAttribute('hidden');
  try {
    return await domToPng(figure, {
      scale,
      backgroundColor: background(figure),
      filter: (n) => !(n instanceof Element && n.matches(LEAVE_OUT)),
      style: { margin: '0' },
      onCloneEachNode: unscroll,
    });
  } finally {
    source?.setAttribute('hidden', '');
  }
}

const STYLE_PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'opacity',
  'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'visibility',
] as const;

/** A copy of an SVG chart with every presentation property written on its elements (no stylesheet needed). */
function inlinedCopy(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((o, i) => {
    const cs = getComputedStyle(o);
    const target = copies[i] as SVGElement;
    if (cs.display === 'none') {
      target.remove();
      return;
    }
    for (const p of STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) target.setAttribute(p, v);
    }
    target.removeAttribute('class');
  });
  return copy;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function figureSvg(figure: HTMLElement, meta: { title: string; caption: string; source: string }): Promise<{ svg: string; vector: boolean }> {
  const body = figure.querySelector<HTMLElement>('.figure-body') ?? figure;
  const charts = [...body.querySelectorAll<SVGSVGElement>('svg[data-chart]')].filter((s) => s.getBoundingClientRect().width > 0);
  const box = body.getBoundingClientRect();
  const width = Math.ceil(box.width) + 32;
  const font = getComputedStyle(figure).fontFamily;
  const fg = getComputedStyle(figure).color;
  const bg = background(figure);
  const top = 40;
  const parts: string[] = [];
  let height: number;
  let vector = charts.length > 0;
  if (vector) {
    for (const chart of charts) {
      const r = chart.getBoundingClientRect();
      const copy = inlinedCopy(chart);
      copy.setAttribute('x', String(Math.round(r.left - box.left) + 16));
      copy.setAttribute('y', String(Math.round(r.top - box.top) + top));
      copy.setAttribute('width', String(r.width));
      copy.setAttribute('height', String(r.height));
      parts.push(new XMLSerializer().serializeToString(copy));
    }
    height = Math.ceil(Math.max(...charts.map((c) => c.getBoundingClientRect().bottom - box.top))) + top;
  } else {
    const png = await figurePng(body, 2);
    parts.push(`<image x="16" y="${top}" width="${box.width}" height="${box.height}" href="${png}"/>`);
    height = Math.ceil(box.height) + top;
  }
  const text = (y: number, s: string, size: number, weight = 400) =>
    `<text x="16" y="${y}" font-family="${escapeXml(font)}" font-size="${size}" font-weight="${weight}" fill="${fg}">${escapeXml(s)}</text>`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height + 56}" viewBox="0 0 ${width} ${height + 56}">`,
    `<title>${escapeXml(meta.title)}</title>`,
    `<desc>${escapeXml(vector ? meta.caption : `${meta.caption} (The figure is drawn on a canvas: this SVG holds it as a raster image.)`)}</desc>`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    text(26, meta.title, 16, 600),
    ...parts,
    text(height + 22, meta.caption, 12),
    text(height + 42, meta.source, 11),
    '</svg>',
  ].join('\n');
  return { svg, vector };
}

/**
 * Why a figure is not ready to export, in words ("has not started computing",
 * "is still computing"), or null when it has a result to show (or an error,
 * which is what it shows). Read from the figure's chrome: its backend indicator
 * is empty until its worker runs, and aria-busy is set while it computes.
 */
export function figurePending(figure: HTMLElement): string | null {
  if (figure.querySelector('.figure-error')) return null;
  const backend = figure.querySelector('.backend');
  if (backend && !backend.getAttribute('data-backend')) return 'has not started computing';
  if (figure.getAttribute('aria-busy') === 'true') return 'is still computing';
  return null;
}

/** Resolves true once the figure is ready to export, false after `timeout` ms or when aborted. */
export function whenFigureComputed(figure: HTMLElement, timeout: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ready: boolean) => {
      if (settled) return;
      settled = true;
      observer.disconnect();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ready);
    };
    // a result that has just arrived is drawn on the next frame
    const check = () => {
      if (figurePending(figure) === null) requestAnimationFrame(() => requestAnimationFrame(() => done(figurePending(figure) === null)));
    };
    const observer = new MutationObserver(check);
    observer.observe(figure, { attributes: true, childList: true, subtree: true, attributeFilter: ['aria-busy', 'data-backend', 'class'] });
    const timer = setTimeout(() => done(false), timeout);
    const onAbort = () => done(false);
    signal?.addEventListener('abort', onAbort);
    check();
  });
}

export function download(name: string, href: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
