export {
  type AuthenticateHostUser,
  apiKeyFromHeaders,
  type HostIdentity,
  type HostUser,
  hostUserPrincipal,
} from './credentials.js';
export { contentDisposition, parseRange, type ServedFile, servedAs } from './file-replies.js';
export {
  answerableCodes,
  buildOpenApiDocument,
  type JsonObject as OpenApiJsonObject,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  toOpenApiPath,
} from './openapi.js';
export {
  type AnyOperation,
  type Auth,
  defineOperation,
  type HttpMethod,
  isReply,
  type NamedSchema,
  named,
  type Operation,
  type OperationCall,
  type OperationEnv,
  type OperationRequest,
  type OperationSpec,
  type Reply,
  type RequestBody,
  reply,
  type Success,
  type UploadInput,
} from './operation.js';
export { type OperationTable, operationTable } from './plugin-routes.js';
export { createOperationEnv, type OperationEnvOptions, runOperation } from './runner.js';
export { ERROR_BODY, OPERATIONS, openApiDocument, TAGS, type Tag, uiModulePath } from './table.js';
export { type ConcurrentWaits, type WaitSlot, type WaitSlots, waitSlots } from './wait-slots.js';
