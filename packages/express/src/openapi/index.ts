export {
  ERROR_BODY_SCHEMA_NAME,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  openApiDocument,
  openApiHandler,
  toOpenApiPath,
} from './document.js';
export {
  type Auth,
  type HttpMethod,
  type NamedSchema,
  OPERATIONS,
  type Operation,
  type RequestBody,
  type Success,
  TAGS,
  type Tag,
} from './operations.js';
export { referencePageCsp, referencePageHandler, referencePageHtml } from './reference-page.js';
