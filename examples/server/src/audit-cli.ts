import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuditFormatError, parseAuditExport, verifyAuditChain } from '@placet/core/receipts';

/** Where the command writes, and how it reads a file (tests pass their own). */
export interface AuditCliIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): Promise<string>;
}

const nodeIo: AuditCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readFile: async (path) => (path === '-' ? readStdin() : readFile(fromCaller(path), 'utf8')),
};

/**
 * A path as the caller meant it: `npm run audit -- verify <file>` runs in the package's directory, so a
 * relative path is taken from where npm was started (`INIT_CWD`).
 */
function fromCaller(path: string): string {
  const started = process.env.npm_lifecycle_event === 'audit' ? process.env.INIT_CWD : undefined;
  return started ? resolve(started, path) : path;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const AUDIT_HELP = `Usage: placet-audit verify <file> [--allow-gaps]

Checks an export of the Placet audit log offline (GET /api/v1/audit, NDJSON or CSV; "-" reads standard
input): every entry has the shape of an audit entry and belongs to one owner, the seqs follow each other,
each prevHash is the hash of the entry before (64 zeros before seq 1), and each hash is the SHA-256 of the
entry's canonical JSON.

  --allow-gaps   accept gaps in seq (an export of one review's entries, ?review=): each entry's hash is
                 still checked, and each link between consecutive entries
  -h, --help     show this help

Exit status: 0 when the chain verifies ("ok: N entries, head <hash>"), 1 when it does not (the first bad
line and why), 2 for a usage error or a file that cannot be read.
A file that starts after seq 1 (an export with ?after=) verifies from its first entry on; compare the
head it prints with the one you kept, or with the next export's first prevHash, to check the tail.`;

/** `placet-audit …`: returns the exit status. */
export async function runAuditCli(argv: readonly string[], io: AuditCliIo = nodeIo): Promise<number> {
  const args = [...argv];
  if (args.includes('--help') || args.includes('-h')) {
    io.out(AUDIT_HELP);
    return 0;
  }
  const allowGaps = args.includes('--allow-gaps');
  const rest = args.filter((a) => a !== '--allow-gaps');
  const [command, file, ...extra] = rest;
  if (command !== 'verify' || file === undefined || extra.length > 0) {
    io.err(
      command === undefined || command === 'verify'
        ? 'placet-audit: name the file to verify'
        : `placet-audit: unknown command "${command}"`,
    );
    io.err('Usage: placet-audit verify <file> [--allow-gaps]   (--help for more)');
    return 2;
  }
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    io.err(`placet-audit: cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseAuditExport>;
  try {
    parsed = parseAuditExport(text);
  } catch (error) {
    if (!(error instanceof AuditFormatError)) throw error;
    io.err(`FAILED: ${file}: line ${error.line}: ${error.message.replace(/^line \d+: /, '')}`);
    return 1;
  }
  const report = await verifyAuditChain(parsed.entries, { allowGaps });
  if (!report.ok) {
    const { index, seq, reason } = report.fault;
    const line = parsed.lines[index] ?? index + 1;
    io.err(`FAILED: ${file}: line ${line}${seq === null ? '' : ` (seq ${seq})`}: ${reason}`);
    return 1;
  }
  if (report.count === 0) {
    io.out(`ok: 0 entries (${parsed.format}, an empty export)`);
    return 0;
  }
  io.out(`ok: ${report.count} entries, head ${report.head}`);
  io.out(
    `    ${parsed.format}, seq ${report.firstSeq}..${report.lastSeq}${report.fromGenesis ? ' from the start of the chain' : `: starts after seq ${(report.firstSeq ?? 1) - 1}, whose hash it takes as given`}`,
  );
  return 0;
}
