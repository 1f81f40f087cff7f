// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { fileURLToPath } from 'node:url';
import { citations, chapterFootnotes } from './scripts/lib/markdown.mjs';
import { siteAssets } from './scripts/lib/site-assets.ts';
import { cssHash, islandCss } from './scripts/lib/island-css.ts';
import { threadedWasm } from './scripts/lib/threaded-wasm.ts';
import { fontFaces } from './scripts/lib/font-faces.ts';
import { KATEX_OPTIONS, katexCss } from './scripts/lib/katex-css.ts';

const root = fileURLToPath(new URL('./', import.meta.url));

const base = process.env.BASE_PATH ?? '/';
const outDir = process.env.OUT_DIR ?? 'dist';

/**
 * `client:queue`: the article's islands hydrate one at a time, nearest the viewport first (src/figures/kit/hydrationQueue.ts).
 * @type {import('astro').AstroIntegration}
 */
const hydrationQueue = {
  name: 'harnessing-hydration-queue',
  hooks: {
    'astro:config:setup': ({ addClientDirective }) => {
      addClientDirective({ name: 'queue', entrypoint: fileURLToPath(new URL('./src/figures/kit/hydrationQueue.ts', import.meta.url)) });
    },
  },
};

export default defineConfig({
  base,
  outDir,
  trailingSlash: 'ignore',
  site: process.env.SITE_URL,
  markdown: {
    processor: unified({
      remarkPlugins: [remarkMath],
      rehypePlugins: [
        [rehypeKatex, KATEX_OPTIONS],
        citations({ bibliography: 'content/references.bib', path: fileURLToPath(new URL('./', import.meta.url)) }),
        chapterFootnotes,
      ],
    }),
  },
  // Component CSS is neither in the islands' JavaScript nor emitted per component (Astro 7's CSS splitting under
  // Rolldown drops the styles of Svelte components shared by several islands: README, development notes): every
  // component's CSS is compiled into one stylesheet, virtual:harnessing/islands.css, which the layouts link
  // (scripts/lib/island-css.ts), so server-rendered figures are styled before they hydrate.
  integrations: [svelte({ emitCss: false, compilerOptions: { css: 'external', cssHash: cssHash(root) } }), mdx(), siteAssets(), hydrationQueue],
  vite: {
    // the text's and KaTeX's @font-face rules: WOFF2 only, no faces for scripts the text never sets (scripts/lib/font-faces.ts);
    // KaTeX's stylesheet cut to the rules the article's formulas use (scripts/lib/katex-css.ts)
    plugins: [islandCss(root), fontFaces(), katexCss()],
    // the compute worker's bundle: TensorFlow.js's threaded wasm factory made self-contained (scripts/lib/threaded-wasm.ts)
    worker: { format: 'es', plugins: () => [threadedWasm()] },
    // the chunks over Vite's 500 kB are TensorFlow.js inside the compute worker and three.js for the 3-D surface,
    // each loaded only when a figure needs it (the page-weight test checks what the first paint loads)
    build: { chunkSizeWarningLimit: 2000 },
    // a cache of its own for each output folder: npm test runs the builds of dist/ and dist-sub/ side by side, and on a
    // fresh install both prepared their dependencies into node_modules/.vite/deps at once, the second failing on the
    // first's rename (ENOTEMPTY)
    cacheDir: outDir === 'dist' ? 'node_modules/.vite' : `node_modules/.vite-${outDir.replace(/[^\w-]+/g, '_')}`,
  },
});
