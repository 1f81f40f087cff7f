/**
 * A Playwright reporter beside `list`: while a test runs longer than a minute it says, once a minute, what the
 * test is doing (its last step); at the end it writes the failed tests, with their file and line, to
 * test-results/failed-tests.json, where scripts/test.mjs reads them to print the command that reruns just them
 * (with each test's own title where several tests, made in a loop, share its line).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const EVERY_MS = 60_000;
const where = (test) => `${relative(process.cwd(), test.location.file)}:${test.location.line}`;

export default class ProgressReporter {
  running = new Map();
  failed = [];
  done = 0;
  total = 0;

  printsToStdio() {
    return false;
  }

  onBegin(config, suite) {
    this.outputDir = config.projects[0]?.outputDir ?? 'test-results';
    const all = suite.allTests();
    this.total = all.length;
    // tests made in a loop share one line: file:line alone would rerun them all
    this.perLine = new Map();
    for (const t of all) this.perLine.set(where(t), (this.perLine.get(where(t)) ?? 0) + 1);
    this.timer = setInterval(() => this.tick(), EVERY_MS);
    this.timer.unref?.();
  }

  onTestBegin(test) {
    this.running.set(test, { start: Date.now(), step: 'starting', open: [] });
  }

  onStepBegin(test, _result, step) {
    const r = this.running.get(test);
    if (!r) return;
    // the steps a reader can follow: test.step (a test's own words for what it does, kept while it is open),
    // expectations and page actions (not hooks and fixtures)
    if (step.category === 'test.step') {
      r.open.push(step);
      r.step = step.title;
    } else if (step.category === 'expect' || step.category === 'pw:api') {
      const within = r.open.at(-1);
      r.step = within ? `${within.title} (${step.title})` : step.title;
    }
  }

  onStepEnd(test, _result, step) {
    const r = this.running.get(test);
    if (r && step.category === 'test.step') r.open = r.open.filter((s) => s !== step);
  }

  onTestEnd(test, result) {
    this.running.delete(test);
    this.done++;
    if (result.status !== 'skipped' && result.status !== test.expectedStatus) {
      const title = test.titlePath().slice(3).join(' › '); // [root, project, file, ...describe, title]
      const shared = (this.perLine.get(where(test)) ?? 1) > 1;
      if (!this.failed.some((f) => f.id === test.id)) this.failed.push({ id: test.id, where: where(test), title, name: test.title, tags: test.tags, shared, status: result.status });
    }
  }

  tick() {
    const now = Date.now();
    for (const [test, r] of this.running) {
      const minutes = Math.floor((now - r.start) / 60_000);
      if (minutes < 1) continue;
      process.stdout.write(`  … ${minutes} min into ${where(test)} ${test.title} (${this.done}/${this.total} done); now: ${r.step}\n`);
    }
  }

  onEnd() {
    clearInterval(this.timer);
    mkdirSync(this.outputDir, { recursive: true });
    writeFileSync(`${this.outputDir}/failed-tests.json`, JSON.stringify(this.failed, null, 2));
  }
}
