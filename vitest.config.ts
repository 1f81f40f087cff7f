import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // the figure kit's components and runes modules, compiled as the server compiles them (tests/kit renders them in Node)
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/kit/**/*.test.ts'],
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // each test file in a fresh process (TensorFlow.js keeps its backend and registry per process); said here, it
    // also keeps vitest from printing its "faster with isolate: false" tip after every run
    isolate: true,
    // three test files at a time on this 2-core machine: vitest's default is one (the cores less one), and several
    // files spend most of their time waiting (serve-fuzz on its cut-short requests for 30 s, the model files on disk);
    // measured here, quiet, twice each: 51 and 51 s with three, 64 and 61 s with two
    maxWorkers: 3,
  },
});
