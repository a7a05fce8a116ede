import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig } from 'tsup';

/** The API reference page: its script (bundled below), its shell and its style, side by side. */
const REFERENCE_OUT = 'dist/api-reference';

/** Copies the reference page's shell and style next to its script; the handler inlines all three. */
function finishReference(): void {
  mkdirSync(REFERENCE_OUT, { recursive: true });
  for (const name of ['page.html', 'page.css']) {
    copyFileSync(join('src/api-reference', name), join(REFERENCE_OUT, name));
  }
}

/** Copies `static/` next to the bundle and prints what the browser downloads, raw and gzipped. */
function finishApp(): void {
  const out = 'dist/app';
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync('static')) copyFileSync(join('static', name), join(out, name));
  let raw = 0;
  let gzip = 0;
  const rows: string[] = [];
  for (const name of readdirSync(out).sort()) {
    if (name.endsWith('.map')) continue;
    const bytes = readFileSync(join(out, name));
    const zipped = gzipSync(bytes).length;
    raw += statSync(join(out, name)).size;
    gzip += zipped;
    rows.push(
      `  ${name.padEnd(22)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KiB  ${(zipped / 1024).toFixed(1).padStart(6)} KiB gzip`,
    );
  }
  console.log(
    `@placet/dashboard bundle (dist/app):\n${rows.join('\n')}\n  ${'total'.padEnd(22)} ${(raw / 1024).toFixed(1).padStart(7)} KiB  ${(gzip / 1024).toFixed(1).padStart(6)} KiB gzip`,
  );
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
    // other than the review-type modules the server's plugins provide.
    entry: { app: 'src/app/main.ts' },
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
