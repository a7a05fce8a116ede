import { css, html, LitElement, nothing } from 'lit';
import type { Channel } from '../../types.js';
import { avatar, avatarStyles } from '../avatar.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { type Problem, problemView, toProblem } from './settings-shared.js';

/** The image types the server takes as an avatar (it checks the bytes; this only filters the picker). */
const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';
/** The server's limit (`MAX_AVATAR_BYTES`): 1 MiB. Checked here too, to say so before sending. */
const MAX_BYTES = 1024 * 1024;

/**
 * A channel's avatar in its settings: the current one (image or initials), "Upload image" (a file
 * input behind its label) and "Remove" (`POST|DELETE /agents/:id/avatar`). Refusals (too large, not an
 * image, SVG) are shown as the server words them. Dispatches `channel-changed` with the channel.
 */
export class PlacetChannelAvatar extends LitElement {
  static override styles = [
    controls,
    avatarStyles,
    css`
      :host {
        display: block;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 12px;
      }
      .preview .avatar {
        width: 56px;
        height: 56px;
        border-radius: 14px;
        font-size: 20px;
      }
      .upload,
      button {
        min-height: 44px;
        min-width: 44px;
        box-sizing: border-box;
      }
      .upload {
        display: inline-flex;
        align-items: center;
        border: 1px solid var(--placet-border);
        background: var(--placet-surface);
        border-radius: 8px;
        padding: 6px 14px;
        cursor: pointer;
      }
      .upload:focus-within {
        box-shadow: var(--placet-focus);
      }
      .upload[aria-disabled='true'] {
        opacity: 0.55;
        cursor: default;
      }
      /* Visually hidden but focusable and announced: the label is what people see and click. */
      .upload input {
        position: absolute;
        width: 1px;
        height: 1px;
        margin: -1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
        border: 0;
        padding: 0;
      }
      .hint {
        margin: 8px 0 0;
        font-size: 13px;
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    channel: { attribute: false },
    busy: { state: true },
    problem: { state: true },
    done: { state: true },
  };
  declare client: SettingsApi;
  declare channel: Channel;
  declare busy: boolean;
  declare problem: Problem | undefined;
  /** What the last action did, for the status line. */
  declare done: string;

  constructor() {
    super();
    this.busy = false;
    this.done = '';
  }

  async #run(action: () => Promise<Channel>, done: string) {
    this.busy = true;
    this.problem = undefined;
    this.done = '';
    try {
      const channel = await action();
      this.dispatchEvent(
        new CustomEvent<Channel>('channel-changed', { detail: channel, bubbles: true, composed: true }),
      );
      this.done = done;
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #chosen(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // The same file can be chosen again after a refusal.
    if (!file) return;
    if (file.size > MAX_BYTES) {
      this.done = '';
      this.problem = {
        message: `“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB: an avatar may be at most 1 MB.`,
        code: 'PAYLOAD_TOO_LARGE',
        issues: [],
      };
      return;
    }
    await this.#run(() => this.client.setAvatar(this.channel.id, file), 'Avatar updated.');
  }

  override render() {
    const c = this.channel;
    return html`<div class="row">
        <span class="preview" data-avatar-preview>${avatar(c.name, c.avatarUrl)}</span>
        <label class="upload" aria-disabled=${this.busy ? 'true' : 'false'}
          >Upload image
          <input
            type="file"
            name="avatar"
            accept=${ACCEPT}
            ?disabled=${this.busy}
            @change=${(event: Event) => void this.#chosen(event)}
        /></label>
        ${
          c.avatarUrl
            ? html`<button
                type="button"
                ?disabled=${this.busy}
                @click=${() => void this.#run(() => this.client.removeAvatar(c.id), 'Avatar removed.')}
              >
                Remove
              </button>`
            : nothing
        }
        <span class="muted" role="status">${this.busy ? 'Saving…' : this.done}</span>
      </div>
      <p class="muted hint">PNG, JPEG, WebP or GIF, up to 1 MB. Without one, the initials show.</p>
      ${problemView(this.problem, 'Avatar error')}`;
  }
}
