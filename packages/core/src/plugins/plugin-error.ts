import { errorCodeInfo } from '../errors/codes.js';
import { PlacetError, type PlacetErrorOptions } from '../errors/placet-error.js';

/**
 * A PlacetError with a code a registered plugin declared in `errorCodes`, carrying that code's HTTP
 * status (so `toErrorBody` answers e.g. 409 with the plugin's code). Inside `init` and hooks,
 * `ctx.error(code, message)` does the same with the code type-checked. A code nobody declared gets
 * status 500: its message is then never shown to a client.
 */
export function pluginError(
  code: string,
  message: string,
  options: Omit<PlacetErrorOptions, 'status'> = {},
): PlacetError {
  return new PlacetError(code, message, { ...options, status: errorCodeInfo(code)?.status ?? 500 });
}
