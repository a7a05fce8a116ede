export { apiKeyOf } from './auth.js';
export { errorHandler } from './errors.js';
export { type AuthenticateUser, type PlacetRouterOptions, RouterOptionsSchema } from './options.js';
export { placetRouter } from './router.js';
export { contentDisposition, parseRange } from './routes/files.js';
