/**
 * `@placet/client`: a typed client for agents, in Node >= 20 and browsers (fetch only, nothing
 * Node-specific). Every agent operation of the API, typed from the wire contract of `@placet/core`;
 * `ask()` that waits for a human's answer; streams, files, heartbeats, receipts.
 */

// Receipt verification (Node and browsers): check a review's receipt before acting on its answer.
export {
  ReceiptVerificationError,
  type ReviewHashInput,
  reviewHash,
  type VerifyReceiptOptions,
  verifyReceipt,
} from '@placet/core/receipts';
export {
  type AskMessageFields,
  type AskOptions,
  type AskResult,
  MAX_POLL_MS,
  type WaitOptions,
} from './ask.js';
export {
  apiBaseUrl,
  type CallOptions,
  type ChannelApi,
  type ClientOptions,
  createClient,
  type MessageApi,
  type Page,
  type PlacetClient,
  type ReviewApi,
} from './client.js';
export {
  type ClientErrorCode,
  isPlacetClientError,
  PlacetAuthError,
  PlacetClientError,
  type PlacetClientErrorInit,
  PlacetConflictError,
  type PlacetErrorCode,
  type PlacetErrorIssue,
  PlacetNotFoundError,
  PlacetRateLimitError,
  PlacetUnavailableError,
  PlacetValidationError,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
} from './errors.js';
export type { DownloadedFile, FileApi, UploadOptions } from './files.js';
export type { RealtimeOptions, WebSocketConstructor, WebSocketLike } from './realtime.js';
export type { ReceiptApi } from './receipts.js';
export type { RetryInfo, RetryOptions } from './retry.js';
export {
  type ApprovalAnswer,
  type ApprovalOption,
  type ApprovalRequest,
  approval,
  type FormAnswer,
  type FormField,
  type FormFieldOption,
  type FormFieldType,
  type FormFieldValue,
  type FormRequest,
  type FreeformRequest,
  form,
  freeform,
  type ResponseOf,
  type ReviewExtras,
  type ReviewRequest,
  type ReviewResponse,
  type ReviewTypeSchemas,
  review,
  reviewType,
  type SelectionAnswer,
  type SelectionItem,
  type SelectionRequest,
  selection,
  type TextInputAnswer,
  type TextInputRequest,
  type TypedReview,
  textInput,
} from './review-builders.js';
export {
  type FileInput,
  type InputOf,
  type LocalShapes,
  type OperationId,
  type PathParams,
  type ResultOf,
  ROUTES,
  type RouteSpec,
  type SchemaName,
  type Wire,
  type WireInput,
} from './routes.js';
export type { PlacetStream, StreamOptions } from './stream.js';
export type { RetryMode } from './transport.js';
