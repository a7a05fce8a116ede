/**
 * A typed key of a service in a Placet instance: a plugin `provide`s a value under it in `init`, others
 * (plugins, the host) `resolve` it, and a host may replace it for one instance with `createPlacet({
 * provide: [{ token, value }] })` — the host's value wins over what a plugin provides. Tokens are
 * compared by name (`Symbol.for`), so two copies of a plugin package agree.
 */
export interface Token<T> {
  readonly name: string;
  readonly key: symbol;
  /** Never set: carries `T` for the compiler. */
  readonly type?: T;
}

/** A token for a service of type `T`; `name` is unique by convention (`<plugin>:<service>`). */
export function defineToken<T>(name: string): Token<T> {
  return Object.freeze({ name, key: Symbol.for(`@placet/token:${name}`) });
}

/** A value a host provides for a token (`createPlacet({ provide })`). */
export interface Provision<T = unknown> {
  readonly token: Token<T>;
  readonly value: T;
}

/** `{ token, value }`, typed: the value must be a `T`. */
export function provide<T>(token: Token<T>, value: T): Provision<T> {
  return { token, value };
}
