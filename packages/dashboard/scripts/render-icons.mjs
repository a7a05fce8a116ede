#!/usr/bin/env node
// Renders the web app's PNG icons from the favicon's design with Chromium (playwright-core), into static/:
//   icon-192.png, icon-512.png   the favicon as it is (rounded square, transparent corners; purpose "any")
//   icon-maskable-512.png        full-bleed background, the mark inside the maskable safe zone (a circle of
//                                80% of the size)
//   apple-touch-icon.png (180)   full bleed (iOS rounds the corners itself and shows transparency as black)
// The PNGs are committed; run this again after changing static/favicon.svg:
//   node packages/dashboard/scripts/render-icons.mjs   (PLACET_CHROMIUM overrides /usr/bin/chromium)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const STATIC = join(dirname(fileURLToPath(import.meta.url)), '..', 'static');
const favicon = readFileSync(join(STATIC, 'favicon.svg'), 'utf8');
const fill = /<rect[^>]*fill="([^"]+)"/.exec(favicon)?.[1];
const mark = /<path d="([^"]+)"[^>]*fill="([^"]+)"/.exec(favicon);
if (!fill || !mark) throw new Error('favicon.svg: expected one <rect fill> and one <path d fill>');
const [, path, markFill] = mark;

/** The mark on a full-bleed square, scaled around the centre of the 32×32 design. */
const fullBleed = (scale) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${fill}"/>` +
  `<g transform="translate(16 16) scale(${scale}) translate(-16 -16)"><path d="${path}" fill="${markFill}"/></g></svg>`;

const ICONS = [
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  { file: 'icon-maskable-512.png', size: 512, svg: fullBleed(0.85) },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed(1) },
];

const browser = await chromium.launch({
  executablePath: process.env.PLACET_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const src = `data:image/svg+xml;base64,${Buffer.from(icon.svg).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style><img src="${src}" width="${icon.size}" height="${icon.size}">`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: join(STATIC, icon.file), omitBackground: true });
    await page.close();
    console.log(`static/${icon.file} (${icon.size}×${icon.size})`);
  }
} finally {
  await browser.close();
}
