// Client side of the idle-waiters scenario, in its own process: opens one GET per path on a keep-alive
// agent (in batches, so the listen backlog never overflows) and holds them until the server answers.
// Sends `done` with the wall-clock time of the last answer and the count of each answered status.
import http from 'node:http';
import { childRuntime } from '../child.js';
import { sleep, wallNow } from '../stats.js';

interface Input {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  batch: number;
}

const { input, send } = childRuntime<Input>();
const args = await input;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const statuses: Record<string, number> = {};
let answered = 0;
let lastAt = 0;

const count = (status: string) => {
  statuses[status] = (statuses[status] ?? 0) + 1;
  answered++;
  lastAt = wallNow();
  if (answered === args.paths.length) send({ type: 'done', lastAt, statuses });
};

function open(path: string): void {
  const req = http.get(`${args.url}${path}`, { agent, headers: args.headers }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
    });
    res.on('end', () => {
      let status = `http ${res.statusCode}`;
      try {
        status = (JSON.parse(body) as { status?: string }).status ?? status;
      } catch {
        // Not JSON: keep the HTTP status.
      }
      count(status);
    });
  });
  req.on('error', (error) => count(`error ${error.message}`));
}

for (let i = 0; i < args.paths.length; i += args.batch) {
  for (const path of args.paths.slice(i, i + args.batch)) open(path);
  await sleep(10);
}
send({ type: 'opened', count: args.paths.length });
