/**
 * scripts/serve.mjs under 2,400 seeded malformed and hostile requests over raw TCP:
 * percent-escapes good and bad, traversal in every encoding (plain, percent, double
 * percent, backslash, overlong UTF-8, absolute-form), links out, long and binary paths,
 * odd methods, broken header lines, ranges and validators that make no sense, and
 * requests cut short. Meanwhile a folder inside the served one is swapped for a link
 * to a secret folder outside and back, and a file is deleted and written again.
 * After each batch of 100 the server must still answer a normal request with 200 and
 * the right bytes; no response may ever carry the secret's bytes.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { get, makeFixture, rawRequest, rng, startServer, type Fixture, type RawResponse, type Server } from './serve-helpers.ts';

const SEED = 20150320;
const BATCHES = 24;
const PER_BATCH = 100;
const CONCURRENCY = 12;

let fx: Fixture;
let server: Server;

beforeAll(async () => {
  fx = makeFixture();
  server = await startServer(fx.site);
});
afterAll(async () => {
  await server?.stop();
  fx?.cleanup();
});

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Ways to write `..` and `/` that some server somewhere has decoded into a climb out. */
const DOTS = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '%c0%ae%c0%ae', '%e0%80%ae%e0%80%ae', '%c0%2e%c0%2e', '..%00', '%u002e%u002e', '.../', '....'];
const SLASHES = ['/', '%2f', '%2F', '%252f', '\\', '%5c', '%5C', '%c0%af', '%e0%80%af', '//', '/./'];
const TARGETS = ['secret.txt', 'site.bak/secret.txt', 'site-sub/data.txt', 'sitex/index.html', 'site.bak/', 'etc/passwd', 'proc/self/environ'];
const PREFIXES = ['/', '/embed/', '/embed/fig/', '/swap/', '/link-dir/', '/trap/index.html/', '/nope/'];
const ESCAPES = ['%', '%z', '%zz', '%%', '%g0', '%0', '%c0%ae', '%c0', '%ff', '%fe%ff', '%e2%82', '%ed%a0%80', '%f4%90%80%80', '%00', '%0a', '%0d%0a', '%2', '%u0041'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH', 'CONNECT', 'PROPFIND', 'get', 'G ET', 'FOO', 'X'.repeat(300), '', 'GET\x00'];
const PLAIN = ['/', '/a.txt', '/data.bin', '/embed/fig/', '/embed/fig', '/swap/data.txt', '/flicker.txt', '/link-in', '/link-out', '/link-dir/secret.txt', '/trap/', '/folder.html', '/folder.html/', '/404.html', '/nope'];

function traversal(r: Rand): string {
  const climbs = 1 + Math.floor(r() * 4);
  let p = pick(r, PREFIXES);
  for (let i = 0; i < climbs; i++) p += pick(r, DOTS) + pick(r, SLASHES);
  return p + pick(r, TARGETS);
}

function escapes(r: Rand): string {
  let p = pick(r, PLAIN);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (p.length + 1));
    p = p.slice(0, at) + pick(r, ESCAPES) + p.slice(at);
  }
  return p.startsWith('/') ? p : '/' + p;
}

function longPath(r: Rand): string {
  const kind = Math.floor(r() * 4);
  if (kind === 0) return '/' + 'a'.repeat(200 + Math.floor(r() * 15000));
  if (kind === 1) return '/' + 'x/'.repeat(50 + Math.floor(r() * 3000));
  if (kind === 2) return '/' + '%2e%2e%2f'.repeat(20 + Math.floor(r() * 500)) + 'secret.txt';
  return '/' + '../'.repeat(20 + Math.floor(r() * 300)) + 'secret.txt';
}

function binaryBytes(r: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function absolute(r: Rand): string {
  return pick(r, [
    'http://[/',
    'http://[::1/',
    'http://%zz/',
    'http://x:99999/a.txt',
    'http://127.0.0.1/..%2fsecret.txt',
    'HTTP://X/%2e%2e/secret.txt',
    'http://x/../../site.bak/secret.txt',
    'https://x/link-dir/secret.txt',
    'ftp://x/secret.txt',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http:/a.txt',
    'http://x' + traversal(r),
    '*',
    'a.txt',
    '..%2fsecret.txt',
  ]);
}

const HEADERS: (string | ((r: Rand) => string))[] = [
  'Range: bytes=0-5',
  'Range: bytes=-1',
  'Range: bytes=999999999999999999999-',
  'Range: bytes=5-1',
  'Range: bytes=0-1,2-3,4-5',
  'Range: bytes=--1',
  'Range: lines=1-2',
  'If-Range: "x"',
  'If-None-Match: *',
  'If-None-Match: W/"",,,"',
  'If-Modified-Since: yesterday',
  'If-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT',
  'Content-Length: -1',
  'Content-Length: abc',
  'Content-Length: 5\r\nContent-Length: 6',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked, identity',
  'Expect: 100-continue',
  'Connection: upgrade\r\nUpgrade: websocket',
  'Host:',
  'Host: a\r\nHost: b',
  'NoColonHere',
  ': empty name',
  'X-Obs-Fold: a\r\n folded',
  'X-Nul: a\x00b',
  'X-Bin: \xff\xfe\x80',
  (r) => `X-Long: ${'v'.repeat(100 + Math.floor(r() * 40000))}`,
  (r) => Array.from({ length: 50 + Math.floor(r() * 200) }, (_, i) => `X-H${i}: ${i}`).join('\r\n'),
];

/** One hostile request: the bytes to send, and how long to wait for the answer. */
function hostile(r: Rand): { bytes: Buffer; timeoutMs: number } {
  const kind = Math.floor(r() * 10);
  let method = 'GET';
  let target: string | Buffer;
  const extra: string[] = [];
  let version = 'HTTP/1.1';
  let tail = '\r\n\r\n';
  let timeoutMs = 3000;
  switch (kind) {
    case 0:
    case 1:
      target = traversal(r);
      break;
    case 2:
      target = escapes(r);
      break;
    case 3:
      target = longPath(r);
      break;
    case 4:
      // raw bytes in the path: high bytes, control bytes
      target = Buffer.concat([Buffer.from('/'), binaryBytes(r, 1 + Math.floor(r() * 64)).map((b) => (b === 0x20 || b === 0x0a || b === 0x0d ? 0x41 : b))]);
      break;
    case 5:
      method = pick(r, METHODS);
      target = pick(r, [...PLAIN, traversal(r)]);
      break;
    case 6: {
      target = pick(r, [...PLAIN, escapes(r)]);
      const n = 1 + Math.floor(r() * 3);
      for (let i = 0; i < n; i++) {
        const h = pick(r, HEADERS);
        extra.push(typeof h === 'function' ? h(r) : h);
      }
      break;
    }
    case 7:
      target = absolute(r);
      break;
    case 8: {
      // a broken request line or none at all
      const variants = [
        () => Buffer.from('GET\r\n\r\n'),
        () => Buffer.from('GET / HTTP/9.9\r\nHost: x\r\n\r\n'),
        () => Buffer.from('GET /  HTTP/1.1\r\n\r\n'),
        () => Buffer.from('GET /a.txt\r\n\r\n'),
        () => Buffer.from('\r\n\r\n\r\n'),
        () => Buffer.from(' / HTTP/1.1\r\n\r\n'),
        () => Buffer.concat([binaryBytes(r, 1 + Math.floor(r() * 512)), Buffer.from('\r\n\r\n')]),
        () => Buffer.from(`GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET ${traversal(r)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        () => Buffer.from('GET /a.txt HTTP/1.0\r\n\r\n'),
        () => Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      ];
      return { bytes: pick(r, variants)(), timeoutMs: 1500 };
    }
    default:
      // cut short: the head never ends (the server may wait; the client gives up and closes)
      target = pick(r, [...PLAIN, traversal(r)]);
      tail = pick(r, ['\r\n', '', '\r\nHost: x', '\r\nRange: bytes=0-']);
      timeoutMs = 300;
      version = pick(r, ['HTTP/1.1', 'HTTP/1.0']);
  }
  const head = Buffer.from(`${method} `, 'latin1');
  const rest = Buffer.from(` ${version}\r\nHost: 127.0.0.1${extra.map((h) => '\r\n' + h).join('')}\r\nConnection: close${tail}`, 'latin1');
  return { bytes: Buffer.concat([head, typeof target === 'string' ? Buffer.from(target, 'latin1') : target, rest]), timeoutMs };
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await f(items[next++]);
    }),
  );
}

it(`serve.mjs survives ${BATCHES * PER_BATCH} seeded hostile requests and never serves a byte from outside its folder`, async () => {
  const r = rng(SEED);
  const secret = Buffer.from(fx.secret);
  const statuses = new Map<number | null, number>();
  let leaks: string[] = [];
  let serverErrors: string[] = [];

  // the folder swapped for a link to a folder outside and back, a file deleted and written again, while serving
  const swap = join(fx.site, 'swap');
  let churn = true;
  let swaps = 0;
  const churner = (async () => {
    while (churn) {
      try {
        renameSync(swap, swap + '-away');
        symlinkSync('../site.bak', swap);
        await new Promise((d) => setTimeout(d, 2));
        unlinkSync(swap);
        renameSync(swap + '-away', swap);
        rmSync(join(fx.site, 'flicker.txt'), { force: true });
        await new Promise((d) => setTimeout(d, 1));
        writeFileSync(join(fx.site, 'flicker.txt'), 'flicker\n');
        swaps++;
      } catch {
        // keep the folder in a sane state for the next round
        try {
          unlinkSync(swap);
        } catch {}
        try {
          renameSync(swap + '-away', swap);
        } catch {}
        mkdirSync(swap, { recursive: true });
      }
      await new Promise((d) => setTimeout(d, 1));
    }
  })();

  const check = (label: string, res: RawResponse) => {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.raw.includes(secret)) leaks.push(label);
    if (res.status !== null && res.status >= 500) serverErrors.push(`${res.status} for ${label}`);
  };

  let sent = 0;
  try {
    for (let b = 0; b < BATCHES; b++) {
      const batch = Array.from({ length: PER_BATCH }, () => hostile(r));
      await pool(batch, CONCURRENCY, async (req) => {
        const res = await rawRequest(server.port, req.bytes, req.timeoutMs);
        sent++;
        check(JSON.stringify(req.bytes.subarray(0, 120).toString('latin1')), res);
      });
      // still alive and still right
      expect(server.proc.exitCode, `after batch ${b + 1}`).toBe(null);
      const ok = await get(server.port, '/data.bin');
      expect(ok.status, `after batch ${b + 1}`).toBe(200);
      expect(ok.body.equals(fx.data), `after batch ${b + 1}`).toBe(true);
      const home = await get(server.port, '/embed/fig/');
      expect(home.status, `after batch ${b + 1}`).toBe(200);
    }
  } finally {
    churn = false;
    await churner;
  }
  console.log(`serve fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${swaps} folder swaps`);
  expect(sent).toBe(BATCHES * PER_BATCH);
  expect(leaks).toEqual([]);
  expect(serverErrors).toEqual([]);
  expect(swaps).toBeGreaterThan(10);
  expect(server.stderr()).toBe('');
  // the mix really reached the server's refusals, not only the parser's
  for (const status of [200, 400, 404, 405]) expect(statuses.get(status) ?? 0, `responses with ${status}`).toBeGreaterThan(20);
  expect(statuses.get(301) ?? 0).toBeGreaterThan(5);
  leaks = [];
  serverErrors = [];
}, 120_000);
