import { Worker } from 'node:worker_threads';

export interface DownloadLoop {
  /** The latency of each download (ms), warm-up excluded. */
  latencies: number[];
  /** Downloads that did not answer 200 with the expected number of bytes. */
  failures: string[];
}

/**
 * The downloading client, in a worker thread of its own (plain JavaScript, evaluated): a tenant on
 * another machine, whose timings must not include the event loop of the test that floods the server.
 * One keep-alive connection, sequential `GET`s.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { origin, path, headers, bytes, warmUp, count, durationMs } = workerData;
const { hostname, port } = new URL(origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const once = () =>
  new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ hostname, port, path, headers, agent }, (res) => {
      let received = 0;
      res.on('data', (chunk) => (received += chunk.length));
      res.on('end', () =>
        resolve({
          ms: performance.now() - started,
          failure: res.statusCode === 200 && received === bytes ? undefined : res.statusCode + ' ' + received + ' bytes',
        }),
      );
      res.on('error', (e) => resolve({ ms: performance.now() - started, failure: String(e) }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (e) => resolve({ ms: performance.now() - started, failure: String(e) }));
    req.end();
  });
(async () => {
  const until = performance.now() + (durationMs ?? Infinity);
  for (let i = 0; i < warmUp; i++) await once();
  const latencies = [];
  const failures = [];
  while (latencies.length < (count ?? Infinity) && performance.now() < until) {
    const { ms, failure } = await once();
    latencies.push(ms);
    if (failure) failures.push(failure);
  }
  agent.destroy();
  parentPort.postMessage({ latencies, failures });
})();
`;

/**
 * Downloads `path` from `origin` over and over in a worker thread, after `warmUp` downloads that are not
 * measured: `count` times, or until `durationMs` after the start (whichever comes first). A download
 * started before the end counts in full, however long it takes.
 */
export function downloadLoop(options: {
  origin: string;
  path: string;
  headers: Record<string, string>;
  bytes: number;
  warmUp?: number;
  count?: number;
  durationMs?: number;
}): Promise<DownloadLoop> {
  const worker = new Worker(WORKER, { eval: true, workerData: { warmUp: 0, ...options } });
  return new Promise<DownloadLoop>((resolve, reject) => {
    worker.once('message', (result: DownloadLoop) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the download worker exited (code ${code})`)));
  }).finally(() => void worker.terminate());
}
