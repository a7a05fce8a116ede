export { apiReferenceCsp, apiReferenceHandler, apiReferenceHtml } from './api-reference-handler.js';
export { DASHBOARD_CSP, placetDashboard } from './handler.js';
export {
  DashboardOptionsSchema,
  type PlacetDashboardOptions,
  type ResolvedDashboardOptions,
} from './options.js';
