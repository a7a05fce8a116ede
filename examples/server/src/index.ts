export { createServer, type PlacetServer } from './app.js';
export { helpText, loadConfig, type ServerConfig } from './config.js';
