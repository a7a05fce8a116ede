import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig } from 'tsup';
import { withoutZodLocales } from '../../scripts/review-type-tsup.js';
import { COMPRESSIBLE, hashedName } from './src/asset-files.js';

/** The API reference page: its script (bundled below), its shell and its style, side by side. */
const REFERENCE_OUT = 'dist/api-reference';

/** Copies the reference page's shell and style next to its script; the handler inlines all three. */
function finishReference(): void {
  mkdirSync(REFERENCE_OUT, { recursive: true });
  for (const name of ['page.html', 'page.css']) {
    copyFileSync(join('src/api-reference', name), join(REFERENCE_OUT, name));
  }
}

/** The files the build names by their content (see `HASHED_NAME`): cached for a year by browsers. */
const HASHED = ['app.js', 'placet-core-browser.js', 'styles.css'];

/**
 * Finishes `dist/app`: copies `static/` next to the bundles, gives the script, the shared widget module and
 * the style sheet their content's hash in their name (and the page's links and import map the new names),
 * writes a brotli and a gzip copy of each text file, prints what each weighs (raw, gzip, brotli: bytes)
 * and keeps the README's size figure true.
 */
function finishApp(): void {
  const out = 'dist/app';
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync('static')) copyFileSync(join('static', name), join(out, name));
  let html = readFileSync(join(out, 'index.html'), 'utf8');
  for (const name of HASHED) {
    let text = readFileSync(join(out, name), 'utf8');
    const hashed = hashedName(name, text);
    if (existsSync(join(out, `${name}.map`))) {
      text = text.replace(`sourceMappingURL=${name}.map`, `sourceMappingURL=${hashed}.map`);
      renameSync(join(out, `${name}.map`), join(out, `${hashed}.map`));
    }
    writeFileSync(join(out, hashed), text);
    rmSync(join(out, name));
    if (!html.includes(`/${name}"`)) throw new Error(`static/index.html does not link ${name}`);
    html = html.replaceAll(`/${name}"`, `/${hashed}"`);
  }
  writeFileSync(join(out, 'index.html'), html);

  const rows: string[] = [];
  const total = { raw: 0, gzip: 0, br: 0 };
  let page = { raw: 0, gzip: 0, br: 0 };
  for (const name of readdirSync(out).sort()) {
    if (name.endsWith('.map') || name.endsWith('.br') || name.endsWith('.gz')) continue;
    const bytes = readFileSync(join(out, name));
    const gzip = gzipSync(bytes, { level: 9 });
    const br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    if (COMPRESSIBLE.test(name)) {
      writeFileSync(join(out, `${name}.gz`), gzip);
      writeFileSync(join(out, `${name}.br`), br);
    }
    const sizes = { raw: bytes.length, gzip: gzip.length, br: br.length };
    total.raw += sizes.raw;
    total.gzip += sizes.gzip;
    total.br += sizes.br;
    if (name.startsWith('app-') || name.startsWith('styles-')) {
      page = { raw: page.raw + sizes.raw, gzip: page.gzip + sizes.gzip, br: page.br + sizes.br };
    }
    rows.push(row(name, sizes));
  }
  // `[size] ` lines: scripts/build.mjs shows them in the repository's build too.
  console.log(
    [
      '@placet/dashboard (dist/app), bytes:',
      `  ${'file'.padEnd(38)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'brotli'.padStart(8)}`,
      ...rows,
      row('total', total),
      row('the page loads (script and style)', page),
    ]
      .map((line) => `[size] ${line}`)
      .join('\n'),
  );
  keepReadmeTrue(page);
}

const row = (name: string, s: { raw: number; gzip: number; br: number }) =>
  `  ${name.padEnd(38)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(8)} ${String(s.br).padStart(8)}`;

/**
 * Rewrites the README's size sentence (between `<!-- size -->` and `<!-- /size -->`) with this build's
 * figures, rounded to 5 KB so that small changes do not touch the file; says so when it changed it.
 */
function keepReadmeTrue(page: { raw: number; gzip: number; br: number }): void {
  const file = 'README.md';
  const readme = readFileSync(file, 'utf8');
  const kb = (n: number) => `${Math.max(5, Math.round(n / 5000) * 5)} KB`;
  const sentence =
    `<!-- size -->the app's script and style sheet weigh about ${kb(page.raw)}: ` +
    `${kb(page.gzip)} with gzip, ${kb(page.br)} with brotli<!-- /size -->`;
  const next = readme.replace(/<!-- size -->[\s\S]*?<!-- \/size -->/, sentence);
  if (next === readme && !readme.includes(sentence)) {
    throw new Error('README.md has no <!-- size --> … <!-- /size --> sentence for the build to keep true');
  }
  if (next !== readme) {
    writeFileSync(file, next);
    console.log(
      `[size] @placet/dashboard: README.md size figure updated: ${sentence.replace(/<[^>]+>/g, '')}`,
    );
  }
}

export default defineConfig([
  {
    // The Express handler (Node). Its declarations come from `tsc -b tsconfig.build.json`.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  {
    // The single-page app (browser): one self-contained ES module, no CDN, no runtime fetch of code
    // other than the review-type modules the server's plugins provide; and, next to it, the module those
    // share (`@placet/core/browser` with zod, without zod's translations), which the page's import map
    // names. The app itself never imports it: they share no code, so no chunk splitting.
    entry: { app: 'src/app/main.ts', 'placet-core-browser': 'src/vendor/placet-core-browser.ts' },
    outDir: 'dist/app',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    sourcemap: true,
    dts: false,
    clean: true,
    outExtension: () => ({ js: '.js' }),
    // Two self-contained modules (a chunk they shared would be one more request, without a hashed name).
    splitting: false,
    esbuildPlugins: [withoutZodLocales],
    onSuccess: async () => finishApp(),
  },
  {
    // The service worker (browser): one classic script (module workers are not everywhere yet), served by
    // the handler at the dashboard's root with the build's version filled in. Not under dist/app: the
    // app's build cleans that folder, and the assets must not serve a second copy with a narrower scope.
    entry: { sw: 'src/sw/sw.ts' },
    outDir: 'dist/sw',
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    sourcemap: false,
    dts: false,
    clean: true,
    outExtension: () => ({ js: '.js' }),
  },
  {
    // The API reference page (browser): one classic script that `apiReferenceHandler()` inlines into its
    // page under a CSP hash. Nothing is loaded from elsewhere, so no source map (its URL would be fetched).
    entry: { 'api-reference': 'src/api-reference/main.ts' },
    outDir: REFERENCE_OUT,
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    sourcemap: false,
    dts: false,
    clean: true,
    outExtension: () => ({ js: '.js' }),
    onSuccess: async () => finishReference(),
  },
]);
