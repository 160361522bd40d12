/**
 * HTTP to a stack through devenv's preview proxy, as a browser would ask for
 * `http://<service>.<branch>.<project>.localhost:<port>/`: Node's resolver does
 * not resolve `*.localhost` on Debian 12, so the request goes to 127.0.0.1 with
 * the URL's host in the Host header. Loopback only.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface ProxyAnswer {
  status: number;
  body: string;
}

/** `connect` (host:port): where the proxy is, for one on a remote engine (curl's --connect-to). */
export function getThroughProxy(url: string, connect?: string): Promise<ProxyAnswer> {
  const parsed = new URL(url);
  if (!parsed.hostname.endsWith('.localhost')) throw new Error(`not a *.localhost URL: ${url}`);
  const [host, port] = connect !== undefined ? connect.split(':') : ['127.0.0.1', parsed.port || '80'];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port),
        path: parsed.pathname,
        headers: { host: parsed.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it): a test's own proxy port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
