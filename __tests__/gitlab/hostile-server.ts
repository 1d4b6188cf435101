/**
 * A small hostile HTTP(S) server for the suite: loopback only, every stream
 * bounded (it stops when the client goes away, and never runs past `maxMs`).
 * It plays what a broken or malicious "GitLab" does: echo the token back in
 * every form, send 50 MB, drip one byte at a time, answer HTML or 404 to all.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface Hostile {
  readonly url: string;
  readonly port: number;
  /** Requests seen, in order (method and path). */
  readonly requests: string[];
  /** Bytes the server wrote into bodies. */
  bytesSent(): number;
  close(): Promise<void>;
}

export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
}


/** Starts a server on 127.0.0.1; with `tls`, HTTPS with that key and certificate. */
export async function hostile(handler: Handler, tls?: TlsFiles): Promise<Hostile> {
  const requests: string[] = [];
  let mine = 0;
  const wrapped = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const origWrite = res.write.bind(res);
    res.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const n = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      mine += n;
      return origWrite(chunk, ...rest);
    }) as typeof res.write;
    let body = '';
    req.on('data', (c: Buffer) => { if (body.length < 1_000_000) body += c.toString('utf8'); });
    req.on('end', () => handler(req, res, body));
  };
  const server = tls
    ? https.createServer({ key: fs.readFileSync(tls.key), cert: fs.readFileSync(tls.cert) }, wrapped)
    : http.createServer(wrapped);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    bytesSent: () => mine,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.write(text);
  res.end();
}

/**
 * Streams `bytes` bytes of `fill` without a Content-Length, honouring back
 * pressure, and stops as soon as the client hangs up.
 */
export function streamHuge(res: http.ServerResponse, status: number, bytes: number, fill = 'x', contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType });
  const chunk = Buffer.from(fill.repeat(Math.ceil(65536 / fill.length)).slice(0, 65536));
  let left = bytes;
  let gone = false;
  res.on('close', () => { gone = true; });
  const pump = () => {
    while (!gone && left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) { res.once('drain', pump); return; }
    }
    if (!gone) res.end();
  };
  pump();
}

/** One byte every `everyMs`, for at most `maxMs`, then the connection is dropped. */
export function drip(res: http.ServerResponse, everyMs = 50, maxMs = 20_000): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{');
  const started = Date.now();
  const timer = setInterval(() => {
    if (res.destroyed || Date.now() - started > maxMs) { clearInterval(timer); res.destroy(); return; }
    res.write(' ');
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

/** The request's token as sent (PRIVATE-TOKEN or Bearer). */
export function tokenOf(req: http.IncomingMessage): string {
  const priv = req.headers['private-token'];
  if (typeof priv === 'string') return priv;
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

/**
 * A key and self-signed certificate made now with `openssl` (never committed):
 * `hosts` as subject alternative names, valid for a day from now, or (`expired`)
 * for a day in 2020, made under faketime.
 */
export function makeCertificate(name: string, hosts: readonly string[], opts: { expired?: boolean } = {}): TlsFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tokenscope-tls-${name}-`));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const san = hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', `/CN=${hosts[0]}`, '-addext', `subjectAltName=${san}`];
  try {
    if (opts.expired) execFileSync('faketime', ['2020-01-01 00:00:00', 'openssl', ...args], { stdio: 'pipe' });
    else execFileSync('openssl', args, { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot make a test certificate: ${opts.expired ? 'faketime and ' : ''}openssl are needed on PATH (${(err as Error).message.split('\n')[0]})`);
  }
  return { key, cert };
}

/** A port on 127.0.0.1 with nothing listening (bound once, then closed). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
