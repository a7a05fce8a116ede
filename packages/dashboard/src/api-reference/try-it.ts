import { el } from './dom.js';
import { isObject, type Json } from './json.js';
import type { SchemaTools } from './schema.js';

/** What a "Try it" form needs from its page. */
export interface TryContext {
  schemas: SchemaTools;
  /** The API key typed in the header, or '' to use the signed-in session. */
  apiKey(): string;
  /** The base URL of the API (the document's first server), without a trailing slash. */
  serverBase(): string;
}

interface ParamInput {
  param: Json;
  input: HTMLInputElement;
}

interface PartInput {
  name: string;
  input: HTMLInputElement;
  binary: boolean;
}

const field = (labelText: string, input: HTMLElement) =>
  el('label', null, [el('span', { text: labelText }), input]);

/** Responses longer than this are cut when shown. */
const SHOWN_MAX = 200_000;

/**
 * The "Try it" form of one operation: its path, query and header parameters, a JSON body prefilled from
 * the request schema (or the fields of a multipart body), and the answer shown as text.
 */
export function renderTryIt(
  context: TryContext,
  method: string,
  path: string,
  params: readonly Json[],
  body: unknown,
): HTMLFormElement {
  const { schemas } = context;
  const form = el('form', { className: 'try', novalidate: 'novalidate' });
  const inputs: ParamInput[] = [];
  for (const param of params) {
    if (!['path', 'query', 'header'].includes(String(param.in))) continue;
    const input = el('input', {
      type: 'text',
      name: String(param.name),
      placeholder: schemas.mainType(param.schema),
    });
    inputs.push({ param, input });
    form.appendChild(
      field(`${String(param.name)} (${String(param.in)})${param.required ? ' *' : ''}`, input),
    );
  }
  let bodyType: 'json' | 'multipart' | null = null;
  let textarea: HTMLTextAreaElement | null = null;
  const multipart: PartInput[] = [];
  const content = isObject(body) && isObject(body.content) ? body.content : undefined;
  if (content?.['application/json']) {
    bodyType = 'json';
    textarea = el('textarea', { name: 'body', spellcheck: 'false' });
    const sample = schemas.example((content['application/json'] as Json).schema);
    textarea.value = JSON.stringify(sample === null ? {} : sample, null, 2);
    form.appendChild(field('Body (JSON)', textarea));
  } else if (content?.['multipart/form-data']) {
    bodyType = 'multipart';
    const schema = schemas.deref((content['multipart/form-data'] as Json).schema);
    const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
    const required = isObject(schema) && Array.isArray(schema.required) ? schema.required : [];
    for (const name of Object.keys(properties)) {
      const prop = schemas.deref(properties[name]);
      const binary =
        isObject(prop) && (prop.format === 'binary' || typeof prop.contentMediaType === 'string');
      const input = el('input', { type: binary ? 'file' : 'text', name });
      multipart.push({ name, input, binary });
      form.appendChild(field(`${name}${required.includes(name) ? ' *' : ''}`, input));
    }
  }
  const send = el('button', { type: 'submit', className: 'primary', text: 'Send request' });
  const result = el('div', { className: 'result', 'aria-live': 'polite' });
  form.appendChild(el('div', null, [send]));
  form.appendChild(result);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    result.textContent = '';
    const headers: Record<string, string> = { 'X-Requested-With': 'placet-docs' };
    let problem: string | null = null;
    const resolvedPath = path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      const entry = inputs.find((i) => i.param.in === 'path' && i.param.name === name);
      const value = entry ? entry.input.value : '';
      if (!value) problem = `Fill in the path parameter ${name}.`;
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams();
    for (const { param, input } of inputs) {
      const value = input.value;
      if (param.in === 'query' && value !== '') query.append(String(param.name), value);
      if (param.in === 'header' && value !== '') headers[String(param.name)] = value;
    }
    const key = context.apiKey().trim();
    if (key) headers['x-api-key'] = key;
    const init: RequestInit & { method: string } = {
      method: method.toUpperCase(),
      headers,
      credentials: 'same-origin',
    };
    if (bodyType === 'json' && textarea) {
      try {
        JSON.parse(textarea.value);
      } catch {
        problem = 'The body is not valid JSON.';
      }
      headers['content-type'] = 'application/json';
      init.body = textarea.value;
    } else if (bodyType === 'multipart') {
      const data = new FormData();
      for (const part of multipart) {
        const file = part.input.files?.[0];
        if (part.binary) {
          if (file) data.append(part.name, file);
        } else if (part.input.value !== '') data.append(part.name, part.input.value);
      }
      init.body = data;
    }
    if (problem) {
      result.appendChild(el('p', { className: 'error', text: problem }));
      return;
    }
    const search = query.toString();
    const url = context.serverBase() + resolvedPath + (search ? `?${search}` : '');
    result.appendChild(el('p', null, [el('code', { text: `${init.method} ${url}` })]));
    send.disabled = true;
    void sendRequest(url, init, result).finally(() => {
      send.disabled = false;
    });
  });
  return form;
}

/** Sends the request and shows its status, time, type and (textual) body in `result`. */
async function sendRequest(url: string, init: RequestInit, result: HTMLElement): Promise<void> {
  const started = Date.now();
  try {
    const response = await fetch(url, init);
    const type = response.headers.get('content-type') || '';
    result.appendChild(
      el('p', null, [
        el('span', {
          className: `status s${String(response.status).charAt(0)}`,
          text: `${response.status} ${response.statusText || ''}`,
        }),
        ` ${Date.now() - started} ms `,
        type ? el('code', { text: type }) : null,
      ]),
    );
    const textual = type === '' || /json|^text\//i.test(type);
    if (!textual) {
      const blob = await response.blob();
      result.appendChild(el('p', { text: `${blob.size} bytes (not shown)` }));
      return;
    }
    const text = await response.text();
    let shown = text;
    if (/json/i.test(type)) {
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        shown = text;
      }
    }
    if (shown.length > SHOWN_MAX) shown = `${shown.slice(0, SHOWN_MAX)}\n…`;
    result.appendChild(el('pre', { className: 'response-body', text: shown }));
  } catch (error) {
    // Not `instanceof Error`: an error may come from another realm (a test's fetch).
    const message = (error as { message?: unknown } | null)?.message;
    const text = message ? String(message) : String(error);
    result.appendChild(el('p', { className: 'error', text: `Request failed: ${text}` }));
  }
}
