import { css, html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { session } from '../../session.js';
import {
  forgetThisDevice,
  type PushDevice,
  PushProblem,
  pushUnsupported,
  subscribeThisDevice,
  thisDeviceId,
} from '../../web-push.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { type Problem, problemView, sectionStyles, toProblem, when } from './settings-shared.js';

/** The plugin whose routes this talks to (`/api/v1/plugins/webpush/*`). */
export const WEBPUSH_PLUGIN = 'webpush';

/**
 * Web push devices (shown when the server has the `webpush` plugin): "Notify me on this device" asks for
 * permission, subscribes this browser through the service worker and registers it; the list shows every
 * device of the person with "Remove". Denied permission and browsers without push say so.
 */
export class PlacetPushDevices extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .this {
        font-size: 12px;
        padding: 0 6px;
        border-radius: 8px;
        border: 1px solid var(--placet-border);
        margin-left: 6px;
      }
      table {
        margin-top: 12px;
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    devices: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
    notice: { state: true },
  };
  declare client: SettingsApi;
  declare devices: PushDevice[];
  declare loading: boolean;
  declare busy: boolean;
  declare problem: Problem | undefined;
  declare notice: string;
  #publicKey: string | undefined;

  constructor() {
    super();
    this.devices = [];
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
      const answer = (await this.client.pushDevices()) as PushDevice[] | { data?: PushDevice[] };
      this.devices = Array.isArray(answer) ? answer : (answer.data ?? []);
      // This browser's subscription was removed elsewhere (or by the server, when its push service said
      // it is gone): forget it here too, so that the button offers to subscribe again.
      const user = session.user?.id;
      const mine = thisDeviceId(user);
      if (user && mine && !this.devices.some((d) => d.id === mine))
        await forgetThisDevice(user).catch(() => {});
      this.problem = undefined;
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.loading = false;
    }
  }

  async #subscribe() {
    this.busy = true;
    this.problem = undefined;
    this.notice = '';
    try {
      const user = session.user?.id;
      if (!user) throw new PushProblem('Sign in again to add this device.');
      this.#publicKey ??= (await this.client.webpushConfig()).publicKey;
      const device = await subscribeThisDevice(user, this.#publicKey, (body) =>
        this.client.addPushDevice(body),
      );
      this.notice = `This device (${device.device ?? 'this browser'}) now gets notifications.`;
      await this.#load();
    } catch (error) {
      this.problem =
        error instanceof PushProblem
          ? { message: error.message, code: 'PUSH', issues: [] }
          : toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #remove(device: PushDevice) {
    this.problem = undefined;
    this.notice = '';
    try {
      await this.client.removePushDevice(device.id);
      const user = session.user?.id;
      if (user && device.id === thisDeviceId(user)) await forgetThisDevice(user).catch(() => {});
      this.devices = this.devices.filter((d) => d.id !== device.id);
      this.notice = `Removed ${device.device ?? 'the device'}.`;
    } catch (error) {
      this.problem = toProblem(error);
    }
  }

  override render() {
    const unsupported = pushUnsupported();
    const mine = thisDeviceId(session.user?.id);
    const subscribed = !!mine && this.devices.some((d) => d.id === mine);
    return html`<p class="muted">
        Pushes reach each device you add here, even when the dashboard is closed. A notification opens the
        review; you answer it in the dashboard.
      </p>
      ${
        unsupported
          ? html`<p class="problem" role="status" data-push-unsupported>${unsupported}</p>`
          : html`<div class="actions">
              <button
                type="button"
                class=${subscribed ? '' : 'primary'}
                data-push-subscribe
                ?disabled=${this.busy}
                @click=${() => void this.#subscribe()}
              >
                ${subscribed ? 'Subscribe this device again' : 'Notify me on this device'}
              </button>
              <button type="button" @click=${() => void this.#load()} ?disabled=${this.loading}>Refresh devices</button>
              <span class="muted" role="status">${this.notice}</span>
            </div>`
      }
      ${problemView(this.problem, 'Push notifications')}
      ${
        !this.loading && this.devices.length === 0 && !this.problem
          ? html`<p class="muted empty" data-no-devices>No devices get push notifications yet.</p>`
          : nothing
      }
      ${
        this.devices.length
          ? html`<table aria-label="Devices">
              <thead>
                <tr><th scope="col">Device</th><th scope="col">Push service</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
              </thead>
              <tbody>
                ${repeat(
                  this.devices,
                  (d) => d.id,
                  (d) => html`<tr data-device-id=${d.id} data-this-device=${d.id === mine ? 'true' : 'false'}>
                    <th scope="row">${d.device ?? 'Unnamed device'}${d.id === mine ? html`<span class="this">this device</span>` : nothing}</th>
                    <td class="mono">${d.endpointOrigin}</td>
                    <td>${when(d.createdAt)}</td>
                    <td>
                      <button type="button" class="danger" aria-label="Remove device ${d.device ?? d.id}" @click=${() => void this.#remove(d)}>
                        Remove
                      </button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }`;
  }
}
