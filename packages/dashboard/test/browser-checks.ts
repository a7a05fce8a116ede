import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility problem axe-core found: its rule, impact and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page, through open shadow roots. The script is evaluated
 * by the browser's debugging protocol, so the dashboard's CSP (`script-src 'self'`) is left as it is.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: {
        id: string;
        impact: string | null;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
  });
}

/** The text an element shows, through its shadow root (and those of its children), on one line. */
export async function shownText(locator: Locator): Promise<string> {
  return locator.evaluate((el) => {
    const walk = (node: Node): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
      if (!(node instanceof Element)) return '';
      if (node.localName === 'style' || node.localName === 'script') return '';
      if (node instanceof HTMLTextAreaElement || node instanceof HTMLInputElement) return ` ${node.value} `;
      const root = node.shadowRoot;
      const children = [...(root ? root.childNodes : []), ...node.childNodes];
      const text = children.map(walk).join('');
      return /^(p|div|li|section|fieldset|tr|h\d|ul|ol|legend|details|summary)$/.test(node.localName)
        ? ` ${text} `
        : text;
    };
    return walk(el).replace(/\s+/g, ' ').trim();
  });
}

/** What a page reported: uncaught errors and console errors. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused answer (409) or a missing route (404) is logged by the browser as a failed resource.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(`console: ${message.text()}`);
  });
  return errors;
}
