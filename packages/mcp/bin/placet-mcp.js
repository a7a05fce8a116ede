#!/usr/bin/env node
// The `placet-mcp` command. A committed file, not a build output, so that npm links the command when it
// installs the package, before any build has run (`npx @placet/mcp` in a fresh checkout).
import { main } from '../dist/index.js';

await main(process.argv.slice(2), process.env);
