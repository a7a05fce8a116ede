/** The OpenAPI document is data from the network: every part of it is checked before it is used. */
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `value` when it is an object, else an empty one. */
export const objectOr = (value: unknown): Json => (isObject(value) ? value : {});
