/**
 * Every error code Placet can produce, with its HTTP status. Codes are data: adding one here is the only
 * way to introduce it, and a code is never reused for another meaning. The error-code reference of the
 * documentation (docs/reference/errors.md in the repository) lists them for users.
 */
export const ERROR_CODES = {
  // 400
  VALIDATION_FAILED: { status: 400, description: 'The request body or query does not match the contract.' },
  UNKNOWN_REVIEW_TYPE: { status: 400, description: 'The review type is not registered by any plugin.' },
  INVALID_REVIEW_PAYLOAD: {
    status: 400,
    description: "The review payload does not match its type's schema.",
  },
  INVALID_REVIEW_RESPONSE: { status: 400, description: 'The human response does not match the review.' },
  INVALID_EXPIRY: { status: 400, description: 'The review expiry is malformed or not in the future.' },
  // 401 / 403 / 404
  UNAUTHORIZED: { status: 401, description: 'Missing or invalid credentials.' },
  FORBIDDEN: { status: 403, description: 'The principal may not perform this operation.' },
  NOT_ASSIGNED: {
    status: 403,
    description: 'The review names its assignees and the caller is not one of them; they may only read it.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    description: 'The account still has a generated password; change it first.',
  },
  NOT_FOUND: { status: 404, description: 'The resource does not exist or belongs to someone else.' },
  RECEIPT_NOT_ISSUED: {
    status: 404,
    description: 'The review has no signed receipt: no human has completed it (yet).',
  },
  // 409 / 413 / 415 / 429
  CONFLICT: { status: 409, description: 'The request conflicts with the current state.' },
  REVIEW_NOT_PENDING: { status: 409, description: 'The review was already answered or has expired.' },
  REVIEW_CHANGED: {
    status: 409,
    description:
      'The review changed after it was shown (its reviewHash differs): reload it and answer again.',
  },
  ALREADY_VOTED: { status: 409, description: 'This assignee has already voted on the review.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body or upload exceeds a configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The uploaded file is not of a type this operation takes (checked by its bytes).',
  },
  RATE_LIMITED: { status: 429, description: 'Too many requests; retry after the indicated delay.' },
  // 5xx
  INTERNAL: { status: 500, description: 'An unexpected error; details are logged, never returned.' },
  NOT_IMPLEMENTED: {
    status: 501,
    description: 'The operation exists in the original API but is not supported.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    description:
      'The database (or another service Placet needs) cannot be reached right now; retry after Retry-After seconds.',
  },
  // Configuration and registration errors (thrown at start-up, never over HTTP).
  INVALID_OPTIONS: { status: 500, description: 'A factory received options that do not match its schema.' },
  INVALID_PLUGIN: { status: 500, description: 'A plugin object is malformed.' },
  DUPLICATE_PLUGIN: { status: 500, description: 'Two plugins share a name.' },
  DUPLICATE_REVIEW_TYPE: { status: 500, description: 'Two plugins register the same review type.' },
  PLUGIN_DEPENDENCY_MISSING: {
    status: 500,
    description: 'A plugin depends on a plugin that is not registered.',
  },
  PLUGIN_UI_MODULE_MISSING: {
    status: 500,
    description: "A review type's ui.module names a file that does not exist (the plugin is not built).",
  },
  PLUGIN_INIT_FAILED: { status: 500, description: "A plugin's init() threw: start() fails." },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What the code table says about one code: its HTTP status, its meaning and who declared it. */
export interface ErrorCodeInfo {
  status: number;
  description: string;
  /** The plugin that declared the code; absent for the core's own codes. */
  plugin?: string;
}

/**
 * The codes plugins declared (`errorCodes`), registered when a Placet instance is created with them.
 * Codes are data, like `ERROR_CODES`: a code means the same in every instance of the process, so the
 * table is shared, and a second declaration of a code must agree with the first.
 */
const PLUGIN_ERROR_CODES = new Map<string, Required<ErrorCodeInfo>>();

/**
 * Registers the error codes of plugin `plugin`. Returns the problem as text when a code is a core code,
 * or was declared by another plugin or with another status (the caller throws `INVALID_PLUGIN`).
 */
export function registerPluginErrorCodes(
  plugin: string,
  codes: Readonly<Record<string, { status: number; description: string }>>,
): string | undefined {
  for (const [code, { status }] of Object.entries(codes)) {
    if (Object.hasOwn(ERROR_CODES, code)) return `error code ${code} is one of the core's codes`;
    const known = PLUGIN_ERROR_CODES.get(code);
    if (known && (known.plugin !== plugin || known.status !== status)) {
      return `error code ${code} is already declared by plugin "${known.plugin}" with status ${known.status}`;
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      return `error code ${code} has status ${status}, which is not an HTTP error status (400-599)`;
    }
  }
  for (const [code, { status, description }] of Object.entries(codes)) {
    PLUGIN_ERROR_CODES.set(code, { status, description, plugin });
  }
  return undefined;
}

/** A core code or a registered plugin code, with its status; undefined for a code nobody declared. */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  if (Object.hasOwn(ERROR_CODES, code)) return (ERROR_CODES as Record<string, ErrorCodeInfo>)[code];
  return PLUGIN_ERROR_CODES.get(code);
}

/** The plugin codes registered in this process, by code. */
export function pluginErrorCodes(): ReadonlyMap<string, Required<ErrorCodeInfo>> {
  return new Map(PLUGIN_ERROR_CODES);
}

/** HTTP reason phrases for the statuses Placet uses (the `error` field of the error body). */
export const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};
