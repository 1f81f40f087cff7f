/**
 * After the build: the service worker with the list of files to precache (its
 * version is a hash of that list and of their contents, so a new build replaces
 * the old cache), and the `_headers` file with the site's Content-Security-Policy,
 * hashing every inline script the built pages carry.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/**
 * Files every visit needs, precached: pages (404.html too), scripts, styles, every font (the text's and KaTeX's),
 * the wasm binaries (the threaded one is never used), the gallery's thumbnails, and the first figure's model,
 * digits and posters. The other models and digit files are cached when first used.
 */
export function precacheList(files: string[]): string[] {
  const first = ['models/manifest.json', 'models/softmax.bin', 'data/mnist-test-1000.bin', 'posters/fgsm-hero-clean.png', 'posters/fgsm-hero-direction.png', 'posters/fgsm-hero-adversarial.png', 'favicon.svg'];
  return files.filter(
    (f) =>
      (/\.(html|js|css|woff2)$/.test(f) && f !== 'sw.js') ||
      (/^tfjs\/[^/]+\.wasm$/.test(f) && !f.includes('threaded')) ||
      /^thumbnails\/[^/]+\.png$/.test(f) ||
      first.includes(f),
  );
}

export function scriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    if (m[1].trim() === '') continue;
    out.push(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  }
  return out;
}

export function contentSecurityPolicy(hashes: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${[...new Set(hashes)].join(' ')}`.trim(),
    // style attributes (KaTeX's, the figures' style: directives) and Astro's inline island styles; the components'
    // own CSS is a file (scripts/lib/island-css.ts)
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' data: blob:",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

export function writeBuildExtras(dist: string, base: string, log: (m: string) => void) {
  const files = walk(dist).map((f) => relative(dist, f).split('\\').join('/'));
  const pages = files.filter((f) => f.endsWith('.html'));
  const hashes = pages.flatMap((p) => scriptHashes(readFileSync(join(dist, p), 'utf8')));
  const csp = contentSecurityPolicy(hashes);
  writeFileSync(
    join(dist, '_headers'),
    [
      `${base}*`,
      `  Content-Security-Policy: ${csp}`,
      '  X-Content-Type-Options: nosniff',
      '  Referrer-Policy: no-referrer',
      `${base}sw.js`,
      '  Cache-Control: no-cache',
      '',
    ].join('\n'),
  );
  const precache = precacheList(files);
  const template = readFileSync(new URL('./sw-template.js', import.meta.url), 'utf8');
  // the version changes with what is precached and with the service worker's own code
  const version = createHash('sha256').update(template);
  for (const f of precache) version.update(f).update(readFileSync(join(dist, f)));
  const urls = precache.map((f) => base + f.replace(/(^|\/)index\.html$/, '$1'));
  writeFileSync(
    join(dist, 'sw.js'),
    template.replace('__VERSION__', version.digest('hex').slice(0, 16)).replace('__PRECACHE__', JSON.stringify(urls)).replace('__BASE__', JSON.stringify(base)),
  );
  const bytes = precache.reduce((n, f) => n + statSync(join(dist, f)).size, 0);
  log(`service worker precaches ${precache.length} files (${(bytes / 1e6).toFixed(1)} MB); _headers with a CSP hashing ${new Set(hashes).size} inline scripts`);
}
