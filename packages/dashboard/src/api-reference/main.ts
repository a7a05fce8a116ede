/**
 * The API reference page (browser). `apiReferenceHandler()` serves it inline, under a CSP hash, in the
 * shell `page.html`. It fetches the OpenAPI document named by `#app[data-spec]` and renders operations
 * by tag, their parameters and schemas, and a "Try it" form. It loads nothing else: no CDN, no font.
 */
import { el, rich } from './dom.js';
import { isObject, type Json } from './json.js';
import { METHODS, renderOperation, schemaBlock } from './operation.js';
import { schemaTools } from './schema.js';
import type { TryContext } from './try-it.js';

const KEY_STORAGE = 'placet-docs:api-key';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const app = byId<HTMLElement>('app');
const specUrl = new URL(app.getAttribute('data-spec') || 'openapi.json', location.href);

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

// The API key stays in this tab (sessionStorage), for "Try it".
const keyInput = byId<HTMLInputElement>('api-key');
const store = sessionStore();
if (store) keyInput.value = store.getItem(KEY_STORAGE) || '';
keyInput.addEventListener('input', () => {
  if (!store) return;
  if (keyInput.value) store.setItem(KEY_STORAGE, keyInput.value);
  else store.removeItem(KEY_STORAGE);
});
byId('auth').addEventListener('submit', (event) => event.preventDefault());
byId('forget').addEventListener('click', () => {
  keyInput.value = '';
  store?.removeItem(KEY_STORAGE);
});

interface Group {
  name: string;
  description: unknown;
  ops: HTMLElement[];
}

function render(spec: Json): void {
  const info = isObject(spec.info) ? spec.info : {};
  byId('title').textContent = String(info.title || 'API reference');
  byId('version').textContent = info.version ? `v${String(info.version)}` : '';
  document.title = `${String(info.title || 'API')} reference`;

  const schemas = schemaTools(spec);
  const context: TryContext = {
    schemas,
    apiKey: () => keyInput.value,
    serverBase() {
      const servers = Array.isArray(spec.servers) ? spec.servers : [];
      const first: unknown = servers[0];
      const raw = isObject(first) && typeof first.url === 'string' ? first.url : '/';
      return new URL(raw, specUrl).href.replace(/\/+$/, '');
    },
  };

  const groups: Group[] = [];
  const byName = new Map<string, Group>();
  const group = (name: string, description?: unknown): Group => {
    let found = byName.get(name);
    if (!found) {
      found = { name, description: description || '', ops: [] };
      byName.set(name, found);
      groups.push(found);
    }
    return found;
  };
  for (const tag of Array.isArray(spec.tags) ? spec.tags : []) {
    if (isObject(tag) && typeof tag.name === 'string') group(tag.name, tag.description);
  }
  let index = 0;
  const paths = isObject(spec.paths) ? spec.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method) || !isObject(operation)) continue;
      const tags = operation.tags;
      const tag = Array.isArray(tags) && typeof tags[0] === 'string' ? tags[0] : 'Other';
      group(tag).ops.push(renderOperation(context, method, path, item, operation, index++));
    }
  }

  const nav = el('ul');
  const content = el('div', { id: 'operations' });
  groups.forEach((g, i) => {
    if (g.ops.length === 0) return;
    const id = `tag-${i}`;
    const count = el('span', { className: 'count', text: `(${g.ops.length})` });
    nav.appendChild(el('li', null, [el('a', { href: `#${id}` }, [`${g.name} `, count])]));
    const section = el('section', { id }, [
      el('h2', { text: g.name }),
      g.description ? rich('p', { className: 'tag-description' }, g.description) : null,
    ]);
    section.append(...g.ops);
    content.appendChild(section);
  });
  const components = isObject(spec.components) ? spec.components : {};
  const named = isObject(components.schemas) ? components.schemas : {};
  const names = Object.keys(named);
  if (names.length > 0) {
    const count = el('span', { className: 'count', text: `(${names.length})` });
    nav.appendChild(el('li', null, [el('a', { href: '#schemas' }, ['Schemas ', count])]));
    const section = el('section', { id: 'schemas' }, [el('h2', { text: 'Schemas' })]);
    for (const name of names) section.appendChild(schemaBlock(schemas, name, named[name]));
    content.appendChild(section);
  }
  app.textContent = '';
  app.appendChild(el('div', { className: 'layout' }, [el('nav', { 'aria-label': 'Tags' }, [nav]), content]));
}

// The filter hides operations (and whole tags) whose method, path, summary and id miss a typed word.
byId<HTMLInputElement>('filter').addEventListener('input', (event) => {
  const value = (event.target as HTMLInputElement | null)?.value;
  const words = String(value || '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  for (const section of document.querySelectorAll<HTMLElement>('#operations section')) {
    if (section.id === 'schemas') {
      section.hidden = words.length > 0;
      continue;
    }
    let visible = 0;
    for (const op of section.querySelectorAll<HTMLElement>('details.op')) {
      const search = op.dataset.search ?? '';
      const match = words.every((w) => search.includes(w));
      op.hidden = !match;
      if (match) visible++;
    }
    section.hidden = visible === 0;
  }
});

async function load(): Promise<void> {
  try {
    const response = await fetch(specUrl.href, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const loaded: unknown = await response.json();
    render(isObject(loaded) ? loaded : {});
    app.setAttribute('data-ready', 'true');
  } catch (error) {
    const message = (error as { message?: unknown } | null)?.message;
    app.textContent = '';
    app.appendChild(
      el('p', {
        className: 'error',
        text: `Could not load the API description from ${specUrl.href}: ${message ? String(message) : String(error)}`,
      }),
    );
    app.setAttribute('data-ready', 'error');
  }
}

void load();
