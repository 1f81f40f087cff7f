/**
 * scripts/serve.mjs, one behaviour at a time: the status of each kind of request
 * (200, 206, 301, 304, 400, 404, 405, 416), the base path, the _headers file,
 * containment (siblings, links), and a busy port.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, makeFixture, rawRequest, startServer, type Fixture, type Server } from './serve-helpers.ts';

let fx: Fixture;
let server: Server;
let sub: Server;

beforeAll(async () => {
  fx = makeFixture();
  writeFileSync(join(fx.root, '_headers'), ['/*', '  X-Test-Header: yes', '  Content-Security-Policy: default-src \'self\'', '/sw.js', '  Cache-Control: no-store', ''].join('\n'));
  server = await startServer(fx.site, ['--headers', join(fx.root, '_headers')]);
  sub = await startServer(fx.site, ['--base', '/harnessing/']);
});
afterAll(async () => {
  await server?.stop();
  await sub?.stop();
  fx?.cleanup();
});

describe('serve.mjs', () => {
  it('serves files and folders with validators, types and the _headers rules', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(fx.index);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['x-test-header']).toBe('yes');
    expect(r.headers['content-security-policy']).toBe("default-src 'self'");
    const d = await get(server.port, '/data.bin');
    expect(d.status).toBe(200);
    expect(createHash('sha256').update(d.body).digest('hex')).toBe(createHash('sha256').update(fx.data).digest('hex'));
    expect(d.headers['content-length']).toBe('4096');
    expect(d.headers['accept-ranges']).toBe('bytes');
    expect(d.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(d.headers['last-modified']).getTime()).not.toBeNaN();
    const head = await get(server.port, '/data.bin', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('4096');
    expect(head.body.length).toBe(0);
    // a link inside the folder to a file inside it is served
    expect((await get(server.port, '/link-in')).body.toString()).toBe('hello\n');
  });

  it('400 for malformed targets: bad escapes, overlong UTF-8, NUL, climbing out, an unparsable absolute URL', async () => {
    for (const target of ['/%', '/%zz', '/%c0%ae', '/%c0%ae%c0%ae/secret.txt', '/a%00.txt', '/..%2fsecret.txt', '/embed/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/..%5csecret.txt', 'http://[/', 'http://%zz/', 'ftp://x/a.txt', 'a.txt', '*']) {
      const r = await get(server.port, target);
      expect(r.status, target).toBe(400);
      expect(r.raw.includes(fx.secret), target).toBe(false);
    }
    // an absolute-form target that is well formed is served
    expect((await get(server.port, 'http://127.0.0.1/a.txt')).body.toString()).toBe('hello\n');
  });

  it('404 with the built 404 page for unknown paths, never the home page', async () => {
    for (const target of ['/nope', '/embed/nope/', '/a.txt/', '/a.txt/x', '/trap/', '/folder.html/', '/' + 'x'.repeat(5000)]) {
      const r = await get(server.port, target);
      expect(r.status, target).toBe(404);
      expect(r.body.toString(), target).toBe(fx.notFoundPage);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    const head = await get(server.port, '/nope', {}, 'HEAD');
    expect(head.status).toBe(404);
    expect(head.body.length).toBe(0);
    // outside the base path
    const r = await get(sub.port, '/a.txt');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toBe(fx.notFoundPage);
  });

  it('nothing outside the folder: sibling folders through encoded .., links out, a link to a folder out', async () => {
    for (const target of ['/link-out', '/link-dir/secret.txt', '/link-dir/', '/link-dir', '/..%2fsite.bak/secret.txt', '/%2e%2e%2fsite-sub/secret.txt', '/%252e%252e/secret.txt', '/..\\secret.txt']) {
      const r = await get(server.port, target);
      expect([400, 404], target).toContain(r.status);
      expect(r.raw.includes(fx.secret), target).toBe(false);
    }
  });

  it('405 with Allow for every method but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH', 'PROPFIND']) {
      const r = await get(server.port, '/a.txt', { 'Content-Length': '0' }, method);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.raw.includes('hello')).toBe(false);
    }
  });

  it('301 from a folder without its slash to the folder, keeping the query and the base path', async () => {
    let r = await get(server.port, '/embed/fig?eps=0.3&digit=2');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/embed/fig/?eps=0.3&digit=2');
    r = await get(sub.port, '/harnessing/embed/fig?eps=0.3');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/harnessing/embed/fig/?eps=0.3');
    r = await get(sub.port, '/harnessing?x=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/harnessing/?x=1');
    // never to another host: a doubled slash is not carried into the location
    r = await get(server.port, '//embed/fig');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/embed/fig/');
    expect((await get(sub.port, '/harnessing/embed/fig/')).status).toBe(200);
  });

  it('206 for a byte range, 416 for one past the end, the whole file when If-Range does not match', async () => {
    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=100-199', 100, 199],
      ['bytes=-16', 4080, 4095],
      ['bytes=4000-', 4000, 4095],
      ['bytes=4000-99999', 4000, 4095],
    ];
    for (const [range, start, end] of cases) {
      const r = await get(server.port, '/data.bin', { Range: range });
      expect(r.status, range).toBe(206);
      expect(r.headers['content-range']).toBe(`bytes ${start}-${end}/4096`);
      expect(r.body.equals(fx.data.subarray(start, end + 1)), range).toBe(true);
    }
    for (const range of ['bytes=4096-', 'bytes=99999-100000', 'bytes=-0']) {
      const r = await get(server.port, '/data.bin', { Range: range });
      expect(r.status, range).toBe(416);
      expect(r.headers['content-range']).toBe('bytes */4096');
    }
    // a header it does not understand, or several ranges: the whole file
    for (const range of ['bytes=5-1', 'items=0-1', 'bytes=0-1,5-6', 'garbage']) {
      const r = await get(server.port, '/data.bin', { Range: range });
      expect(r.status, range).toBe(200);
      expect(r.body.equals(fx.data)).toBe(true);
    }
    const etag = (await get(server.port, '/data.bin')).headers.etag;
    expect((await get(server.port, '/data.bin', { Range: 'bytes=0-9', 'If-Range': etag })).status).toBe(206);
    const stale = await get(server.port, '/data.bin', { Range: 'bytes=0-9', 'If-Range': '"0-0"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(4096);
  });

  it('304 for a matching ETag or a date not older than the file; 200 when the file changed', async () => {
    const first = await get(server.port, '/a.txt');
    const { etag } = first.headers;
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await get(server.port, '/a.txt', { 'If-None-Match': inm });
      expect(r.status, inm).toBe(304);
      expect(r.body.length).toBe(0);
      expect(r.headers.etag).toBe(etag);
    }
    expect((await get(server.port, '/a.txt', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect((await get(server.port, '/a.txt', { 'If-Modified-Since': first.headers['last-modified'] })).status).toBe(304);
    expect((await get(server.port, '/a.txt', { 'If-Modified-Since': 'Thu, 01 Jan 1998 00:00:00 GMT' })).status).toBe(200);
    expect((await get(server.port, '/a.txt', { 'If-Modified-Since': 'not a date' })).status).toBe(200);
    // a new build: the file changes, its ETag too, and the old one no longer matches
    writeFileSync(join(fx.site, 'a.txt'), 'hello again, a longer file\n');
    const changed = await get(server.port, '/a.txt', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toBe('hello again, a longer file\n');
    expect(changed.headers.etag).not.toBe(etag);
    writeFileSync(join(fx.site, 'a.txt'), 'hello\n');
  });

  it('gzip for text a client accepts it for, with its own ETag and Vary; ranges and other files as they are', async () => {
    const big = `<!doctype html><title>long</title>${'<p>a paragraph of the article</p>'.repeat(200)}`;
    writeFileSync(join(fx.site, 'long.html'), big);
    const plain = await get(server.port, '/long.html');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(big);
    const z = await get(server.port, '/long.html', { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(z.status).toBe(200);
    expect(z.headers['content-encoding']).toBe('gzip');
    expect(z.headers.vary).toBe('Accept-Encoding');
    expect(Number(z.headers['content-length'])).toBe(z.body.length);
    expect(z.body.length).toBeLessThan(big.length / 10);
    expect(gunzipSync(z.body).toString()).toBe(big);
    expect(z.headers.etag).not.toBe(plain.headers.etag);
    // its ETag revalidates the compressed copy
    expect((await get(server.port, '/long.html', { 'accept-encoding': 'gzip', 'if-none-match': z.headers.etag })).status).toBe(304);
    // refused by q=0, a range, a type compressed already: the bytes as they are
    expect((await get(server.port, '/long.html', { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    const part = await get(server.port, '/long.html', { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.body.toString()).toBe(big.slice(0, 10));
    const bin = await get(server.port, '/data.bin', { 'accept-encoding': 'gzip' });
    expect(bin.headers['content-encoding']).toBeUndefined();
    expect(bin.body.length).toBe(4096);
    // HEAD: the compressed length, no body
    const head = await get(server.port, '/long.html', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-length']).toBe(z.headers['content-length']);
    expect(head.body.length).toBe(0);
  });

  it('a busy port: one clear line suggesting PORT=..., no stack trace, exit status 1', async () => {
    const serve = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));
    const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [serve, '--dir', fx.site], { env: { ...process.env, PORT: String(server.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (c) => resolve({ code: c, err }));
    });
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(`port ${server.port}`);
    expect(err).toMatch(/PORT=\d+/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('the parser’s own refusals answer 400 or 431 and the server lives on', async () => {
    const bad = [
      'GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n',
    ];
    for (const b of bad) {
      const r = await rawRequest(server.port, Buffer.from(b, 'latin1'));
      expect([400, 431]).toContain(r.status);
    }
    expect((await get(server.port, '/a.txt')).status).toBe(200);
    expect(server.proc.exitCode).toBe(null);
  });
});
