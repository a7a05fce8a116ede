import { PlacetAgentList } from './components/agent-list.js';
import { PlacetApp } from './components/app-root.js';
import { PlacetChat } from './components/chat-view.js';
import { PlacetFilePreview } from './components/files/file-preview.js';
import { PlacetInbox } from './components/inbox/inbox-view.js';
import { PlacetMessage } from './components/message-bubble.js';
import { PlacetProposal } from './components/policy/proposal-form.js';
import { PlacetReviewAudit } from './components/policy/review-audit.js';
import { PlacetReviewPolicy } from './components/policy/review-policy.js';
import { PlacetReviewReceipt } from './components/policy/review-receipt.js';
import { PlacetReviewHost } from './components/review-host.js';
import { PlacetSettings } from './components/settings/settings-view.js';
import { PlacetChangePassword, PlacetSignIn } from './components/sign-in.js';
import { listenToServiceWorker, registerServiceWorker } from './pwa.js';

const elements: [string, CustomElementConstructor][] = [
  ['placet-sign-in', PlacetSignIn],
  ['placet-change-password', PlacetChangePassword],
  ['placet-agent-list', PlacetAgentList],
  ['placet-review-policy', PlacetReviewPolicy],
  ['placet-proposal', PlacetProposal],
  ['placet-review-receipt', PlacetReviewReceipt],
  ['placet-review-audit', PlacetReviewAudit],
  ['placet-review-host', PlacetReviewHost],
  ['placet-message', PlacetMessage],
  ['placet-chat', PlacetChat],
  ['placet-file-preview', PlacetFilePreview],
  ['placet-inbox', PlacetInbox],
  ['placet-settings', PlacetSettings],
  // Last: the root renders the others.
  ['placet-app', PlacetApp],
];
for (const [name, element] of elements) {
  if (!customElements.get(name)) customElements.define(name, element);
}

// The service worker: offline start, installing the app, web push; a clicked notification opens its review.
listenToServiceWorker();
void registerServiceWorker();
