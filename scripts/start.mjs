#!/usr/bin/env node
// `npm start`: runs the built example server (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'examples/server/dist/main.js');
if (!existsSync(entry)) {
  console.error(
    'The server is not built yet. Run `npm install` (it builds everything) or `npm run build`, then `npm start`.',
  );
  process.exit(1);
}
process.chdir(process.env.INIT_CWD ?? process.cwd());
await import(entry);
