import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Figure } from '../src/figures.js';

/** Gives the suites a file for their figures, and prints every figure once more when the run ends. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'placet-reliability-figures-'));
  const file = join(dir, 'figures.jsonl');
  project.provide('reliabilityFigures', file);
  return () => {
    const figures = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Figure)
      : [];
    const width = Math.max(0, ...figures.map((f) => f.suite.length));
    console.log('\nReliability figures (a failed assertion fails the run; these are what was measured):');
    for (const f of figures) console.log(`  ${f.suite.padEnd(width)}  ${f.text}`);
    if (figures.length === 0) console.log('  (none recorded)');
    rmSync(dir, { recursive: true, force: true });
  };
}
