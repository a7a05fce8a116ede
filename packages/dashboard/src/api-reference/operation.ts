import { el, rich } from './dom.js';
import { isObject, type Json, objectOr } from './json.js';
import type { SchemaTools } from './schema.js';
import { renderTryIt, type TryContext } from './try-it.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const AUTH_LABELS: Record<string, string> = {
  apiKey: 'API key',
  user: 'signed-in human',
  either: 'API key or human',
  public: 'public',
};

/** The parameters of the path item and of the operation, in that order. */
function parametersOf(pathItem: Json, operation: Json): Json[] {
  const all = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ];
  return all.filter((p): p is Json => isObject(p) && typeof p.name === 'string');
}

/** Who may call the operation: Placet's `x-placet-auth`, else what `security` says. */
function authOf(operation: Json): string {
  const auth = operation['x-placet-auth'];
  if (typeof auth === 'string' && Object.hasOwn(AUTH_LABELS, auth)) return AUTH_LABELS[auth]!;
  if (Array.isArray(operation.security) && operation.security.length === 0) return 'public';
  return 'authenticated';
}

export function schemaBlock(schemas: SchemaTools, label: string, schema: unknown): HTMLDetailsElement {
  return el('details', { className: 'schema' }, [
    el('summary', { text: label }),
    el('pre', { text: JSON.stringify(schemas.expand(schema), null, 2) }),
  ]);
}

function renderParameters(schemas: SchemaTools, params: readonly Json[]): HTMLTableElement | null {
  if (params.length === 0) return null;
  const rows = params.map((p) =>
    el('tr', null, [
      el('td', null, [
        el('code', { text: String(p.name) }),
        p.required ? el('span', { className: 'required', text: ' *', title: 'required' }) : null,
      ]),
      el('td', { text: String(p.in || '') }),
      el('td', { text: schemas.mainType(p.schema) }),
      rich('td', null, p.description),
    ]),
  );
  const head = ['Name', 'In', 'Type', 'Description'].map((name) => el('th', { text: name }));
  return el('table', null, [el('thead', null, [el('tr', null, head)]), el('tbody', null, rows)]);
}

function renderRequestBody(schemas: SchemaTools, body: unknown): HTMLDivElement | null {
  if (!isObject(body) || !isObject(body.content)) return null;
  const parts: HTMLElement[] = [];
  for (const [type, media] of Object.entries(body.content)) {
    parts.push(
      el('div', null, [
        el('code', { text: type }),
        body.required ? el('span', { className: 'required', text: ' required' }) : ' optional',
      ]),
    );
    const schema = objectOr(media).schema;
    if (schema) parts.push(schemaBlock(schemas, 'Schema', schema));
  }
  return el('div', null, parts);
}

function renderResponses(schemas: SchemaTools, responses: unknown): HTMLTableElement | null {
  if (!isObject(responses)) return null;
  const rows = Object.keys(responses).map((status) => {
    const response = objectOr(responses[status]);
    const blocks: HTMLElement[] = [];
    if (isObject(response.content)) {
      for (const [type, media] of Object.entries(response.content)) {
        const schema = objectOr(media).schema;
        blocks.push(schema ? schemaBlock(schemas, type, schema) : el('code', { text: type }));
      }
    }
    return el('tr', null, [
      el('td', null, [el('span', { className: `status s${status.charAt(0)}`, text: status })]),
      el('td', null, [rich('div', null, response.description), ...blocks]),
    ]);
  });
  return el('table', null, [el('tbody', null, rows)]);
}

/** One operation: a collapsed `details.op` with its summary line, then its parameters, body, responses and "Try it". */
export function renderOperation(
  context: TryContext,
  method: string,
  path: string,
  pathItem: Json,
  operation: Json,
  index: number,
): HTMLDetailsElement {
  const { schemas } = context;
  const params = parametersOf(pathItem, operation);
  const badgeClass = `method${METHODS.includes(method) ? ` m-${method}` : ''}`;
  const details = el('details', { className: 'op', id: `op-${index}` });
  details.dataset.search = [method, path, operation.summary || '', operation.operationId || '']
    .join(' ')
    .toLowerCase();
  details.appendChild(
    el('summary', null, [
      el('span', { className: badgeClass, text: method }),
      el('span', { className: 'path', text: path }),
      el('span', { className: 'summary', text: String(operation.summary || '') }),
      el('span', { className: 'auth-badge', text: authOf(operation) }),
    ]),
  );
  const body = el('div', { className: 'op-body' });
  if (operation.description) body.appendChild(rich('p', null, operation.description));
  if (operation.operationId) {
    body.appendChild(
      el('p', { className: 'hint' }, ['operationId: ', el('code', { text: String(operation.operationId) })]),
    );
  }
  const paramTable = renderParameters(schemas, params);
  if (paramTable) body.append(el('h3', { text: 'Parameters' }), paramTable);
  const requestBody = renderRequestBody(schemas, operation.requestBody);
  if (requestBody) body.append(el('h3', { text: 'Request body' }), requestBody);
  body.appendChild(el('h3', { text: 'Responses' }));
  const responses = renderResponses(schemas, operation.responses);
  if (responses) body.appendChild(responses);
  body.appendChild(el('h3', { text: 'Try it' }));
  body.appendChild(renderTryIt(context, method, path, params, operation.requestBody));
  details.appendChild(body);
  return details;
}
