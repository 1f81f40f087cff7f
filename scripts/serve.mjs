#!/usr/bin/env node
/**
 * A plain static file server for the built site, as any static host would serve
 * it: `node scripts/serve.mjs [--dir dist] [--base /] [--port 4321]`.
 * Serves DIR under the base path, index.html for folders, 404 otherwise.
 */
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const dir = resolve(opt('--dir', 'dist'));
let base = opt('--base', process.env.BASE_PATH ?? '/');
if (!base.startsWith('/')) base = '/' + base;
if (!base.endsWith('/')) base += '/';
const port = Number(opt('--port', process.env.PORT ?? 4321));
const host = opt('--host', '127.0.0.1');
// --headers FILE: apply a Netlify/Cloudflare-style _headers file ("PATH*" lines, then indented "Name: value")
const headerRules = [];
const headersFile = opt('--headers', null);
if (headersFile) {
  let rule = null;
  for (const line of readFileSync(headersFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) headerRules.push((rule = { pattern: line.trim(), headers: {} }));
    else if (rule) {
      const i = line.indexOf(':');
      rule.headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
}
function headersFor(pathname) {
  const out = {};
  for (const r of headerRules) {
    const match = r.pattern.endsWith('*') ? pathname.startsWith(r.pattern.slice(0, -1)) : pathname === r.pattern;
    if (match) Object.assign(out, r.headers);
  }
  return out;
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

function fileFor(pathname) {
  if (!pathname.startsWith(base)) return null;
  const rel = decodeURIComponent(pathname.slice(base.length));
  const full = normalize(join(dir, rel));
  if (!full.startsWith(dir)) return null;
  try {
    const s = statSync(full);
    if (s.isDirectory()) {
      const index = join(full, 'index.html');
      statSync(index);
      return index;
    }
    return full;
  } catch {
    return null;
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === base.slice(0, -1)) {
    res.writeHead(301, { location: base + url.search });
    return res.end();
  }
  const file = fileFor(url.pathname);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return res.end('not found');
  }
  res.writeHead(200, {
    ...headersFor(url.pathname),
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-cache',
  });
  createReadStream(file).pipe(res);
});
server.listen(port, host, () => console.log(`serving ${dir} at http://${host}:${port}${base}`));
