import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * A self-contained, interactive API reference: one HTML page with inline CSS and script, no external
 * resource (no CDN, no web font). It fetches the OpenAPI document and renders operations by tag, their
 * parameters and schemas, and a "Try it" form. Every string of the document reaches the DOM through
 * `textContent` or `setAttribute`, never through HTML parsing.
 */

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --panel: #f5f7fa;
  --accent: #2f5bd3; --get: #1f7a4d; --post: #2f5bd3; --put: #9a5b00; --patch: #7a3fb0; --delete: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --bg: #12151b; --fg: #e3e7ee; --muted: #9aa3b2; --line: #2b313c;
  --panel: #1a1f27; --accent: #7f9cff; --get: #4cc38a; --post: #7f9cff; --put: #e0a548; --patch: #c59af0; --delete: #ff7b72; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { position: sticky; top: 0; z-index: 1; background: var(--bg); border-bottom: 1px solid var(--line); padding: 12px 24px;
  display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; }
header h1 { font-size: 20px; margin: 0; }
.version { color: var(--muted); font-size: 13px; }
.auth { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.hint { color: var(--muted); font-size: 12px; }
input, textarea, select, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; }
button { cursor: pointer; background: var(--panel); }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
#filter { min-width: 220px; }
.layout { display: grid; grid-template-columns: 220px minmax(0, 1fr); gap: 24px; padding: 16px 24px; }
nav ul { list-style: none; margin: 0; padding: 0; position: sticky; top: 80px; }
nav a { color: var(--fg); text-decoration: none; display: block; padding: 2px 0; }
nav a:hover { color: var(--accent); }
nav .count { color: var(--muted); font-size: 12px; }
@media (max-width: 800px) { .layout { grid-template-columns: 1fr; } nav { display: none; } }
section { margin-bottom: 32px; }
section h2 { margin: 0 0 4px; font-size: 18px; }
.tag-description { color: var(--muted); margin: 0 0 12px; }
details.op { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: var(--bg); }
details.op > summary { display: flex; gap: 12px; align-items: baseline; padding: 8px 12px; cursor: pointer; list-style: none; }
details.op > summary::-webkit-details-marker { display: none; }
details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--panel); border-radius: 8px 8px 0 0; }
.method { display: inline-block; min-width: 64px; text-align: center; font: 600 12px/20px ui-monospace, SFMono-Regular, Menlo, monospace;
  text-transform: uppercase; color: #fff; border-radius: 4px; padding: 0 6px; background: var(--muted); }
.m-get { background: var(--get); } .m-post { background: var(--post); } .m-put { background: var(--put); }
.m-patch { background: var(--patch); } .m-delete { background: var(--delete); }
.path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; word-break: break-all; }
.summary { color: var(--muted); }
.auth-badge { margin-left: auto; font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.op-body { padding: 12px 16px; }
.op-body h3 { font-size: 14px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; max-height: 480px; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
details.schema > summary { cursor: pointer; color: var(--accent); font-size: 13px; }
.status { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; }
.s2 { color: var(--get); } .s4, .s5 { color: var(--delete); }
.required { color: var(--delete); }
form.try { display: grid; gap: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
form.try label { display: grid; grid-template-columns: 180px minmax(0, 1fr); gap: 8px; align-items: center; }
form.try textarea { min-height: 140px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.result { margin-top: 8px; }
.error { color: var(--delete); }
`;

const SCRIPT = `
(function () {
  'use strict';
  var KEY_STORAGE = 'placet-docs:api-key';
  var METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  var AUTH_LABELS = { apiKey: 'API key', user: 'signed-in human', either: 'API key or human', 'public': 'public' };
  var app = document.getElementById('app');
  var specUrl = new URL(app.getAttribute('data-spec') || 'openapi.json', location.href);
  var spec = null;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (name) {
        var value = props[name];
        if (value === undefined || value === null || value === false) return;
        if (name === 'text') node.textContent = String(value);
        else if (name === 'className') node.className = String(value);
        else node.setAttribute(name, String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** Text with \`code\` spans: each part becomes a text node or a <code> element, never parsed HTML. */
  function rich(tag, props, text) {
    var node = el(tag, props);
    String(text || '').split('\x60').forEach(function (part, i) {
      if (part) node.appendChild(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
    });
    return node;
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  var keyInput = document.getElementById('api-key');
  var store = storage();
  if (store) keyInput.value = store.getItem(KEY_STORAGE) || '';
  keyInput.addEventListener('input', function () {
    if (!store) return;
    if (keyInput.value) store.setItem(KEY_STORAGE, keyInput.value);
    else store.removeItem(KEY_STORAGE);
  });
  document.getElementById('auth').addEventListener('submit', function (event) { event.preventDefault(); });
  document.getElementById('forget').addEventListener('click', function () {
    keyInput.value = '';
    if (store) store.removeItem(KEY_STORAGE);
  });

  function isObject(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }

  function lookup(ref) {
    var prefix = '#/components/schemas/';
    if (typeof ref !== 'string' || ref.indexOf(prefix) !== 0 || !spec.components || !spec.components.schemas) return undefined;
    var name = decodeURIComponent(ref.slice(prefix.length));
    return Object.prototype.hasOwnProperty.call(spec.components.schemas, name) ? spec.components.schemas[name] : undefined;
  }

  function deref(schema) {
    var seen = 0;
    while (isObject(schema) && typeof schema.$ref === 'string' && seen < 20) {
      var target = lookup(schema.$ref);
      if (!target) return schema;
      schema = target;
      seen++;
    }
    return schema;
  }

  /** The schema with every $ref replaced by its target (a cycle keeps its $ref). */
  function expand(schema, stack) {
    if (Array.isArray(schema)) return schema.map(function (item) { return expand(item, stack); });
    if (!isObject(schema)) return schema;
    if (typeof schema.$ref === 'string') {
      var target = lookup(schema.$ref);
      if (!target || stack.indexOf(schema.$ref) !== -1 || stack.length > 12) return schema;
      return expand(target, stack.concat([schema.$ref]));
    }
    var out = {};
    Object.keys(schema).forEach(function (key) { out[key] = expand(schema[key], stack); });
    return out;
  }

  function mainType(schema) {
    schema = deref(schema);
    if (!isObject(schema)) return '';
    if (Array.isArray(schema.type)) return schema.type.join(' | ');
    if (schema.type) return schema.type + (schema.format ? ' (' + schema.format + ')' : '');
    if (schema.enum) return 'enum';
    if (schema.anyOf || schema.oneOf) return (schema.anyOf || schema.oneOf).map(mainType).join(' | ');
    return 'any';
  }

  function example(schema, depth, top) {
    schema = deref(schema);
    if (!isObject(schema) || depth > 6) return null;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if ('default' in schema) return schema['default'];
    if ('const' in schema) return schema['const'];
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    var alternatives = schema.anyOf || schema.oneOf;
    if (Array.isArray(alternatives) && alternatives.length > 0) {
      var first = alternatives.filter(function (s) { return deref(s).type !== 'null'; })[0] || alternatives[0];
      return example(first, depth + 1, top);
    }
    var type = Array.isArray(schema.type) ? schema.type.filter(function (t) { return t !== 'null'; })[0] : schema.type;
    if (type === 'object' || isObject(schema.properties)) {
      var out = {};
      var properties = isObject(schema.properties) ? schema.properties : {};
      var wanted = (Array.isArray(schema.required) ? schema.required : []).slice();
      if (top && properties.text && wanted.indexOf('text') === -1) wanted.push('text');
      wanted.forEach(function (name) { if (properties[name]) out[name] = example(properties[name], depth + 1, false); });
      return out;
    }
    if (type === 'array') return [];
    if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 0;
    if (type === 'boolean') return false;
    if (type === 'string') {
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'email') return 'user@example.com';
      if (schema.format === 'uri') return 'https://example.com/';
      return 'string';
    }
    return null;
  }

  function schemaBlock(label, schema) {
    return el('details', { className: 'schema' }, [
      el('summary', { text: label }),
      el('pre', { text: JSON.stringify(expand(schema, []), null, 2) }),
    ]);
  }

  function parametersOf(pathItem, operation) {
    var list = [];
    [].concat(pathItem.parameters || [], operation.parameters || []).forEach(function (p) {
      if (isObject(p) && typeof p.name === 'string') list.push(p);
    });
    return list;
  }

  function authOf(operation) {
    var auth = operation['x-placet-auth'];
    if (typeof auth === 'string' && AUTH_LABELS[auth]) return AUTH_LABELS[auth];
    if (Array.isArray(operation.security) && operation.security.length === 0) return 'public';
    return 'authenticated';
  }

  function renderParameters(params) {
    if (params.length === 0) return null;
    var rows = params.map(function (p) {
      return el('tr', null, [
        el('td', null, [el('code', { text: p.name }), p.required ? el('span', { className: 'required', text: ' *', title: 'required' }) : null]),
        el('td', { text: String(p['in'] || '') }),
        el('td', { text: mainType(p.schema) }),
        rich('td', null, p.description),
      ]);
    });
    return el('table', null, [
      el('thead', null, [el('tr', null, [el('th', { text: 'Name' }), el('th', { text: 'In' }), el('th', { text: 'Type' }), el('th', { text: 'Description' })])]),
      el('tbody', null, rows),
    ]);
  }

  function renderRequestBody(body) {
    if (!isObject(body) || !isObject(body.content)) return null;
    var parts = [];
    Object.keys(body.content).forEach(function (type) {
      var media = body.content[type] || {};
      parts.push(el('div', null, [el('code', { text: type }), body.required ? el('span', { className: 'required', text: ' required' }) : ' optional']));
      if (media.schema) parts.push(schemaBlock('Schema', media.schema));
    });
    return el('div', null, parts);
  }

  function renderResponses(responses) {
    if (!isObject(responses)) return null;
    var rows = Object.keys(responses).map(function (status) {
      var response = responses[status] || {};
      var schemas = [];
      if (isObject(response.content)) {
        Object.keys(response.content).forEach(function (type) {
          var media = response.content[type] || {};
          schemas.push(media.schema ? schemaBlock(type, media.schema) : el('code', { text: type }));
        });
      }
      return el('tr', null, [
        el('td', null, [el('span', { className: 'status s' + status.charAt(0), text: status })]),
        el('td', null, [rich('div', null, response.description)].concat(schemas)),
      ]);
    });
    return el('table', null, [el('tbody', null, rows)]);
  }

  function field(labelText, input) {
    return el('label', null, [el('span', { text: labelText }), input]);
  }

  function renderTryIt(method, path, params, body) {
    var form = el('form', { className: 'try', novalidate: 'novalidate' });
    var inputs = [];
    params.forEach(function (p) {
      if (['path', 'query', 'header'].indexOf(p['in']) === -1) return;
      var input = el('input', { type: 'text', name: p.name, placeholder: mainType(p.schema) });
      inputs.push({ param: p, input: input });
      form.appendChild(field(p.name + ' (' + p['in'] + ')' + (p.required ? ' *' : ''), input));
    });
    var bodyType = null;
    var textarea = null;
    var multipart = [];
    if (isObject(body) && isObject(body.content)) {
      if (body.content['application/json']) {
        bodyType = 'json';
        textarea = el('textarea', { name: 'body', spellcheck: 'false' });
        var sample = example(body.content['application/json'].schema, 0, true);
        textarea.value = JSON.stringify(sample === null ? {} : sample, null, 2);
        form.appendChild(field('Body (JSON)', textarea));
      } else if (body.content['multipart/form-data']) {
        bodyType = 'multipart';
        var schema = deref(body.content['multipart/form-data'].schema) || {};
        var properties = isObject(schema.properties) ? schema.properties : {};
        var required = Array.isArray(schema.required) ? schema.required : [];
        Object.keys(properties).forEach(function (name) {
          var prop = deref(properties[name]) || {};
          var binary = prop.format === 'binary' || typeof prop.contentMediaType === 'string';
          var input = el('input', { type: binary ? 'file' : 'text', name: name });
          multipart.push({ name: name, input: input, binary: binary });
          form.appendChild(field(name + (required.indexOf(name) !== -1 ? ' *' : ''), input));
        });
      }
    }
    var send = el('button', { type: 'submit', className: 'primary', text: 'Send request' });
    var result = el('div', { className: 'result', 'aria-live': 'polite' });
    form.appendChild(el('div', null, [send]));
    form.appendChild(result);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      result.textContent = '';
      var url;
      var headers = { 'X-Requested-With': 'placet-docs' };
      var problem = null;
      var resolvedPath = path.replace(/\\{([^}]+)\\}/g, function (whole, name) {
        var entry = inputs.filter(function (i) { return i.param['in'] === 'path' && i.param.name === name; })[0];
        var value = entry ? entry.input.value : '';
        if (!value) problem = 'Fill in the path parameter ' + name + '.';
        return encodeURIComponent(value);
      });
      var query = new URLSearchParams();
      inputs.forEach(function (i) {
        var value = i.input.value;
        if (i.param['in'] === 'query' && value !== '') query.append(i.param.name, value);
        if (i.param['in'] === 'header' && value !== '') headers[i.param.name] = value;
      });
      var key = keyInput.value.trim();
      if (key) headers['x-api-key'] = key;
      var init = { method: method.toUpperCase(), headers: headers, credentials: 'same-origin' };
      if (bodyType === 'json') {
        try { JSON.parse(textarea.value); } catch (e) { problem = 'The body is not valid JSON.'; }
        headers['content-type'] = 'application/json';
        init.body = textarea.value;
      } else if (bodyType === 'multipart') {
        var data = new FormData();
        multipart.forEach(function (m) {
          if (m.binary) { if (m.input.files && m.input.files[0]) data.append(m.name, m.input.files[0]); }
          else if (m.input.value !== '') data.append(m.name, m.input.value);
        });
        init.body = data;
      }
      if (problem) {
        result.appendChild(el('p', { className: 'error', text: problem }));
        return;
      }
      var base = serverBase();
      var search = query.toString();
      url = base + resolvedPath + (search ? '?' + search : '');
      result.appendChild(el('p', null, [el('code', { text: init.method + ' ' + url })]));
      send.disabled = true;
      var started = Date.now();
      fetch(url, init).then(function (response) {
        var type = response.headers.get('content-type') || '';
        var line = el('p', null, [
          el('span', { className: 'status s' + String(response.status).charAt(0), text: String(response.status) + ' ' + (response.statusText || '') }),
          ' ' + (Date.now() - started) + ' ms ',
          type ? el('code', { text: type }) : null,
        ]);
        result.appendChild(line);
        var textual = type === '' || /json|^text\\//i.test(type);
        if (!textual) {
          return response.blob().then(function (blob) {
            result.appendChild(el('p', { text: blob.size + ' bytes (not shown)' }));
          });
        }
        return response.text().then(function (text) {
          var shown = text;
          if (/json/i.test(type)) { try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { shown = text; } }
          if (shown.length > 200000) shown = shown.slice(0, 200000) + '\\n…';
          result.appendChild(el('pre', { className: 'response-body', text: shown }));
        });
      }).catch(function (error) {
        result.appendChild(el('p', { className: 'error', text: 'Request failed: ' + (error && error.message ? error.message : String(error)) }));
      }).then(function () { send.disabled = false; });
    });
    return form;
  }

  function serverBase() {
    var servers = Array.isArray(spec.servers) ? spec.servers : [];
    var raw = servers[0] && typeof servers[0].url === 'string' ? servers[0].url : '/';
    var href = new URL(raw, specUrl).href;
    return href.replace(/\\/+$/, '');
  }

  function renderOperation(method, path, pathItem, operation, index) {
    var params = parametersOf(pathItem, operation);
    var badgeClass = 'method' + (METHODS.indexOf(method) !== -1 ? ' m-' + method : '');
    var details = el('details', { className: 'op', id: 'op-' + index });
    details.dataset.search = [method, path, operation.summary || '', operation.operationId || ''].join(' ').toLowerCase();
    details.appendChild(el('summary', null, [
      el('span', { className: badgeClass, text: method }),
      el('span', { className: 'path', text: path }),
      el('span', { className: 'summary', text: String(operation.summary || '') }),
      el('span', { className: 'auth-badge', text: authOf(operation) }),
    ]));
    var bodyNode = el('div', { className: 'op-body' });
    if (operation.description) bodyNode.appendChild(rich('p', null, operation.description));
    if (operation.operationId) bodyNode.appendChild(el('p', { className: 'hint' }, ['operationId: ', el('code', { text: String(operation.operationId) })]));
    var paramTable = renderParameters(params);
    if (paramTable) { bodyNode.appendChild(el('h3', { text: 'Parameters' })); bodyNode.appendChild(paramTable); }
    var requestBody = renderRequestBody(operation.requestBody);
    if (requestBody) { bodyNode.appendChild(el('h3', { text: 'Request body' })); bodyNode.appendChild(requestBody); }
    bodyNode.appendChild(el('h3', { text: 'Responses' }));
    var responses = renderResponses(operation.responses);
    if (responses) bodyNode.appendChild(responses);
    bodyNode.appendChild(el('h3', { text: 'Try it' }));
    bodyNode.appendChild(renderTryIt(method, path, params, operation.requestBody));
    details.appendChild(bodyNode);
    return details;
  }

  function render() {
    var info = isObject(spec.info) ? spec.info : {};
    document.getElementById('title').textContent = String(info.title || 'API reference');
    document.getElementById('version').textContent = info.version ? 'v' + String(info.version) : '';
    document.title = String(info.title || 'API') + ' reference';

    var groups = [];
    var byName = {};
    function group(name, description) {
      if (!byName[name]) { byName[name] = { name: name, description: description || '', ops: [] }; groups.push(byName[name]); }
      return byName[name];
    }
    (Array.isArray(spec.tags) ? spec.tags : []).forEach(function (tag) {
      if (isObject(tag) && typeof tag.name === 'string') group(tag.name, tag.description);
    });
    var index = 0;
    var paths = isObject(spec.paths) ? spec.paths : {};
    Object.keys(paths).forEach(function (path) {
      var item = paths[path];
      if (!isObject(item)) return;
      Object.keys(item).forEach(function (method) {
        if (METHODS.indexOf(method) === -1 || !isObject(item[method])) return;
        var operation = item[method];
        var tag = Array.isArray(operation.tags) && typeof operation.tags[0] === 'string' ? operation.tags[0] : 'Other';
        group(tag).ops.push(renderOperation(method, path, item, operation, index++));
      });
    });

    var nav = el('ul');
    var content = el('div', { id: 'operations' });
    groups.forEach(function (g, i) {
      if (g.ops.length === 0) return;
      var id = 'tag-' + i;
      nav.appendChild(el('li', null, [el('a', { href: '#' + id }, [g.name + ' ', el('span', { className: 'count', text: '(' + g.ops.length + ')' })])]));
      var section = el('section', { id: id }, [el('h2', { text: g.name }), g.description ? rich('p', { className: 'tag-description' }, g.description) : null]);
      g.ops.forEach(function (op) { section.appendChild(op); });
      content.appendChild(section);
    });
    var schemas = spec.components && isObject(spec.components.schemas) ? spec.components.schemas : {};
    var names = Object.keys(schemas);
    if (names.length > 0) {
      nav.appendChild(el('li', null, [el('a', { href: '#schemas' }, ['Schemas ', el('span', { className: 'count', text: '(' + names.length + ')' })])]));
      var section = el('section', { id: 'schemas' }, [el('h2', { text: 'Schemas' })]);
      names.forEach(function (name) { section.appendChild(schemaBlock(name, schemas[name])); });
      content.appendChild(section);
    }
    app.textContent = '';
    app.appendChild(el('div', { className: 'layout' }, [el('nav', { 'aria-label': 'Tags' }, [nav]), content]));
  }

  document.getElementById('filter').addEventListener('input', function (event) {
    var words = String(event.target.value || '').toLowerCase().split(/\\s+/).filter(Boolean);
    var sections = document.querySelectorAll('#operations section');
    Array.prototype.forEach.call(sections, function (section) {
      if (section.id === 'schemas') { section.hidden = words.length > 0; return; }
      var visible = 0;
      Array.prototype.forEach.call(section.querySelectorAll('details.op'), function (op) {
        var match = words.every(function (w) { return op.dataset.search.indexOf(w) !== -1; });
        op.hidden = !match;
        if (match) visible++;
      });
      section.hidden = visible === 0;
    });
  });

  fetch(specUrl.href, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(function (loaded) {
      spec = isObject(loaded) ? loaded : {};
      render();
      app.setAttribute('data-ready', 'true');
    })
    .catch(function (error) {
      app.textContent = '';
      app.appendChild(el('p', { className: 'error', text: 'Could not load the API description from ' + specUrl.href + ': ' + (error && error.message ? error.message : String(error)) }));
      app.setAttribute('data-ready', 'error');
    });
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const SCRIPT_HASH = hash(SCRIPT);
const STYLE_HASH = hash(STYLE);

/** For a double-quoted attribute value. */
function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** The origin of an absolute spec URL (it must be fetchable under the page's CSP); none when relative. */
function extraOrigin(specUrl: string): string | undefined {
  try {
    const url = new URL(specUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Security-Policy of the page: only its own inline script and style (by hash), requests to
 * its own origin (and the spec's, when absolute); nothing else is loaded.
 */
export function referencePageCsp(specUrl: string): string {
  const origin = extraOrigin(specUrl);
  return [
    "default-src 'none'",
    `script-src ${SCRIPT_HASH}`,
    `style-src ${STYLE_HASH}`,
    `connect-src 'self'${origin ? ` ${origin}` : ''}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The reference page for the OpenAPI document at `specUrl` (absolute, or relative to the page). */
export function referencePageHtml(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(referencePageCsp(specUrl))}">
<title>API reference</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title">API reference</h1>
<span class="version" id="version"></span>
<form class="auth" id="auth" autocomplete="off">
<label for="api-key">API key</label>
<input id="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="hp_…" size="30">
<button id="forget" type="button">Forget</button>
<span class="hint">Kept in this tab only. Without a key, "Try it" uses your signed-in session.</span>
</form>
<input id="filter" type="search" placeholder="Filter operations" aria-label="Filter operations">
</header>
<main id="app" data-spec="${escapeAttribute(specUrl)}"><p>Loading the API description…</p></main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Serves the reference page, e.g. `app.get('/api/docs', referencePageHandler('/api/v1/openapi.json'))`,
 * with its CSP also as a header (which, unlike the meta tag, also forbids framing).
 */
export function referencePageHandler(specUrl: string) {
  const html = referencePageHtml(specUrl);
  const csp = `${referencePageCsp(specUrl)}; frame-ancestors 'none'`;
  return (_req: Request, res: Response): void => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.send(html);
  };
}
