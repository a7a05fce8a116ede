import { css, html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { User } from '../../types.js';
import { controls } from '../styles.js';
import type { Group, PublicUser, SettingsApi } from './settings-api.js';
import { field, invalid, type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/** The member ids a form's checkboxes chose. */
const chosen = (data: FormData): string[] => data.getAll('members').map(String);

/**
 * Groups: named lists of people that an agent assigns a review to (`group:<name>`). Owners create them
 * (a name, a display name, members picked from the users), rename them, change their members and delete
 * them; members see them read-only, to understand who a review is assigned to.
 */
export class PlacetGroupsSection extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      fieldset {
        border: 1px solid var(--placet-border);
        border-radius: 8px;
        padding: 8px 12px;
        margin: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
        gap: 4px 12px;
      }
      legend {
        font-size: 14px;
        padding: 0 4px;
      }
      ul.people {
        margin: 0;
        padding: 0;
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      ul.people li {
        border: 1px solid var(--placet-border);
        border-radius: 999px;
        padding: 1px 8px;
        font-size: 13px;
      }
      td.actions-cell {
        white-space: nowrap;
      }
      tr.editing td {
        background: var(--placet-surface);
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    user: { attribute: false },
    groups: { state: true },
    people: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
    listProblem: { state: true },
    editing: { state: true },
    editProblem: { state: true },
    notice: { state: true },
  };
  declare client: SettingsApi;
  declare user: User;
  declare groups: Group[];
  /** Everyone who can be a member (owners only: the user list is theirs). */
  declare people: PublicUser[];
  declare loading: boolean;
  declare busy: boolean;
  /** A failed create. */
  declare problem: Problem | undefined;
  /** A failed load or delete. */
  declare listProblem: Problem | undefined;
  /** The name of the group whose edit form is open. */
  declare editing: string | undefined;
  /** A failed change of the group being edited. */
  declare editProblem: Problem | undefined;
  declare notice: string;

  constructor() {
    super();
    this.groups = [];
    this.people = [];
    this.loading = true;
    this.busy = false;
    this.notice = '';
  }

  get #owner(): boolean {
    return this.user?.role === 'owner';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.loading = true;
    try {
      const [groups, people] = await Promise.all([
        this.client.groups(),
        this.#owner ? this.client.users() : Promise.resolve([]),
      ]);
      this.groups = groups;
      this.people = people;
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
      const displayName = field(data, 'displayName');
      const created = await this.client.createGroup({
        name: field(data, 'name'),
        ...(displayName ? { displayName } : {}),
        members: chosen(data),
      });
      this.groups = [...this.groups, created].sort((a, b) => (a.name < b.name ? -1 : 1));
      this.notice = `Group ${created.displayName} was created: agents assign it as group:${created.name}.`;
      form.reset();
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #save(event: SubmitEvent, group: Group) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.editProblem = undefined;
    this.notice = '';
    try {
      const saved = await this.client.updateGroup(group.name, {
        displayName: field(data, 'displayName'),
        members: chosen(data),
      });
      this.groups = this.groups.map((g) => (g.name === saved.name ? saved : g));
      this.editing = undefined;
      this.notice = `Group ${saved.displayName} was saved.`;
      await this.#focusRow(saved.name);
    } catch (error) {
      this.editProblem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #delete(group: Group) {
    this.listProblem = undefined;
    this.notice = '';
    try {
      await this.client.deleteGroup(group.name);
      this.groups = this.groups.filter((g) => g.name !== group.name);
      this.notice = `Group ${group.displayName} was deleted. Reviews assigned to it keep their assignees.`;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('h3#groups')?.focus();
    } catch (error) {
      this.listProblem = toProblem(error);
    }
  }

  async #edit(group: Group | undefined) {
    const closing = this.editing;
    this.editing = group?.name;
    this.editProblem = undefined;
    await this.updateComplete;
    if (group)
      this.renderRoot.querySelector<HTMLInputElement>('form[data-edit] input[name="displayName"]')?.focus();
    else if (closing) await this.#focusRow(closing);
  }

  async #focusRow(name: string) {
    await this.updateComplete;
    this.renderRoot
      .querySelector<HTMLElement>(`tr[data-group="${CSS.escape(name)}"] button[data-action="edit"]`)
      ?.focus();
  }

  /** The member checkboxes, one per user, those in `selected` checked. */
  #memberPicker(selected: ReadonlySet<string>, problem: Problem | undefined, legend: string) {
    return html`<fieldset data-invalid=${invalid(problem, 'members')}>
      <legend>${legend}</legend>
      ${
        this.people.length
          ? repeat(
              this.people,
              (p) => p.id,
              (p) => html`<label class="check"
                ><input type="checkbox" name="members" value=${p.id} .checked=${selected.has(p.id)} />
                ${p.displayName} <span class="muted">${p.email}</span></label
              >`,
            )
          : html`<p class="muted">No users yet.</p>`
      }
    </fieldset>`;
  }

  #createForm() {
    return html`<form class="stack card" aria-label="Create a group" data-create @submit=${this.#create}>
      <h3>New group</h3>
      <label
        >Name (lower-case letters, digits, “.”, “_” and “-”)
        <input
          name="name"
          required
          maxlength="64"
          pattern="[a-z0-9][a-z0-9._\\-]*"
          autocomplete="off"
          spellcheck="false"
          aria-invalid=${invalid(this.problem, 'name')}
      /></label>
      <label
        >Display name (optional)
        <input name="displayName" maxlength="200" autocomplete="off" aria-invalid=${invalid(this.problem, 'displayName')}
      /></label>
      ${this.#memberPicker(new Set(), this.problem, 'Members')}
      ${problemView(this.problem)}
      <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>Create group</button></div>
    </form>`;
  }

  #editRow(group: Group) {
    return html`<tr class="editing" data-group=${group.name}>
      <td colspan="4">
        <form class="stack" data-edit aria-label=${`Edit group ${group.name}`} @submit=${(e: SubmitEvent) => void this.#save(e, group)}>
          <label
            >Display name
            <input
              name="displayName"
              required
              maxlength="200"
              autocomplete="off"
              .value=${group.displayName}
              aria-invalid=${invalid(this.editProblem, 'displayName')}
          /></label>
          ${this.#memberPicker(new Set(group.members.map((m) => m.id)), this.editProblem, `Members of ${group.displayName}`)}
          ${problemView(this.editProblem)}
          <div class="actions">
            <button class="primary" type="submit" ?disabled=${this.busy}>Save group</button>
            <button type="button" @click=${() => void this.#edit(undefined)}>Cancel</button>
          </div>
        </form>
      </td>
    </tr>`;
  }

  #row(group: Group) {
    if (this.editing === group.name) return this.#editRow(group);
    return html`<tr data-group=${group.name}>
      <th scope="row">${group.displayName}</th>
      <td><code>group:${group.name}</code></td>
      <td>
        ${
          group.members.length
            ? html`<ul class="people" aria-label=${`Members of ${group.displayName}`}>
                ${group.members.map((m) => html`<li data-member=${m.id}>${m.displayName}</li>`)}
              </ul>`
            : html`<span class="muted">No members</span>`
        }
      </td>
      ${
        this.#owner
          ? html`<td class="actions-cell">
              <button type="button" data-action="edit" aria-label=${`Edit group ${group.name}`} @click=${() => void this.#edit(group)}>
                Edit
              </button>
              <placet-confirm-button
                label="Delete"
                accessible-name=${`Delete group ${group.name}`}
                question=${`Delete ${group.displayName}? Reviews assigned to it keep their assignees.`}
                action="Yes, delete group"
                @confirm=${() => void this.#delete(group)}
              ></placet-confirm-button>
            </td>`
          : nothing
      }
    </tr>`;
  }

  override render() {
    return html`<h2>Groups</h2>
      <p class="intro muted">
        Named groups of people. An agent assigns a review to a group's members with <code>group:&lt;name&gt;</code>
        in <code>assignees</code>: the members at that moment may answer. ${this.#owner ? 'Owners manage groups.' : 'Owners manage groups; you see them.'}
      </p>
      ${this.#owner ? this.#createForm() : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <h3 id="groups" tabindex="-1">All groups</h3>
      ${problemView(this.listProblem)}
      ${
        this.loading
          ? html`<p class="muted">Loading…</p>`
          : this.groups.length === 0
            ? html`<p class="empty muted" data-empty>No groups yet.</p>`
            : html`<table>
                <caption class="sr-only">Groups</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Assign as</th>
                    <th scope="col">Members</th>
                    ${this.#owner ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : nothing}
                  </tr>
                </thead>
                <tbody>
                  ${repeat(
                    this.groups,
                    (g) => g.name,
                    (g) => this.#row(g),
                  )}
                </tbody>
              </table>`
      }`;
  }
}
