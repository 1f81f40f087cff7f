#!/usr/bin/env node
/**
 * The test commands.
 *   npm test                        unit tests (vitest) on src/lib; the site built at / and under /harnessing/ (the two
 *                                   builds run side by side); the browser tests (Playwright, real Chromium) on both.
 *                                   The exhaustive sweeps (tests tagged @stress) are left to test:stress.
 *   npm run test:e2e [-- ARGS]      the browser tests alone; builds only what is missing or older than the sources.
 *                                   ARGS go to Playwright: spec files (tests/e2e/x.spec.ts, x.spec.ts:42), -g TITLE,
 *                                   --repeat-each=3, --workers=1 ...
 *   npm run test:stress [-- ARGS]   the exhaustive sweeps (@stress), at full size (STRESS=1: 500 bad URL states); then,
 *                                   one at a time, those that measure main-thread tasks (@alone).
 *   npm run test:visual [-- ARGS]   the visual regression suite (@visual): every figure and scroll step at 1280 and
 *                                   375 px, light and dark, against the references in tests/visual/; `-- --update`
 *                                   writes the references that differ again (review them in the diff). npm test runs
 *                                   only its quick core (@visual-core).
 * On failure it prints the total time, what failed and the one command that reruns just that.
 * Not on a terminal (a log, CI) its output is plain text: no colour codes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './find-chromium.mjs';

const argv = process.argv.slice(2);
const stress = argv.includes('--stress');
const visual = argv.includes('--visual');
const e2eOnly = stress || visual || argv.includes('--e2e-only');
// test:visual's --update is Playwright's --update-snapshots=changed: only the references that fail are written again
const passThrough = argv
  .filter((a) => a !== '--stress' && a !== '--visual' && a !== '--e2e-only')
  .map((a) => (visual && a === '--update' ? '--update-snapshots=changed' : a));
const plain = !process.stdout.isTTY;
const started = Date.now();
const timings = [];

// DEP0040: TensorFlow.js's node-fetch 2 loads Node's deprecated punycode module; harmless, and not ours to change
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=DEP0040`.trim() };
// the tools write into a pipe: on a terminal ask them for colour; in a log strip what they colour anyway
// (Playwright forces colour in its workers; NO_COLOR beside that only adds a warning per process)
if (!plain) env.FORCE_COLOR ??= '1';

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;
const say = (line = '') => process.stdout.write(`${line}\n`);
/** An argument as a shell reads it back. */
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** Runs a command, its output passed through (plain text when not on a terminal) or kept to print on failure. */
function run(cmd, args, { extraEnv = {}, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let kept = '';
    const pass = (stream) => (chunk) => {
      const text = plain || quiet ? chunk.toString().replace(ANSI, '') : chunk.toString();
      if (quiet) kept += text;
      else stream.write(text);
    };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    child.on('close', (code, signal) => resolve({ ok: code === 0, code: code ?? signal, output: kept }));
  });
}

async function timed(title, fn) {
  say(`\n== ${title}`);
  const t0 = Date.now();
  const result = await fn();
  timings.push(`${title}: ${minutes(Date.now() - t0)}`);
  return result;
}

function fail(what, rerun, label) {
  say(`\n${'='.repeat(72)}`);
  say(`FAILED after ${minutes(Date.now() - started)}: ${what}`);
  if (timings.length) say(`Times: ${timings.join('; ')}.`);
  if (rerun.length) {
    say(label ?? (rerun.length === 1 ? 'Rerun just that:' : 'Rerun just those:'));
    for (const r of rerun) say(`  ${r}`);
  }
  process.exit(1);
}

// ---- the builds: fresh when newer than every source file ----
const SOURCES = ['src', 'content', 'models', 'public', 'scripts/lib', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
const GENERATED = new Set(['public/models', 'public/data', 'public/tfjs', 'public/posters']); // written by the build itself
function newest(path) {
  if (!existsSync(path) || GENERATED.has(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}
/** Why `dir` must be built again for `base`, or null when it is fresh. */
function stale(dir, base) {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return `${dir}/ has no build`;
  const html = readFileSync(index, 'utf8');
  const under = html.includes('"/harnessing/_astro/') || html.includes("'/harnessing/_astro/");
  if (under !== (base === '/harnessing/')) return `${dir}/ was built for another base path`;
  const built = statSync(index).mtimeMs;
  const changed = Math.max(...SOURCES.map(newest));
  return changed > built ? `${dir}/ is older than the sources` : null;
}
const BUILDS = [
  { dir: 'dist', base: '/' },
  { dir: 'dist-sub', base: '/harnessing/' },
];
async function build() {
  const todo = BUILDS.map((b) => ({ ...b, why: stale(b.dir, b.base) })).filter((b) => b.why);
  if (todo.length === 0) {
    say(`dist/ and dist-sub/ are newer than every source file: not built again.`);
    return;
  }
  for (const b of todo) say(`building ${b.dir}/ (base ${b.base}): ${b.why}`);
  let extraEnv = {};
  if (todo.length > 1) {
    // what the builds copy from public/ (models, digits, wasm, the hero's poster) is written once, before both
    const prepare = `const { writeSiteAssets } = await import('./scripts/lib/site-assets.ts');
      const { writePosters } = await import('./scripts/lib/posters.ts');
      writeSiteAssets(); await writePosters('public/posters');`;
    const r = await run(process.execPath, ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', prepare], { quiet: true });
    if (!r.ok) {
      say(r.output);
      fail('writing the site assets into public/', ['npx astro build']);
    }
    extraEnv = { SITE_ASSETS_WRITTEN: '1' };
  }
  // the two builds run side by side; each prints only a summary, or everything if it fails
  const results = await Promise.all(
    todo.map(async (b) => {
      const t0 = Date.now();
      const r = await run('npx', ['astro', 'build'], { extraEnv: { ...extraEnv, BASE_PATH: b.base, OUT_DIR: b.dir }, quiet: true });
      say(`  ${b.dir}/ ${r.ok ? 'built' : 'FAILED'} in ${minutes(Date.now() - t0)}`);
      return { ...b, ...r };
    }),
  );
  const bad = results.filter((r) => !r.ok);
  if (bad.length) {
    for (const b of bad) say(`\n---- build of ${b.dir}/ (exit ${b.code}) ----\n${b.output}`);
    fail(
      `the build of ${bad.map((b) => `${b.dir}/`).join(' and ')}`,
      bad.map((b) => (b.base === '/' ? 'npx astro build' : `BASE_PATH=${b.base} OUT_DIR=${b.dir} npx astro build`)),
    );
  }
}

// ---- unit tests ----
async function unit() {
  const report = join(tmpdir(), `harnessing-vitest-${process.pid}.json`);
  const r = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (r.ok) return rmSync(report, { force: true });
  let files = [];
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    files = json.testResults.filter((t) => t.status !== 'passed').map((t) => t.name.replace(`${process.cwd()}/`, ''));
    const tests = json.testResults.flatMap((t) => t.assertionResults.filter((a) => a.status === 'failed').map((a) => `${t.name.replace(`${process.cwd()}/`, '')} › ${a.fullName}`));
    if (tests.length) say(`\nFailed unit tests:\n${tests.map((t) => `  ${t}`).join('\n')}`);
  } catch {
    // no report: vitest could not start; its own message is above
  }
  rmSync(report, { force: true });
  fail('unit tests', [files.length ? `npx vitest run ${files.join(' ')}` : 'npx vitest run']);
}

// ---- browser tests ----
/** Whether a port on 127.0.0.1 can be listened on now. */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
/** The three servers of playwright.config.ts need their ports: say before anything else which is taken, and how to move them. */
async function checkPorts() {
  const base = Number(env.E2E_PORT ?? 4391);
  for (const p of [base, base + 1, base + 2]) {
    if (await portFree(p)) continue;
    const cmd = `E2E_PORT=${base + 10} ${stress ? 'npm run test:stress' : visual ? 'npm run test:visual' : e2eOnly ? 'npm run test:e2e' : 'npm test'}${passThrough.length ? ` -- ${passThrough.map(quote).join(' ')}` : ''}`;
    fail(`port ${p} on 127.0.0.1 is in use; the browser tests serve on E2E_PORT, E2E_PORT + 1 and E2E_PORT + 2 (now ${base} to ${base + 2})`, [cmd], 'Other ports:');
  }
}
/** One Playwright run with these arguments; the tests that failed in it (its reporter's list), none when it passed. */
async function playwright(args, chromium, workers) {
  say(`npx ${args.map(quote).join(' ')}`);
  const r = await run('npx', args, { extraEnv: { CHROME_PATH: chromium, E2E_WORKERS: workers, ...(stress ? { STRESS: '1' } : {}) } });
  if (r.ok) return { ok: true, failed: [] };
  let failed = [];
  try {
    failed = JSON.parse(readFileSync('test-results/failed-tests.json', 'utf8'));
  } catch {
    // Playwright stopped before the tests (its message is above)
  }
  return { ok: false, failed };
}
async function browser(chromium) {
  // npm test leaves out the @stress sweeps and the visual suite beyond its core (@visual-full); test:stress runs the
  // sweeps and the bad-URL sweep (@url-sweep) at full size; test:visual the whole visual suite
  // (a file or a title named on the command line runs whatever it names)
  const picks = passThrough.some((a) => /\.spec\.ts(:\d+)*$|^-g$|^--grep/.test(a));
  const grep = stress ? ['--grep', '@stress|@url-sweep'] : visual ? ['--grep', '@visual'] : picks ? [] : ['--grep-invert', '@stress|@visual-full'];
  const parallel = await workers();
  let runs;
  if (stress && !picks) {
    // the tests that measure time on the page (@alone: the drags, its main-thread tasks and its answers while the
    // thumb is held) run after the rest, one at a time: beside another test each of the page's tasks also waits for a
    // CPU, and a quiet thread is what they measure (README, Testing)
    const first = await playwright(['playwright', 'test', ...grep, '--grep-invert', '@alone', ...passThrough], chromium, parallel);
    say('\nThe tests that measure time on the page (@alone), one at a time:');
    const second = await playwright(['playwright', 'test', '--grep', '@alone', ...passThrough], chromium, '1');
    runs = [first, second];
  } else {
    runs = [await playwright(['playwright', 'test', ...grep, ...passThrough], chromium, parallel)];
  }
  if (runs.every((r) => r.ok)) return;
  const failed = runs.flatMap((r) => r.failed);
  if (failed.length) say(`\nFailed browser tests:\n${failed.map((f) => `  ${f.where}  ${f.title} (${f.status})`).join('\n')}`);
  const files = [...new Set(failed.map((f) => f.where))];
  // where a failed test shares its line with others (tests made in a loop), its title picks it out; so too where
  // this run was itself picked by title (only the picked tests were counted)
  const byTitle = passThrough.some((a) => a === '-g' || a.startsWith('--grep'));
  const titles = failed.some((f) => f.shared) || byTitle ? ['-g', quote(failed.map((f) => f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))] : [];
  const script = stress ? 'test:stress' : visual ? 'test:visual' : 'test:e2e';
  // no test listed (a spec that does not load, a browser that does not start): the same command again
  const again = passThrough.length ? `npm run ${script} -- ${passThrough.map(quote).join(' ')}` : `npm run ${script}`;
  // a test that measures time on the page (@alone) is rerun one at a time too
  const alone = failed.some((f) => (f.tags ?? []).includes('@alone'));
  const rerun = files.length ? `npm run ${script} -- ${[...files, ...titles].join(' ')}${alone ? ' --workers=1' : ''}` : again;
  // a photograph that differs from its reference: the expected, actual and diff images are in test-results/; when the
  // change is meant, the same command with --update writes the references again
  const visualFailed = failed.some((f) => f.where.startsWith('tests/e2e/visual.spec.ts'));
  if (visualFailed) say(`\nVisual differences: see the -expected, -actual and -diff PNG files under test-results/. If the change is meant:\n  ${rerun.replace(`npm run ${script} --`, 'npm run test:visual -- --update')}`);
  fail(`browser tests (${failed.length || 'see above'})`, [rerun]);
}

/** Share of the CPUs busy with other work, sampled over two seconds. */
async function busyShare() {
  const sample = () => os.cpus().reduce((a, c) => ({ idle: a.idle + c.times.idle, all: a.all + Object.values(c.times).reduce((x, y) => x + y, 0) }), { idle: 0, all: 0 });
  const a = sample();
  await new Promise((r) => setTimeout(r, 2000));
  const b = sample();
  return 1 - (b.idle - a.idle) / Math.max(1, b.all - a.all);
}
/** Two tests at a time, unless the machine is already busy: then each test would get a fraction of a core
 * and run into its caps, so one at a time. E2E_WORKERS chooses. */
async function workers() {
  if (env.E2E_WORKERS) return env.E2E_WORKERS;
  const busy = await busyShare();
  if (busy <= 0.5) return '2';
  say(`The CPUs are ${Math.round(busy * 100)} % busy with other work: one test at a time (E2E_WORKERS=2 to override).`);
  return '1';
}

await checkPorts();
const chromium = ensureChromium();
say(`Browser tests use ${chromium}`);
if (!e2eOnly) await timed('unit tests: npx vitest run', unit);
await timed('builds', build);
await timed(stress ? 'browser tests, the exhaustive sweeps (STRESS=1)' : visual ? 'browser tests, the visual regression suite' : 'browser tests', () => browser(chromium));
say(`\nAll tests passed in ${minutes(Date.now() - started)} (${timings.join('; ')}).`);
