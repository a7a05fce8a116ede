export { apiKeyOf } from './auth.js';
export { errorHandler, mapHttpError } from './errors.js';
export { type ServedFile, servedAs } from './file-types.js';
export {
  OPERATIONS,
  openApiDocument,
  openApiHandler,
  referencePageHandler,
  referencePageHtml,
} from './openapi/index.js';
export {
  type AuthenticateUser,
  type HostIdentity,
  type PlacetRouterOptions,
  RouterOptionsSchema,
} from './options.js';
export { placetRouter } from './router.js';
export { contentDisposition, parseRange } from './routes/files.js';
