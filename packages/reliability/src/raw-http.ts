import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** A request whose path is sent byte for byte: fetch (and any URL parser) would resolve `%2e%2e` first. */
export interface RawRequest {
  method: string;
  /** Path and query, already encoded (and possibly malformed on purpose). */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawClientOptions {
  /**
   * Send a request again (once) when the keep-alive connection it went out on was reset before any
   * answer: the server closed that idle connection (its keep-alive timeout) as the client reused it. The
   * race Node documents for `request.reusedSocket`. Off by default: where a reset is the finding (hostile
   * input), it must not be retried away. `staleRetries()` counts them, for the figures.
   */
  retryStaleSocket?: boolean;
}

/** HTTP/1.1 to `origin` over keep-alive connections, at most `maxSockets` at once. */
export function rawClient(origin: string, maxSockets = 8, options: RawClientOptions = {}) {
  const { hostname, port } = new URL(origin);
  const agent = new Agent({ keepAlive: true, maxSockets });
  let staleRetries = 0;
  const send = (req: RawRequest, timeoutMs: number, retried: boolean): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers };
      if (req.body) headers['content-length'] = String(req.body.length);
      const outgoing = request(
        { hostname, port, agent, method: req.method, path: req.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        const stale =
          options.retryStaleSocket &&
          !retried &&
          outgoing.reusedSocket &&
          (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (!stale) return reject(error);
        staleRetries++;
        send(req, timeoutMs, true).then(resolve, reject);
      });
      outgoing.end(req.body);
    });
  return {
    send(req: RawRequest, timeoutMs = 20_000): Promise<RawAnswer> {
      return send(req, timeoutMs, false);
    },
    /** Requests sent again after a reset of a reused keep-alive connection (`retryStaleSocket`). */
    staleRetries(): number {
      return staleRetries;
    },
    close(): void {
      agent.destroy();
    },
  };
}
