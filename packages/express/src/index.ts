export { errorHandler, mapHttpError } from './errors.js';
export {
  type AuthenticateUser,
  type PlacetRouterOptions,
  RouterOptionsSchema,
} from './options.js';
export { placetRouter } from './router.js';
