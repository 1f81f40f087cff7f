#!/usr/bin/env node
/**
 * A static file server for the built site, as a careful static host would serve
 * it: `node scripts/serve.mjs [--dir dist] [--base /] [--port 4321] [--host 127.0.0.1] [--headers FILE]`
 * (PORT and BASE_PATH in the environment work too; `--port 0` takes a free port).
 *
 * - Serves only regular files whose real path (symbolic links resolved) lies inside
 *   the real path of DIR; on Linux the opened file itself is checked again, so a folder
 *   swapped for a link while serving cannot leak what lies outside.
 * - GET and HEAD only (405 with Allow otherwise); 400 for a malformed request target
 *   (bad percent-escapes, overlong UTF-8, NUL bytes, `..` segments, unparsable absolute URLs).
 * - Unknown paths: 404 with the build's own 404.html. A folder without its trailing
 *   slash (`/embed/name`) is redirected to it, keeping the query and the base path.
 * - ETag and Last-Modified with If-None-Match / If-Modified-Since (304), single byte
 *   ranges (206, 416) with If-Range.
 * - Text, scripts, styles, JSON, SVG and wasm go gzip-compressed to a client that accepts
 *   gzip (as GitHub Pages and other static hosts send them), with `Vary: Accept-Encoding`
 *   and an ETag of their own; a range request gets the file's bytes as they are.
 * - `--headers FILE` applies a Netlify/Cloudflare-style `_headers` file.
 * - No request stops it: every failure inside a request ends that request only.
 */
import { createServer } from 'node:http';
import { readFileSync, constants as fsConstants } from 'node:fs';
import { open, readlink, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const dir = resolve(opt('--dir', 'dist'));
let base = opt('--base', process.env.BASE_PATH || '/');
if (!base.startsWith('/')) base = '/' + base;
if (!base.endsWith('/')) base += '/';
const portText = opt('--port', process.env.PORT || '4321');
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: the port must be a whole number from 0 to 65535, not "${portText}"`);
  process.exit(1);
}
const host = opt('--host', '127.0.0.1');

// --headers FILE: apply a Netlify/Cloudflare-style _headers file ("PATH*" lines, then indented "Name: value")
const headerRules = [];
const headersFile = opt('--headers', null);
if (headersFile) {
  let text;
  try {
    text = readFileSync(headersFile, 'utf8');
  } catch (e) {
    console.error(`serve: cannot read the headers file ${headersFile} (${e.code ?? e.message})`);
    process.exit(1);
  }
  let rule = null;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) headerRules.push((rule = { pattern: line.trim(), headers: {} }));
    else if (rule) {
      const i = line.indexOf(':');
      if (i > 0) rule.headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
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
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
};

/** A request the server refuses with a status, without touching the disk. */
class Refusal extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The path and query of a request target, or a Refusal: origin-form (`/a/b?q`) or
 * absolute-form (`http://host/a/b?q`); the path percent-decoded once.
 */
function parseTarget(target) {
  if (typeof target !== 'string' || target.length === 0) throw new Refusal(400, 'empty request target');
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    let u;
    try {
      u = new URL(target);
    } catch {
      throw new Refusal(400, 'malformed absolute request target');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Refusal(400, 'request target is not an http URL');
    target = u.pathname + u.search;
  }
  if (!target.startsWith('/')) throw new Refusal(400, 'request target must start with /');
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const query = q >= 0 ? target.slice(q) : '';
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new Refusal(400, 'malformed percent-escape in the path');
  }
  if (/[\0-\x1f\x7f]/.test(path)) throw new Refusal(400, 'control character in the path');
  // `..` is refused whatever separator surrounds it; the real-path check below is the guard that counts
  if (path.split(/[\\/]/).includes('..')) throw new Refusal(400, 'the path climbs out of the site');
  return { path, query };
}

/** True when `p` is `root` or lies inside it. */
const inside = (root, p) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** Header-safe: a query string with anything outside printable ASCII percent-encoded. */
const safeQuery = (query) => query.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c).replace(/%25/g, '%'));

/**
 * What a path names under the served folder: { file, realFile } for a regular file,
 * { redirect } for a folder asked for without its trailing slash, or null.
 */
async function lookup(root, relSegments, wantsFolder) {
  const full = join(root, ...relSegments);
  let real;
  try {
    real = await realpath(full);
  } catch {
    return null; // missing, not a folder on the way (ENOTDIR), a name too long, a link loop
  }
  if (!inside(root, real)) return null;
  const s = await stat(real).catch(() => null);
  if (!s) return null;
  if (s.isDirectory()) {
    if (!wantsFolder) return { redirect: true };
    const index = await realpath(join(real, 'index.html')).catch(() => null);
    if (!index || !inside(root, index)) return null;
    return { realFile: index };
  }
  if (wantsFolder || !s.isFile()) return null;
  return { realFile: real };
}

/** Opens a regular file inside root (checked again on the open descriptor where the platform shows it), or null. */
async function openInside(root, realFile) {
  let handle;
  try {
    handle = await open(realFile, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new Error('not a regular file');
    if (process.platform === 'linux') {
      // the file actually opened: a folder on the way swapped for a link after realpath shows here
      const opened = await readlink(`/proc/self/fd/${handle.fd}`);
      if (!inside(root, opened)) throw new Error('outside the served folder');
    }
    return { handle, stat: s };
  } catch {
    await handle.close().catch(() => {});
    return null;
  }
}

const etagOf = (s) => `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;

/** Whether an If-None-Match list names this ETag (weak comparison, as RFC 9110 asks for it). */
function etagMatches(header, etag) {
  if (header.trim() === '*') return true;
  const strip = (t) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === strip(etag));
}

/** One byte range of a file of `size` bytes: { start, end }, 'unsatisfiable', or null (ignore the header). */
function parseRange(header, size) {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null; // several ranges, another unit, or garbage: serve the whole file
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start;
  let end;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return null; // invalid: ignored
  }
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  return { start, end };
}

function sendText(req, res, status, text, headers = {}) {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Types worth compressing (images and fonts are compressed already). */
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt', '.xml', '.webmanifest']);
/** Whether an Accept-Encoding header accepts gzip (named with a non-zero q, or `*`). */
function acceptsGzip(header) {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding.trim() === 'gzip' || coding.trim() === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}
/** Compressed bodies by file and version (ETag), so a file is compressed once; bounded, oldest dropped first. */
const gzipCache = new Map();
let gzipCacheBytes = 0;
async function gzipped(opened, key) {
  const hit = gzipCache.get(key);
  if (hit) return hit;
  const body = gzipSync(await opened.handle.readFile(), { level: 9 });
  gzipCache.set(key, body);
  gzipCacheBytes += body.length;
  for (const [k, v] of gzipCache) {
    if (gzipCacheBytes <= 64 * 2 ** 20) break;
    gzipCache.delete(k);
    gzipCacheBytes -= v.length;
  }
  return body;
}

/** Streams an opened file; a read error ends this response only. */
function stream(req, res, opened, status, headers, range) {
  const { handle, stat: s } = opened;
  const len = range ? range.end - range.start + 1 : s.size;
  res.writeHead(status, { ...headers, 'content-length': len });
  if (req.method === 'HEAD' || len === 0) {
    handle.close().catch(() => {});
    return res.end();
  }
  const rs = handle.createReadStream({ start: range?.start ?? 0, end: range?.end ?? s.size - 1 });
  rs.on('error', () => res.destroy());
  res.on('close', () => rs.destroy());
  rs.pipe(res);
}

/** The build's 404 page with status 404, or a line of text where there is none. */
async function notFound(req, res, root) {
  const page = root && (await lookup(root, ['404.html'], false));
  const opened = page?.realFile && (await openInside(root, page.realFile));
  if (!opened) return sendText(req, res, 404, 'not found', headersFor(base));
  stream(req, res, opened, 404, { ...headersFor(base), 'content-type': types['.html'], 'cache-control': 'no-cache' });
}

async function handle(req, res) {
  const { path, query } = parseTarget(req.url);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new Refusal(405, `${req.method} is not allowed here`, { allow: 'GET, HEAD' });
  }
  let root = null;
  try {
    root = await realpath(dir);
  } catch {
    // the folder is gone (a rebuild in progress): everything is not found
  }
  if (path === base.slice(0, -1) && base !== '/') {
    res.writeHead(301, { location: base + safeQuery(query), 'content-length': 0 });
    return res.end();
  }
  if (!root || !path.startsWith(base)) return notFound(req, res, root);
  const rel = path.slice(base.length);
  const segments = rel.split('/').filter((s) => s !== '' && s !== '.');
  const wantsFolder = rel === '' || rel.endsWith('/');
  const found = await lookup(root, segments, wantsFolder);
  if (!found) return notFound(req, res, root);
  if (found.redirect) {
    const location = base + segments.map(encodeURIComponent).join('/') + '/' + safeQuery(query);
    res.writeHead(301, { location, 'content-length': 0 });
    return res.end();
  }
  const opened = await openInside(root, found.realFile);
  if (!opened) return notFound(req, res, root);
  const s = opened.stat;
  const ext = extname(found.realFile).toLowerCase();
  const rangeHeader = req.headers.range;
  // compressed where the client accepts it and asks for the whole file (a range counts bytes of the file as it is)
  const canCompress = compressible.has(ext) && s.size > 256;
  const gzip = canCompress && rangeHeader === undefined && acceptsGzip(req.headers['accept-encoding']);
  const fileEtag = etagOf(s);
  const etag = gzip ? `${fileEtag.slice(0, -1)}-gz"` : fileEtag;
  const lastModified = new Date(Math.floor(s.mtimeMs / 1000) * 1000).toUTCString();
  const headers = {
    ...headersFor(path),
    'content-type': types[ext] ?? 'application/octet-stream',
    'cache-control': headersFor(path)['cache-control'] ?? 'no-cache',
    etag,
    'last-modified': lastModified,
    'accept-ranges': 'bytes',
    ...(canCompress ? { vary: 'Accept-Encoding' } : {}),
  };
  // conditional requests: If-None-Match wins over If-Modified-Since
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified = inm !== undefined ? etagMatches(inm, etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
  if (notModified) {
    await opened.handle.close().catch(() => {});
    res.writeHead(304, { etag, 'last-modified': lastModified, 'cache-control': headers['cache-control'], ...(canCompress ? { vary: 'Accept-Encoding' } : {}) });
    return res.end();
  }
  if (gzip) {
    const body = await gzipped(opened, `${found.realFile}\n${fileEtag}`).finally(() => opened.handle.close().catch(() => {}));
    res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
    return res.end(req.method === 'HEAD' ? undefined : body);
  }
  const ifRange = req.headers['if-range'];
  const rangeApplies = rangeHeader !== undefined && (ifRange === undefined || ifRange.trim() === etag || ifRange.trim() === lastModified);
  const range = rangeApplies ? parseRange(rangeHeader, s.size) : null;
  if (range === 'unsatisfiable') {
    await opened.handle.close().catch(() => {});
    return sendText(req, res, 416, 'range not satisfiable', { 'content-range': `bytes */${s.size}`, 'accept-ranges': 'bytes' });
  }
  if (range) return stream(req, res, opened, 206, { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${s.size}` }, range);
  stream(req, res, opened, 200, headers, null);
}

const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (res.headersSent) return res.destroy();
    try {
      if (e instanceof Refusal) sendText(req, res, e.status, e.message, e.headers);
      else sendText(req, res, 500, 'internal error');
    } catch {
      res.destroy();
    }
  });
});
// malformed requests the HTTP parser itself refuses (bad header lines, oversized heads): answer and close
server.on('clientError', (err, socket) => {
  if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
});
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') {
    console.error(`serve: port ${port} on ${host} is already in use; choose another, e.g. PORT=${port + 1} npm start (or --port ${port + 1})`);
  } else if (e.code === 'EACCES') {
    console.error(`serve: not allowed to listen on port ${port}; choose a port above 1023, e.g. PORT=4321`);
  } else {
    console.error(`serve: cannot listen on ${host}:${port} (${e.code ?? e.message})`);
  }
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address();
  const shownHost = typeof a === 'object' && a ? (a.family === 'IPv6' ? `[${a.address}]` : a.address) : host;
  console.log(`serving ${dir} at http://${shownHost}:${typeof a === 'object' && a ? a.port : port}${base}`);
});
