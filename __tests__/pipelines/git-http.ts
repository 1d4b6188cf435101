/**
 * A git host for the pipeline tests: git's own smart-HTTP server
 * (`git http-backend`, the CGI program GitLab's Workhorse stands in for) behind
 * a node:http listener, serving the bare repositories under `root` read-only.
 * gitlab-ci-local clones `include: component:` and `include: project:` files
 * from the ops repo's `origin` host, so the ops repo's origin points here.
 *
 * Written by hand rather than with a package (node-git-server and the like wrap
 * the same CGI program with push hooks and auth we do not need): forty lines
 * that run git itself, so what a clone sees is what git serves.
 */
import { spawn } from 'child_process';
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests served, as `METHOD path`, for assertions. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startGitHttp(root: string): Promise<GitHttpServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://git.invalid');
    requests.push(`${req.method} ${url.pathname}`);
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v ?? '';
    };
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: header('content-type'),
        HTTP_CONTENT_ENCODING: header('content-encoding'),
        GIT_PROTOCOL: header('git-protocol'),
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        // Shallow, filtered clones (gitlab-ci-local clones with --depth=1 --filter=tree:0).
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
        GIT_CONFIG_VALUE_0: 'true',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) { res.write(chunk); return; }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      // CGI response: header lines, a blank line, the body; "Status:" sets the HTTP status.
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      res.statusCode = status;
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => {
      if (!headersSent) res.statusCode = 500;
      res.end();
    });
    child.on('error', () => { res.statusCode = 500; res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
