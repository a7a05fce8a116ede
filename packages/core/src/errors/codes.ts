/**
 * Every error code Placet can produce, with its HTTP status. Codes are data: adding one here is the only
 * way to introduce it, and a code is never reused for another meaning. `docs/reference/errors.md` lists
 * them for users.
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
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    description: 'The account still has a generated password; change it first.',
  },
  NOT_FOUND: { status: 404, description: 'The resource does not exist or belongs to someone else.' },
  // 409 / 413 / 429
  CONFLICT: { status: 409, description: 'The request conflicts with the current state.' },
  REVIEW_NOT_PENDING: { status: 409, description: 'The review was already answered or has expired.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body or upload exceeds a configured limit.' },
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
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

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
