import { escapeHtml, pageDocument, renderMarkdown } from './html.js';

/**
 * The pages an action link opens. Each is a whole document for `htmlPage()` (no script; the CSP forbids
 * it anyway) with the status it is served with. Every value from an agent or a user is escaped here.
 */
export interface Page {
  status: number;
  title: string;
  html: string;
}

const page = (status: number, title: string, body: string): Page => ({
  status,
  title,
  html: pageDocument(title, `<h1>${escapeHtml(title)}</h1>\n${body}`),
});

const p = (text: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</p>`;
const inboxLink = (href: string | undefined, label = 'Open it in Placet') =>
  href ? `<p><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>` : '';
const NOTHING_CHANGED = 'Nothing was changed.';

/** What the confirmation page shows about the request. */
export interface RequestView {
  agent: string;
  text: string | null;
  inbox: string;
}

const quote = (request: RequestView) =>
  `<p class="muted">${escapeHtml(request.agent)} asks:</p><div class="quote">${request.text?.trim() ? renderMarkdown(request.text) : p('(no text)', 'muted')}</div>`;

/** GET of a good link: states the answer and asks for the click that sends it (a POST). */
export function confirmPage(
  request: RequestView,
  input: { action: string; danger: boolean; userName: string; expires: string | undefined },
): Page {
  const title = `${input.action}?`;
  return page(
    200,
    title,
    `${quote(request)}
<form method="post"><button type="submit"${input.danger ? ' class="danger"' : ''}>${escapeHtml(input.action)}</button></form>
${p(`You answer as ${input.userName}. Opening this page changed nothing: the answer is sent when you press the button.${input.expires ? ` The request expires ${input.expires}.` : ''}`, 'muted')}
${inboxLink(request.inbox, 'Or open it in Placet')}`,
  );
}

/** POST that answered. */
export function donePage(request: RequestView, input: { answer: string }): Page {
  return page(
    200,
    'Thank you: your answer was sent',
    `${p(`You answered "${input.answer}". ${request.agent} has your answer.`)}${quote(request)}${inboxLink(request.inbox)}`,
  );
}

/** The review was answered already (by this link, another one, or the dashboard). */
export function answeredPage(
  request: RequestView,
  input: { status: number; by: string; at: string; answer: string },
): Page {
  return page(
    input.status,
    'This request was already answered',
    `${p(`Already answered by ${input.by} at ${input.at}: ${input.answer}.`)}${p(NOTHING_CHANGED, 'muted')}${quote(request)}${inboxLink(request.inbox)}`,
  );
}

export function reviewExpiredPage(request: RequestView, input: { at: string | undefined }): Page {
  return page(
    410,
    'This request has expired',
    `${p(`It expired${input.at ? ` at ${input.at}` : ''} without an answer, and can no longer be answered.`)}${p(NOTHING_CHANGED, 'muted')}${quote(request)}${inboxLink(request.inbox)}`,
  );
}

export function tokenExpiredPage(request: RequestView): Page {
  return page(
    410,
    'This link has expired',
    `${p('Links in e-mails work for a limited time. The request may still be answered in Placet.')}${p(NOTHING_CHANGED, 'muted')}${inboxLink(request.inbox)}`,
  );
}

export function usedPage(request: RequestView): Page {
  return page(
    409,
    'This link was already used',
    `${p('Each link in an e-mail works once.')}${p(NOTHING_CHANGED, 'muted')}${inboxLink(request.inbox)}`,
  );
}

export function invalidPage(): Page {
  return page(
    400,
    'This link is not valid',
    `${p('It may have been cut off or changed. Open the request from the e-mail again, or in Placet.')}${p(NOTHING_CHANGED, 'muted')}`,
  );
}

export function foreignPage(): Page {
  return page(
    403,
    'This link cannot answer this request',
    `${p('The request was deleted, or the link was made for someone who cannot answer it.')}${p(NOTHING_CHANGED, 'muted')}`,
  );
}

/** A refusal of the answer by the engine or a policy (a plugin's `review.beforeRespond`). */
export function refusedPage(request: RequestView, input: { status: number; reason: string }): Page {
  return page(
    input.status,
    'Your answer was not accepted',
    `${p(input.reason)}${p(NOTHING_CHANGED, 'muted')}${inboxLink(request.inbox)}`,
  );
}

export function unavailablePage(): Page {
  return page(
    503,
    'Please try again in a moment',
    `${p('The server could not complete this just now. The link still works.')}${p(NOTHING_CHANGED, 'muted')}`,
  );
}
