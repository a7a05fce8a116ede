/**
 * The only two ways the reference page makes DOM: `el()` and `rich()`. Every string of the OpenAPI
 * document reaches the page through `textContent` or `setAttribute`, never through HTML parsing.
 */

export type Child = Node | string | null | undefined | false;
export type Props = Record<string, string | number | boolean | null | undefined>;

/** An element with its properties (`text`, `className`, else attributes) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  children?: readonly Child[],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = String(value);
      else node.setAttribute(name, String(value));
    }
  }
  for (const child of children ?? []) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Text with `code` spans: each part becomes a text node or a <code> element, never parsed HTML. */
export function rich<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null,
  text: unknown,
): HTMLElementTagNameMap[K] {
  const node = el(tag, props);
  const parts = (text ? String(text) : '').split('`');
  parts.forEach((part, i) => {
    if (part) node.appendChild(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
  });
  return node;
}
