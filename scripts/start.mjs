#!/usr/bin/env node
/**
 * `npm start`: checks that the port is free (PORT, default 4321) before the build, so that a busy port costs
 * a sentence and not a build; then builds the site to dist/ (BASE_PATH, default /) and serves it with
 * scripts/serve.mjs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const port = Number(process.env.PORT ?? 4321);
const host = '127.0.0.1';
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT="${process.env.PORT}" is not a port number (1 to 65535). Example: PORT=8080 npm start`);
  process.exit(1);
}

const free = await new Promise((resolve) => {
  const probe = createServer();
  probe.once('error', (e) => resolve(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? e.code : String(e.code ?? e.message)));
  probe.listen(port, host, () => probe.close(() => resolve(true)));
});
if (free !== true) {
  const why = free === 'EADDRINUSE' ? 'is in use by another program' : free === 'EACCES' ? 'needs privileges this user lacks' : `cannot be opened (${free})`;
  console.error(`Port ${port} on ${host} ${why}. Choose another with PORT, e.g.: PORT=${port === 65535 ? 8080 : port + 1} npm start`);
  process.exit(1);
}

// DEP0040: TensorFlow.js's node-fetch 2 loads Node's deprecated punycode module; harmless, and not ours to change
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=DEP0040`.trim() };
const built = spawnSync('npx', ['astro', 'build'], { stdio: 'inherit', env });
if (built.status !== 0) process.exit(built.status ?? 1);
// the build took a minute or two: if something took the port meanwhile, serve.mjs says so
const server = spawn(process.execPath, ['scripts/serve.mjs', '--dir', process.env.OUT_DIR ?? 'dist', '--port', String(port)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
