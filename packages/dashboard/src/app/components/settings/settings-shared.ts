import { css, html, nothing, type TemplateResult } from 'lit';
import { ApiError } from '../../api.js';

/** What went wrong, as shown to the person: the server's message and the paths of its issues. */
export interface Problem {
  message: string;
  code?: string;
  issues: { path: string; message: string }[];
}

/** Any failure as a {@link Problem}: an API error keeps its message and issues; a network error says so. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return { message: error.message, code: error.code, issues: error.issues };
  if (error instanceof TypeError) return { message: 'The server cannot be reached.', issues: [] };
  return { message: error instanceof Error ? error.message : String(error), issues: [] };
}

/** A problem as an alert: the message, then each issue as `path: message`. */
export function problemView(problem: Problem | undefined, label = 'Error'): TemplateResult | typeof nothing {
  if (!problem) return nothing;
  return html`<div class="problem error" role="alert" aria-label=${label} data-problem=${problem.code ?? ''}>
    <p>${problem.message}</p>
    ${
      problem.issues.length
        ? html`<ul>
          ${problem.issues.map(
            (issue) =>
              html`<li data-issue-path=${issue.path}><code>${issue.path || '(body)'}</code>: ${issue.message}</li>`,
          )}
        </ul>`
        : nothing
    }
  </div>`;
}

/** True when a problem names `path` (or something under it): the field is marked `aria-invalid`. */
export function invalid(problem: Problem | undefined, path: string): 'true' | 'false' {
  return problem?.issues.some((i) => i.path === path || i.path.startsWith(`${path}.`)) ? 'true' : 'false';
}

/** A date and time, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** The FormData field `name` as a trimmed string. */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** Shared layout of the settings sections. */
export const sectionStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin: 0 0 4px;
    font-size: 20px;
  }
  h3 {
    margin: 0 0 8px;
    font-size: 16px;
  }
  .intro {
    margin: 0 0 16px;
  }
  .card {
    background: var(--placet-surface);
    border: 1px solid var(--placet-border);
    border-radius: var(--placet-radius, 10px);
    padding: 16px;
    margin: 0 0 16px;
  }
  form.inline {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: end;
  }
  form.stack {
    display: grid;
    gap: 10px;
    max-width: 640px;
  }
  label {
    display: grid;
    gap: 4px;
    font-size: 14px;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 14px;
  }
  th,
  td {
    text-align: left;
    padding: 8px 6px;
    border-bottom: 1px solid var(--placet-border);
    vertical-align: top;
  }
  thead th {
    font-weight: 600;
    color: var(--placet-muted);
    font-size: 13px;
  }
  tbody th {
    font-weight: 600;
  }
  code,
  .mono {
    font-family: var(--placet-mono);
    font-size: 13px;
  }
  .problem {
    border: 1px solid var(--placet-danger);
    border-radius: 8px;
    padding: 8px 12px;
    margin: 8px 0;
  }
  .problem p {
    margin: 0;
  }
  .problem ul {
    margin: 4px 0 0;
    padding-left: 20px;
  }
  .notice {
    border: 1px solid var(--placet-success);
    border-radius: 8px;
    padding: 8px 12px;
    margin: 8px 0;
  }
  button.danger {
    border-color: var(--placet-danger);
    color: var(--placet-danger);
  }
  [aria-invalid='true'] {
    border-color: var(--placet-danger);
  }
  .empty {
    margin: 8px 0;
  }
`;
