import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { User } from '../../types.js';
import { controls } from '../styles.js';
import type { PublicUser, SettingsApi } from './settings-api.js';
import {
  field,
  invalid,
  type Problem,
  problemView,
  sectionStyles,
  toProblem,
  when,
} from './settings-shared.js';

/** Users (owners only): list, create with a password and role, delete (never yourself) after a confirm step. */
export class PlacetUsersSection extends LitElement {
  static override styles = [controls, sectionStyles];
  static override properties = {
    client: { attribute: false },
    user: { attribute: false },
    users: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
    listProblem: { state: true },
    notice: { state: true },
  };
  declare client: SettingsApi;
  declare user: User;
  declare users: PublicUser[];
  declare loading: boolean;
  declare busy: boolean;
  /** A failed create. */
  declare problem: Problem | undefined;
  /** A failed load or delete. */
  declare listProblem: Problem | undefined;
  declare notice: string;

  constructor() {
    super();
    this.users = [];
    this.loading = true;
    this.busy = false;
    this.notice = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.loading = true;
    try {
      this.users = await this.client.users();
      this.listProblem = undefined;
    } catch (error) {
      this.listProblem = toProblem(error);
    } finally {
      this.loading = false;
    }
  }

  async #create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.problem = undefined;
    this.notice = '';
    try {
      const created = await this.client.createUser({
        email: field(data, 'email'),
        displayName: field(data, 'displayName'),
        password: String(data.get('password') ?? ''),
        role: field(data, 'role') === 'owner' ? 'owner' : 'member',
        mustChangePassword: data.get('mustChangePassword') === 'on',
      });
      this.users = [...this.users, created];
      this.notice = `${created.displayName} (${created.email}) can now sign in.`;
      form.reset();
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #delete(target: PublicUser) {
    this.listProblem = undefined;
    this.notice = '';
    try {
      await this.client.deleteUser(target.id);
      this.users = this.users.filter((u) => u.id !== target.id);
      this.notice = `${target.displayName} (${target.email}) was deleted.`;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('h3#people')?.focus();
    } catch (error) {
      this.listProblem = toProblem(error);
    }
  }

  override render() {
    return html`<h2>Users</h2>
      <p class="intro muted">People who can sign in to this server. Owners manage users; members see only their own channels.</p>
      <form class="stack card" aria-label="Create a user" @submit=${this.#create}>
        <h3>New user</h3>
        <label
          >Email <input name="email" type="email" required autocomplete="off" aria-invalid=${invalid(this.problem, 'email')}
        /></label>
        <label
          >Display name
          <input name="displayName" required maxlength="200" autocomplete="off" aria-invalid=${invalid(this.problem, 'displayName')} />
        </label>
        <label
          >Initial password (at least 8 characters)
          <input name="password" type="password" required autocomplete="new-password" aria-invalid=${invalid(this.problem, 'password')} />
        </label>
        <label
          >Role
          <select name="role" aria-invalid=${invalid(this.problem, 'role')}>
            <option value="member" selected>Member</option>
            <option value="owner">Owner</option>
          </select>
        </label>
        <label class="check"
          ><input type="checkbox" name="mustChangePassword" checked /> Ask for a new password at first sign-in</label
        >
        ${problemView(this.problem)}
        <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>Create user</button></div>
      </form>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <h3 id="people" tabindex="-1">People</h3>
      ${problemView(this.listProblem)}
      ${
        this.loading
          ? html`<p class="muted">Loading…</p>`
          : html`<table>
            <caption class="sr-only">Users</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              ${repeat(
                this.users,
                (u) => u.id,
                (u) => html`<tr data-user-id=${u.id}>
                  <th scope="row">${u.displayName}</th>
                  <td>${u.email}</td>
                  <td>${u.role === 'owner' ? 'Owner' : 'Member'}${u.mustChangePassword ? html` <span class="muted">(must change password)</span>` : nothing}</td>
                  <td>${when(u.createdAt)}</td>
                  <td>
                    ${
                      u.id === this.user.id
                        ? html`<span class="muted">You</span>`
                        : html`<placet-confirm-button
                            label="Delete"
                            accessible-name=${`Delete user ${u.email}`}
                            question=${`Delete ${u.displayName} (${u.email})? They can no longer sign in.`}
                            action="Yes, delete user"
                            @confirm=${() => void this.#delete(u)}
                          ></placet-confirm-button>`
                    }
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`
      }`;
  }
}
