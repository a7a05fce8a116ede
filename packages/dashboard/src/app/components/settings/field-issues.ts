import { html, nothing, type TemplateResult } from 'lit';
import type { Problem } from './settings-shared.js';

/** A path as an element id: `notifiers.email.events` → `notifiers_email_events`. */
export const safeId = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * The issues of a refused save, placed at the fields they name (the server's paths): an error line under
 * the field, `aria-invalid` on it, and `aria-describedby` pointing at that line. `below` also takes the
 * issues under a path (`notifiers.email.events.0` for `notifiers.email.events`).
 */
export class FieldIssues {
  constructor(readonly problem: Problem | undefined) {}

  at(path: string, below = false): Problem['issues'] {
    return (this.problem?.issues ?? []).filter(
      (i) => i.path === path || (below && i.path.startsWith(`${path}.`)),
    );
  }

  /** The error line of a field (its id is what `describedBy` names), or nothing. */
  error(path: string, below = false): TemplateResult | typeof nothing {
    const issues = this.at(path, below);
    if (!issues.length) return nothing;
    return html`<p class="field-error error" id="error-${safeId(path)}" data-error-for=${path}>
      ${issues.map((i) => i.message).join('; ')}
    </p>`;
  }

  invalid(path: string, below = false): 'true' | 'false' {
    return this.at(path, below).length ? 'true' : 'false';
  }

  /** The id of the field's error line, after `hints` (ids of hints that describe it anyway). */
  describedBy(path: string, below = false, ...hints: string[]): string {
    return [...hints, ...(this.at(path, below).length ? [`error-${safeId(path)}`] : [])].join(' ');
  }

  /**
   * The problem for the alert above the save button: the issues that are not shown at one of `placed`
   * (the paths of the form's fields). When every issue is at its field, the alert only says so (the
   * server's message would repeat them all).
   */
  rest(placed: readonly string[]): Problem | undefined {
    const problem = this.problem;
    if (!problem) return undefined;
    const rest = problem.issues.filter(
      (i) => !placed.some((p) => i.path === p || i.path.startsWith(`${p}.`)),
    );
    if (rest.length === 0 && problem.issues.length > 0) {
      return { ...problem, message: 'Not saved: correct the fields marked above.', issues: [] };
    }
    return { ...problem, issues: rest };
  }
}
