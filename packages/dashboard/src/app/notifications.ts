import { plainPreview } from './markdown.js';
import type { Message } from './types.js';

const KEY = 'placet:notifications';

/**
 * Browser notifications, after the person opts in: one per new review request, and one per agent
 * message in a chat that is not open. Clicking one focuses the window and opens the chat.
 */
export class Notifier {
  get supported(): boolean {
    return typeof Notification !== 'undefined';
  }

  /** Opted in here and allowed by the browser. */
  get enabled(): boolean {
    return this.supported && Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on';
  }

  get permission(): NotificationPermission | 'unsupported' {
    return this.supported ? Notification.permission : 'unsupported';
  }

  /** Asks the browser (must run in a click handler) and remembers the choice. */
  async enable(): Promise<boolean> {
    if (!this.supported) return false;
    const permission =
      Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') return false;
    localStorage.setItem(KEY, 'on');
    return true;
  }

  disable(): void {
    localStorage.setItem(KEY, 'off');
  }

  /** Notifies about `message` unless its chat is open in a visible tab. */
  consider(
    message: Message,
    agentName: string,
    openChannelId: string | undefined,
    open: (channelId: string) => void,
  ) {
    if (!this.enabled || message.senderType !== 'agent') return;
    const watching = openChannelId === message.channelId && document.visibilityState === 'visible';
    if (watching) return;
    const title = message.review ? `${agentName} asks for a review` : agentName;
    const notification = new Notification(title, {
      body: plainPreview(message.text, 160) || (message.review ? message.review.type : 'New message'),
      // A review's tag is its message id, as its web push has (webpush plugin): the two replace each other
      // instead of showing twice on a device that has both.
      tag: message.review ? message.id : `placet-${message.channelId}-${message.id}`,
    });
    notification.onclick = () => {
      window.focus();
      open(message.channelId);
      notification.close();
    };
  }
}
