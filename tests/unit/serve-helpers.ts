/**
 * For the tests of scripts/serve.mjs: a served folder in a temporary directory with
 * hostile neighbours (a sibling folder whose name extends the served one's, a secret
 * file beside it, symbolic links pointing out), the server started as its own process
 * on a free port, and raw HTTP over TCP (no client library normalises what is sent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

export interface Fixture {
  root: string;
  site: string;
  /** Bytes that only files outside the served folder hold. */
  secret: string;
  /** The content of site/data.bin (4,096 random bytes). */
  data: Buffer;
  index: string;
  notFoundPage: string;
  cleanup: () => void;
}

export function makeFixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'serve-test-'));
  const site = join(root, 'site');
  const secret = `SECRET-${randomBytes(12).toString('hex')}`;
  const data = randomBytes(4096);
  const index = '<!doctype html><title>home</title><h1>home</h1>';
  const notFoundPage = '<!doctype html><title>Not found</title><h1>This page does not exist</h1>';
  mkdirSync(join(site, 'embed', 'fig'), { recursive: true });
  mkdirSync(join(site, 'swap'), { recursive: true });
  // a folder named like the file a folder request looks for
  mkdirSync(join(site, 'trap', 'index.html'), { recursive: true });
  mkdirSync(join(site, 'folder.html'), { recursive: true });
  writeFileSync(join(site, 'index.html'), index);
  writeFileSync(join(site, '404.html'), notFoundPage);
  writeFileSync(join(site, 'embed', 'fig', 'index.html'), '<!doctype html><title>fig</title>');
  writeFileSync(join(site, 'data.bin'), data);
  writeFileSync(join(site, 'a.txt'), 'hello\n');
  writeFileSync(join(site, 'swap', 'data.txt'), 'inside\n');
  writeFileSync(join(site, 'flicker.txt'), 'flicker\n');
  // neighbours: a sibling whose name starts like the served folder's, a file beside it, a sibling of the parent
  for (const sib of ['site.bak', 'site-sub', 'sitex']) {
    mkdirSync(join(root, sib), { recursive: true });
    writeFileSync(join(root, sib, 'secret.txt'), secret);
    writeFileSync(join(root, sib, 'data.txt'), secret);
    writeFileSync(join(root, sib, 'index.html'), secret);
  }
  writeFileSync(join(root, 'secret.txt'), secret);
  // links: one to a file outside, one to a folder outside, one inside (allowed)
  symlinkSync(join(root, 'secret.txt'), join(site, 'link-out'));
  symlinkSync('../site.bak', join(site, 'link-dir'));
  symlinkSync('a.txt', join(site, 'link-in'));
  return { root, site, secret, data, index, notFoundPage, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Server {
  port: number;
  proc: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

export function startServer(dir: string, extra: string[] = []): Promise<Server> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [SERVE, '--dir', dir, '--port', '0', '--host', '127.0.0.1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m)
        resolve({
          port: Number(m[1]),
          proc,
          stderr: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill();
            }),
        });
    });
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)));
  });
}

export interface RawResponse {
  raw: Buffer;
  /** The status code of the first response, or null when none came. */
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  timedOut: boolean;
}

/** Sends bytes on a fresh TCP connection and collects everything until the server closes it (or the timeout). */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 3000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timedOut = false;
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      resolve({ raw, timedOut, ...parseResponse(raw) });
    });
    socket.write(bytes);
  });
}

function parseResponse(raw: Buffer): { status: number | null; headers: Record<string, string>; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end >= 0 ? raw.subarray(0, end) : raw).toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: m ? Number(m[1]) : null, headers, body: end >= 0 ? raw.subarray(end + 4) : Buffer.alloc(0) };
}

/** A plain request line and head, the connection closed after the answer. */
export function get(port: number, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return rawRequest(port, Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'));
}

/** A small seeded generator (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
