/**
 * `@placet/mcp`: Placet for MCP. An MCP server whose tools let any MCP client ask humans through Placet
 * (stdio: `npx @placet/mcp --stdio`; Streamable HTTP: `placetMcpHttp`), and the elicitation bridge that
 * lets humans answer an MCP server's `elicitation/create` in the Placet inbox.
 */
export { main, parseCli, USAGE } from './cli.js';
export {
  ELICITATION_CAPABILITIES,
  type PlacetElicitation,
  type PlacetElicitationOptions,
  placetElicitation,
} from './elicitation/bridge.js';
export {
  elicitationContent,
  elicitationForm,
  type FormFieldPayload,
  type FormPayload,
  UnsupportedElicitationError,
} from './elicitation/form.js';
export { type PlacetMcpHttpHandler, type PlacetMcpHttpOptions, placetMcpHttp } from './http.js';
export {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_PROGRESS_INTERVAL_MS,
  type PlacetMcpOptions,
} from './options.js';
export { createPlacetMcpServer, SERVER_INFO } from './server.js';
export { pluginToolName } from './tools/channels.js';
