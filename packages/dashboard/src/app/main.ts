import { PlacetAgentList } from './components/agent-list.js';
import { PlacetApp } from './components/app-root.js';
import { PlacetChat } from './components/chat-view.js';
import { PlacetMessage } from './components/message-bubble.js';
import { PlacetReviewHost } from './components/review-host.js';
import { PlacetChangePassword, PlacetSignIn } from './components/sign-in.js';

const elements: [string, CustomElementConstructor][] = [
  ['placet-sign-in', PlacetSignIn],
  ['placet-change-password', PlacetChangePassword],
  ['placet-agent-list', PlacetAgentList],
  ['placet-review-host', PlacetReviewHost],
  ['placet-message', PlacetMessage],
  ['placet-chat', PlacetChat],
  // Last: the root renders the others.
  ['placet-app', PlacetApp],
];
for (const [name, element] of elements) {
  if (!customElements.get(name)) customElements.define(name, element);
}
