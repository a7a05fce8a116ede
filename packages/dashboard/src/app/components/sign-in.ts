import { css, html, LitElement } from 'lit';
import { type Api, ApiError } from '../api.js';
import type { User } from '../types.js';
import { controls } from './styles.js';

const card = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100%;
    padding: 24px;
  }
  form {
    width: min(380px, 100%);
    display: grid;
    gap: 12px;
    background: var(--placet-surface);
    border: 1px solid var(--placet-border);
    border-radius: 14px;
    padding: 28px;
  }
  h1 {
    margin: 0 0 4px;
    font-size: 22px;
  }
  label {
    display: grid;
    gap: 4px;
    font-size: 14px;
  }
`;

/** The example server's sign-in: email and password; `signed-in` carries the user. */
export class PlacetSignIn extends LitElement {
  static override styles = [controls, card];
  static override properties = { api: { attribute: false }, error: { state: true }, busy: { state: true } };
  declare api: Api;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const { user } = await this.api.login(String(form.get('email')), String(form.get('password')));
      this.dispatchEvent(new CustomEvent<User>('signed-in', { detail: user, bubbles: true, composed: true }));
    } catch (error) {
      this.error =
        error instanceof ApiError && error.status === 401
          ? 'Wrong email or password.'
          : error instanceof ApiError
            ? error.message
            : 'The server cannot be reached.';
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.#submit} aria-labelledby="title">
      <h1 id="title">Sign in to Placet</h1>
      <label>Email <input name="email" type="email" autocomplete="username" required autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
  }
}

/** Change password; `forced` when the password was generated (the server requires a change first). */
export class PlacetChangePassword extends LitElement {
  static override styles = [controls, card];
  static override properties = {
    api: { attribute: false },
    forced: { type: Boolean },
    error: { state: true },
    busy: { state: true },
  };
  declare api: Api;
  declare forced: boolean;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.forced = false;
    this.error = '';
    this.busy = false;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const next = String(form.get('newPassword'));
    if (next !== String(form.get('confirm'))) {
      this.error = 'The two new passwords differ.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await this.api.changePassword(String(form.get('currentPassword')), next);
      this.dispatchEvent(new CustomEvent('password-changed', { bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The server cannot be reached.';
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.#submit} aria-labelledby="title">
      <h1 id="title">${this.forced ? 'Choose your password' : 'Change password'}</h1>
      ${
        this.forced
          ? html`<p class="muted">Your password was generated at install. Choose your own to continue.</p>`
          : ''
      }
      <label>Current password
        <input name="currentPassword" type="password" autocomplete="current-password" required autofocus />
      </label>
      <label>New password (at least 8 characters)
        <input name="newPassword" type="password" autocomplete="new-password" minlength="8" required />
      </label>
      <label>Repeat the new password
        <input name="confirm" type="password" autocomplete="new-password" minlength="8" required />
      </label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>Save password</button>
      ${
        this.forced
          ? ''
          : html`<button type="button" @click=${() => this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }))}>Cancel</button>`
      }
    </form>`;
  }
}
