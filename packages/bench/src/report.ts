import { cpus, totalmem } from 'node:os';

/** What a figure is compared with, measured in the same run where possible. */
export interface Baseline {
  label: string;
  value: number;
  unit: string;
  /** True when measured side by side in this run; false for a figure derived from the original's design. */
  measured: boolean;
}

export interface Figure {
  /** Stable key, e.g. `ingest.rps`. */
  id: string;
  scenario: string;
  label: string;
  /** Null when the figure was skipped (see `skipped`). */
  value: number | null;
  unit: string;
  baseline: Baseline;
  /** value / baseline.value. */
  ratio: number | null;
  better: 'higher' | 'lower';
  note?: string;
  skipped?: string;
  /** Set when the figure points at a slow path (see `slowPaths` in the report). */
  slow?: string;
}

export type FigureInput = Omit<Figure, 'ratio'>;

export interface Report {
  version: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; cpuModel: string; memoryMb: number; node: string; platform: string };
  figures: Figure[];
  slowPaths: string[];
  errors: { scenario: string; message: string }[];
}

const COLUMNS = [
  { title: 'Scenario', width: 14 },
  { title: 'Figure', width: 48 },
  { title: 'Placet', width: 14 },
  { title: 'Baseline', width: 52 },
  { title: 'Ratio', width: 7 },
] as const;

/** 12,345 / 12.3 / 0.42: enough digits to compare, no more. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

const withUnit = (value: number, unit: string) => `${formatNumber(value)} ${unit}`;

function cells(figure: Figure): string[] {
  const value = figure.value === null ? `skipped` : withUnit(figure.value, figure.unit);
  const baseline = `${figure.baseline.label}: ${withUnit(figure.baseline.value, figure.baseline.unit)}${figure.baseline.measured ? '' : '*'}`;
  const ratio = figure.ratio === null ? '–' : `${formatNumber(figure.ratio)}${figure.slow ? ' !' : ''}`;
  return [figure.scenario, figure.label, value, baseline, ratio];
}

function row(values: readonly string[]): string {
  return values
    .map((v, i) => v.padEnd(COLUMNS[i]!.width))
    .join('  ')
    .trimEnd();
}

/** Collects figures, prints each row as it is measured and progress lines in between. */
export class Reporter {
  readonly figures: Figure[] = [];
  readonly errors: { scenario: string; message: string }[] = [];
  readonly #startedAt = new Date();
  readonly #t0 = performance.now();

  constructor(
    readonly mode: 'quick' | 'full',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  header(): void {
    this.write(row(COLUMNS.map((c) => c.title)));
    this.write(row(COLUMNS.map((c) => '-'.repeat(c.width))));
  }

  progress(scenario: string, message: string): void {
    const seconds = ((performance.now() - this.#t0) / 1000).toFixed(1).padStart(5);
    this.write(`  [${seconds} s] ${scenario}: ${message}`);
  }

  add(input: FigureInput): Figure {
    const ratio =
      input.value === null || input.baseline.value === 0 ? null : input.value / input.baseline.value;
    const figure: Figure = { ...input, ratio };
    this.figures.push(figure);
    this.write(row(cells(figure)));
    if (figure.note) this.write(`${' '.repeat(COLUMNS[0].width + 2)}↳ ${figure.note}`);
    return figure;
  }

  error(scenario: string, error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.errors.push({ scenario, message });
    this.write(`  ${scenario}: FAILED ${message}`);
  }

  /** The final table, the slow paths and the footnote. */
  summary(): void {
    this.write('');
    this.header();
    for (const figure of this.figures) this.write(row(cells(figure)));
    this.write('');
    this.write('Ratio = Placet / baseline. * = derived from the original design, not measured here.');
    const slow = this.slowPaths();
    if (slow.length > 0) {
      this.write('Slow paths:');
      for (const line of slow) this.write(`  - ${line}`);
    }
  }

  slowPaths(): string[] {
    return this.figures.filter((f) => f.slow).map((f) => `${f.id}: ${f.slow}`);
  }

  report(): Report {
    return {
      version: 1,
      mode: this.mode,
      startedAt: this.#startedAt.toISOString(),
      durationMs: Math.round(performance.now() - this.#t0),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryMb: Math.round(totalmem() / 2 ** 20),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      },
      figures: this.figures,
      slowPaths: this.slowPaths(),
      errors: this.errors,
    };
  }
}

/** `{ slow }` with every finding that applies (joined), or nothing. */
export function slowWhen(...findings: (string | false)[]): { slow?: string } {
  const found = findings.filter((f): f is string => typeof f === 'string');
  return found.length > 0 ? { slow: found.join('; ') } : {};
}
