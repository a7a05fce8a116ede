import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  /** Requests whose body was read completely. */
  readonly requests: ReceivedRequest[];
  /** Sockets whose peer went away. */
  readonly closedSockets: () => number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, received: ReceivedRequest) => void;

/** A real HTTP server on 127.0.0.1, port 0: the only place test traffic ever goes. */
export async function startReceiver(handler: Handler): Promise<Receiver> {
  let connections = 0;
  let closed = 0;
  const sockets = new Set<Socket>();
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handler(req, res, received);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      closed++;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    closedSockets: () => closed,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
