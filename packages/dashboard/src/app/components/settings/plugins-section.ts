import { css, html, LitElement, nothing } from 'lit';
import type { ReviewTypes } from '../../review-types.js';
import type { PluginManifest } from '../../types.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/** The plugins the server registered: name, version, description, and their review types (with or without a UI). */
export class PlacetPluginsSection extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .plugin h3 {
        display: flex;
        gap: 8px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .version {
        font-size: 13px;
        font-weight: normal;
      }
      ul {
        margin: 8px 0 0;
        padding-left: 20px;
      }
      .ui {
        font-size: 12px;
        padding: 0 6px;
        border-radius: 8px;
        border: 1px solid var(--placet-border);
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    types: { attribute: false },
    manifests: { state: true },
    loading: { state: true },
    problem: { state: true },
  };
  declare client: SettingsApi;
  declare types: ReviewTypes | undefined;
  declare manifests: readonly PluginManifest[];
  declare loading: boolean;
  declare problem: Problem | undefined;

  constructor() {
    super();
    this.manifests = [];
    this.loading = true;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.loading = true;
    try {
      // The app already loaded the manifests for its review types; ask the server only if that failed.
      if (this.types) {
        await this.types.load();
        this.manifests = this.types.manifests;
      } else {
        this.manifests = await this.client.plugins();
      }
      this.problem = undefined;
    } catch {
      try {
        this.manifests = await this.client.plugins();
        this.problem = undefined;
      } catch (error) {
        this.problem = toProblem(error);
      }
    } finally {
      this.loading = false;
    }
  }

  override render() {
    return html`<h2>Plugins</h2>
      <p class="intro muted">Registered on this server. Each review type an agent may ask for comes from one of them.</p>
      ${problemView(this.problem)}
      ${this.loading ? html`<p class="muted">Loading…</p>` : nothing}
      ${
        !this.loading && !this.problem && this.manifests.length === 0
          ? html`<p class="muted empty">No plugins are registered.</p>`
          : nothing
      }
      ${this.manifests.map(
        (p) => html`<article class="card plugin" data-plugin=${p.name} aria-labelledby="plugin-${p.name}">
          <h3 id="plugin-${p.name}">
            ${p.displayName} <code class="version muted">${p.name}@${p.version}</code>
          </h3>
          ${p.description ? html`<p>${p.description}</p>` : nothing}
          ${
            p.reviewTypes.length
              ? html`<p class="muted">Review types:</p>
                <ul>
                  ${p.reviewTypes.map(
                    (t) => html`<li data-review-type=${t.type} data-has-ui=${t.ui?.module ? 'true' : 'false'}>
                      <code>${t.type}</code>${t.displayName && t.displayName !== t.type ? ` — ${t.displayName}` : ''}
                      <span class="ui">${t.ui?.module ? 'has a UI' : 'no UI: shown plainly'}</span>
                      ${t.description ? html`<div class="muted">${t.description}</div>` : nothing}
                    </li>`,
                  )}
                </ul>`
              : nothing
          }
          ${
            p.renderers.length
              ? html`<p class="muted">Renderers: ${p.renderers.map((r) => r.displayName ?? r.name).join(', ')}</p>`
              : nothing
          }
        </article>`,
      )}`;
  }
}
