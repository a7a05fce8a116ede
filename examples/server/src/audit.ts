#!/usr/bin/env node
import { runAuditCli } from './audit-cli.js';

// `placet-audit verify <file>`: checks an audit log export offline (see --help).
runAuditCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`placet-audit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
