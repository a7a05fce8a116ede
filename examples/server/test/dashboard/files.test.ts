import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  bubble,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  openChat,
  pagePerTest,
  SCREENSHOTS,
} from './harness.js';

/**
 * File previews and iteration timelines in Chromium: an image, a PDF in a frame for the browser's
 * viewer, a CSV table, highlighted code, markdown and an unknown type in one dialog with Previous/Next;
 * HTML that would run scripts shown in a sandbox where nothing runs; the diff between two revisions of
 * a message.
 */
const skip = browserUnavailable();

/** A 48×32 PNG of four colour blocks. */
const PNG = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAATUlEQVR42u3PMQ0AIRBE0dWzSLgEIycEDzhDw/XoOAnbEKqX/HryJp73K2uzl+0RZSuzLICAgICAgICALoNODZ06BgQEBAQEBAR0GfQDCQ1NalKKJSgAAAAASUVORK5CYII=',
    'base64',
  ),
);

/** A one-page PDF that says `text`, with a correct cross-reference table. */
function minimalPdf(text: string): string {
  const stream = `BT /F1 28 Tf 40 80 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 360 180] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}

const CSV = 'name,comment,amount\r\n"Smith, Jane","said ""hi""\r\nthen left",42\r\nBob,plain,7\r\n';
const CODE = `export interface Deploy {\n  version: string;\n}\n\nexport const deploy = async (d: Deploy) => {\n  return \`deploying \${d.version}\`;\n};\n`;
const HTML = `<!doctype html><html><body><h1 id="greeting">Hello from an attachment</h1>
<script>alert('xss'); fetch('/api/v1/agents').then((r) => r.text()).then((t) => { document.title = t; });</script>
<img src="/api/v1/agents?from=img" alt="">
</body></html>`;

interface Attachment {
  id: string;
  messageId: string | null;
  filename: string;
}

interface Sent {
  id: string;
  channelId: string;
  iteration: number | null;
  review: { status: string } | null;
}

/**
 * The focused element through shadow roots, outermost first: each as its tag, plus `[data-file=…]` or
 * `[data-iterations]` when it has them.
 */
function focusPath(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const path: string[] = [];
    let active: Element | null = document.activeElement;
    while (active) {
      const file = active.getAttribute('data-file');
      path.push(
        `${active.localName}${file ? `[data-file=${file}]` : ''}${active.hasAttribute('data-iterations') ? '[data-iterations]' : ''}`,
      );
      active = active.shadowRoot?.activeElement ?? null;
    }
    return path;
  });
}

/** `expect.poll` with room for a loaded machine (its default gives up after one second). */
const eventually = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout });

describe.skipIf(skip)('dashboard: file previews and iteration timelines', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  /** A channel of its own for each test, opened in the test's fresh page. */
  let channelId: string;
  let channels = 0;

  /** A multipart upload as the agent: `/files/store` (kept for `attachmentIds`) or `/files/upload`. */
  async function upload(
    route: 'store' | 'upload',
    filename: string,
    type: string,
    content: string | Uint8Array<ArrayBuffer>,
    text?: string,
  ): Promise<Attachment> {
    const form = new FormData();
    form.append('channelId', channelId);
    if (text) form.append('text', text);
    form.append('file', new Blob([content], { type }), filename);
    const res = await fetch(`${w.url}/api/v1/files/${route}`, {
      method: 'POST',
      headers: { 'x-api-key': w.key },
      body: form,
    });
    const body = (await res.json()) as Attachment;
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  }

  const dialog = () => pages.ui.page.locator('placet-file-preview dialog[open]');

  beforeAll(async () => {
    w = await dashboardWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  beforeEach(async () => {
    channelId = await createAgent(w, `Files bot ${++channels}`);
  });
  const pages = pagePerTest(() => w, {
    setup: async ({ page }) => {
      await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
      await openChat(page, channelId);
    },
  });

  it('previews an image, a PDF, a CSV table, highlighted code, markdown and an unknown type in turn', async () => {
    const { page } = pages.ui;
    const files = [
      await upload('store', 'blocks.png', 'image/png', PNG),
      await upload('store', 'report.pdf', 'application/pdf', minimalPdf('Quarterly report')),
      await upload('store', 'people.csv', 'text/csv', CSV),
      // `.ts` arrives as MPEG transport stream video: the extension must win.
      await upload('store', 'deploy.ts', 'video/mp2t', CODE),
    ];
    const notes = await w.agent<Attachment>('POST', '/files/store-text', {
      channelId,
      content: '# Release notes\n\n- faster **deploys**\n',
      filename: 'notes.md',
    });
    expect(notes.status).toBe(201);
    files.push(notes.body, await upload('store', 'bundle.bin', 'application/octet-stream', 'opaque bytes'));
    const sent = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Here are the files.',
      attachmentIds: files.map((f) => f.id),
    });
    expect(sent.status).toBe(201);
    const [image, pdf, csv, other] = [files[0]!, files[1]!, files[2]!, files[5]!];
    const pdfUrl = `/api/v1/files/${pdf.id}/download`;
    // What the PDF's frame loads, as the browser received it.
    const pdfResponse = page.waitForResponse((r) => new URL(r.url()).pathname === pdfUrl, {
      timeout: 15_000,
    });
    pdfResponse.catch(() => {}); // awaited below only where the browser shows PDFs inline
    const card = (file: Attachment) => bubble(page, sent.body.id).locator(`a[data-file="${file.id}"]`);
    await card(other).waitFor();
    // The inline thumbnail of the image stays in the bubble.
    await eventually(() =>
      card(image)
        .locator('img')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBe(48);

    await bubble(page, sent.body.id).screenshot({ path: join(SCREENSHOTS, 'preview-cards.png') });

    // Image.
    await card(image).click();
    await dialog().waitFor();
    expect(await dialog().getAttribute('aria-modal')).toBe('true');
    const preview = page.locator('placet-file-preview');
    const download = preview.locator('a[data-download]');
    expect(await download.getAttribute('href')).toBe(`/api/v1/files/${image.id}/download`);
    expect(await download.getAttribute('download')).toBe('blocks.png');
    const shown = preview.locator('placet-file-body [data-preview="image"] img');
    await eventually(() => shown.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(48);
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-image.png') });

    // PDF: the dashboard's own frame, titled with the file name, pointing at the download route, which
    // answers with the very bytes uploaded, as an inline application/pdf. What the browser's viewer then
    // draws inside the frame (its DOM, its title) is the browser's business and changes between versions.
    await preview.locator('button[data-next]').click();
    expect(await preview.locator('.position').textContent()).toBe('2 / 6');
    if (await page.evaluate(() => navigator.pdfViewerEnabled)) {
      const frame = preview.locator('placet-file-body iframe[data-preview="pdf"]');
      await frame.waitFor();
      expect(await frame.getAttribute('src')).toBe(pdfUrl);
      expect(await frame.getAttribute('title')).toBe('PDF: report.pdf');
      expect(await frame.getAttribute('sandbox')).toBeNull(); // Chromium shows no PDF in a sandboxed frame
      const box = await frame.boundingBox();
      expect(box?.width).toBeGreaterThan(200);
      expect(box?.height).toBeGreaterThan(200);
      const served = await pdfResponse;
      expect(served.status()).toBe(200);
      expect(served.frame().parentFrame()).not.toBeNull(); // loaded by the preview's frame, not the page
      const headers = await served.allHeaders();
      expect(headers['content-type']).toBe('application/pdf');
      expect(headers['content-disposition']).toMatch(/^inline; filename="report\.pdf"/);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['content-security-policy']).toMatch(/\bsandbox\b/);
      // The same URL, fetched by the signed-in page, gives back the document that was uploaded.
      const bytes = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return { type: res.headers.get('content-type'), text: await res.text() };
      }, pdfUrl);
      expect(bytes).toEqual({ type: 'application/pdf', text: minimalPdf('Quarterly report') });
    } else {
      await preview.locator('placet-file-body [data-preview="none"]').waitFor();
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-pdf.png') });

    // CSV, reached with the arrow key: quoted commas, doubled quotes and a quoted line break.
    await preview.locator('button[data-next]').focus();
    await page.keyboard.press('ArrowRight');
    const table = preview.locator('placet-file-body [data-preview="csv"] table');
    await table.waitFor();
    expect(await table.locator('thead th[scope="col"]').allTextContents()).toEqual([
      'Row',
      'name',
      'comment',
      'amount',
    ]);
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator('tbody tr').first().locator('td').allTextContents()).toEqual([
      'Smith, Jane',
      'said "hi"\r\nthen left',
      '42',
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-csv.png') });

    // Focus stays in the dialog however far Tab goes.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await focusPath(page)).toContain('placet-file-preview');
    }
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusPath(page)).toContain('placet-file-preview');
    }

    // Code, highlighted by extension although its type says video.
    await preview.locator('button[data-next]').click();
    const keywords = preview.locator('placet-file-body [data-preview="code"] .hljs-keyword');
    await keywords.first().waitFor();
    expect(await keywords.allTextContents()).toEqual(
      expect.arrayContaining(['export', 'interface', 'const']),
    );
    expect(await preview.locator('placet-file-body .hljs-string').first().textContent()).toContain(
      'deploying',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-code.png') });

    // Markdown, rendered.
    await preview.locator('button[data-next]').click();
    await eventually(() =>
      preview.locator('placet-file-body [data-preview="markdown"] h1').textContent(),
    ).toBe('Release notes');
    expect(await preview.locator('placet-file-body [data-preview="markdown"] strong').textContent()).toBe(
      'deploys',
    );

    // Anything else: no preview, a download.
    await preview.locator('button[data-next]').click();
    const none = preview.locator('placet-file-body [data-preview="none"]');
    await none.waitFor();
    expect(await none.innerText()).toMatch(/No preview/);
    expect(await none.locator('a[download]').getAttribute('href')).toBe(`/api/v1/files/${other.id}/download`);
    expect(await preview.locator('button[data-next]').isDisabled()).toBe(true);
    expect(await preview.locator('.position').textContent()).toBe('6 / 6');

    // Escape closes; focus is back on the card that opened it.
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('placet-file-preview').count()).toBe(0);
    expect((await focusPath(page)).at(-1)).toBe(`a[data-file=${image.id}]`);

    // The keyboard alone: Enter on a card opens its preview, Escape returns to it.
    await card(csv).focus();
    await page.keyboard.press('Enter');
    await preview.locator('placet-file-body [data-preview="csv"] table').waitFor();
    expect(await preview.locator('.position').textContent()).toBe('3 / 6');
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('placet-file-preview').count()).toBe(0);
    expect((await focusPath(page)).at(-1)).toBe(`a[data-file=${csv.id}]`);
  });

  it('shows HTML in a sandboxed frame where its scripts never run and nothing it loads reaches the API', async () => {
    const { page, dialogs, errors } = pages.ui;
    // What the frame got answers for. (Playwright also reports requests that Chromium then refuses
    // under the frame's Content-Security-Policy, as `requestfailed` "csp": those never leave the browser.)
    const answered: string[] = [];
    const onResponse = (response: Response) => {
      try {
        if (response.frame().parentFrame() !== null) answered.push(response.url());
      } catch {
        // A response without a frame (a service worker's) is not the preview's.
      }
    };
    page.on('response', onResponse);
    const file = await upload('upload', 'page.html', 'text/html', HTML, 'A web page');
    const card = bubble(page, file.messageId!).locator(`a[data-file="${file.id}"]`);
    await card.click();
    const frame = page.locator('placet-file-preview placet-file-body iframe');
    await frame.waitFor();
    // Sandboxed: no scripts, an opaque origin (no allow-same-origin), no forms, no popups.
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('src')).toBeNull();
    const content = page.frameLocator('placet-file-preview placet-file-body iframe');
    await eventually(() => content.locator('#greeting').textContent()).toBe('Hello from an attachment');
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-html.png') });
    // Chromium reports the script it refused to run; had it run, there would be a dialog and requests.
    await eventually(() => errors.some((e) => /Blocked script execution in 'about:srcdoc'/.test(e))).toBe(
      true,
    );
    expect(dialogs).toEqual([]);
    expect(answered.filter((url) => url.includes('/api/'))).toEqual([]);
    // Its source is one click away, highlighted, and still inert.
    await page.locator('placet-file-preview placet-file-body button[data-source-toggle]').click();
    await eventually(() =>
      page.locator('placet-file-preview placet-file-body .hljs-tag').count(),
    ).toBeGreaterThan(3);
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('placet-file-preview').count()).toBe(0);
    page.off('response', onResponse);
    expect(dialogs).toEqual([]);
  });

  it('opens the timeline of an iteration from "Rev 2" and shows what changed', async () => {
    const { page } = pages.ui;
    const first = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Deploy the old service to staging tonight.',
      review: { type: 'approval', payload: { options: [{ id: 'go', label: 'Go ahead' }] } },
    });
    expect(first.status).toBe(201);
    // An iteration follows an answered (or expired) review: the human answers the first one here.
    const option = bubble(page, first.body.id).locator('placet-approval [data-option="go"]');
    await option.focus();
    await page.keyboard.press('Enter');
    await eventually(
      async () =>
        (await w.agent<Sent>('GET', `/messages/${first.body.id}?channel=${channelId}`)).body.review?.status,
    ).toBe('completed');
    const second = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Deploy the new service to production tonight.',
      iterationOf: first.body.id,
      review: { type: 'approval', payload: { options: [{ id: 'go', label: 'Go ahead' }] } },
    });
    expect(second.status).toBe(201);
    expect(second.body.iteration).toBe(2);
    const rev = bubble(page, second.body.id).locator('button[data-iterations]');
    await eventually(() => rev.textContent()).toMatch(/Rev 2/);
    await bubble(page, second.body.id).screenshot({ path: join(SCREENSHOTS, 'iterations-rev-button.png') });
    await rev.click();
    const timeline = page.locator('placet-iterations');
    await timeline.locator('dialog[open]').waitFor();
    const revisions = timeline.locator('li[data-iteration]');
    await eventually(() => revisions.count()).toBe(2);
    expect(await revisions.nth(0).locator('[data-text]').textContent()).toBe(
      'Deploy the old service to staging tonight.',
    );
    const diff = revisions.nth(1).locator('[data-diff]');
    expect((await diff.locator('ins').allTextContents()).map((t) => t.trim())).toEqual(['new', 'production']);
    expect((await diff.locator('del').allTextContents()).map((t) => t.trim())).toEqual(['old', 'staging']);
    // The review status of each revision, as the API reports it.
    const chain = await w.agent<{ iterations: Sent[] }>(
      'GET',
      `/messages/iterations/${second.body.id}?channel=${channelId}`,
    );
    for (const [i, m] of chain.body.iterations.entries()) {
      expect(await revisions.nth(i).locator('[data-review-status]').getAttribute('data-review-status')).toBe(
        m.review?.status,
      );
    }
    expect(await revisions.nth(0).locator('[data-review-status]').innerText()).toBe('✓ Completed');
    expect(await revisions.nth(1).locator('[data-review-status]').innerText()).toBe('● Pending');
    await page.screenshot({ path: join(SCREENSHOTS, 'iterations.png') });
    // Lines instead of words: the whole line changed.
    await timeline.locator('button[data-mode="lines"]').click();
    await eventually(() => diff.locator('ins').allTextContents()).toEqual([
      'Deploy the new service to production tonight.',
    ]);
    await page.keyboard.press('Escape');
    await eventually(() => timeline.count()).toBe(0);
    expect((await focusPath(page)).at(-1)).toBe('button[data-iterations]');
  });

  it('had no uncaught errors in any of its pages (besides the sandbox refusing the HTML attachment its script)', () => {
    const expected =
      /Failed to load resource|Blocked script execution in 'about:srcdoc'|Content Security Policy/;
    expect(pages.log.errors.filter((e) => !expected.test(e))).toEqual([]);
  });
});
