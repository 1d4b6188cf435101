/**
 * The Terraform provider stand-in: a `tfplugin6` server that answers as
 * gitlabhq/gitlab 18.6.1 does for what tokenscope synthesizes, sending its REST
 * requests to the configured GitLab (the sandbox, or any GitLab) over HTTP.
 * Terraform reaches it through TF_REATTACH_PROVIDERS.
 */
import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { envMasker } from '../../gitlab/secrets';
import { ProviderHandlers } from './rpc-handlers';
import { serveOnSocket } from './server';

/** The provider address Terraform resolves `gitlabhq/gitlab` to. */
export const PROVIDER_ADDRESS = 'registry.terraform.io/gitlabhq/gitlab';

export interface ProviderStandInOptions {
  /**
   * The environment the provider reads GITLAB_TOKEN, GITLAB_BASE_URL and
   * GITLAB_EARLY_AUTH_CHECK from when its configuration leaves them unset.
   * A reattached provider never sees Terraform's environment. Default: process.env.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Unix socket to listen on; default a fresh file in the temp directory. */
  readonly socketPath?: string;
  /** Lines the real provider would only log (warnings), e.g. to stderr; default: dropped. */
  readonly log?: (line: string) => void;
  readonly fetchImpl?: typeof fetch;
}

export interface ProviderStandInStats {
  /** gRPC calls Terraform made, by RPC name. */
  readonly rpc: Record<string, number>;
  /** HTTP exchanges the provider made with GitLab (retries included). */
  readonly httpRequests: number;
}

export interface ProviderStandIn {
  /** The value for TF_REATTACH_PROVIDERS. */
  readonly reattach: string;
  readonly socketPath: string;
  readonly pid: number;
  stats(): ProviderStandInStats;
  /** Stops serving and removes the socket. */
  stop(): Promise<void>;
}

/** TF_REATTACH_PROVIDERS for one provider served on a unix socket by process `pid`. */
export function reattachJson(socketPath: string, pid: number): string {
  return JSON.stringify({
    [PROVIDER_ADDRESS]: { Protocol: 'grpc', ProtocolVersion: 6, Pid: pid, Test: true, Addr: { Network: 'unix', String: socketPath } },
  });
}

export async function startProviderStandIn(opts: ProviderStandInOptions = {}): Promise<ProviderStandIn> {
  const env = opts.env ?? process.env;
  const rpc: Record<string, number> = {};
  let httpRequests = 0;
  const handlers = new ProviderHandlers({
    env,
    mask: envMasker(env, ['GITLAB_TOKEN']),
    fetchImpl: opts.fetchImpl,
    onExchange: () => { httpRequests++; },
    log: opts.log ?? (() => undefined),
  });
  const socketPath = opts.socketPath ?? path.join(os.tmpdir(), `tokenscope-gitlab-provider-${process.pid}-${crypto.randomBytes(4).toString('hex')}.sock`);
  const handle = await serveOnSocket(handlers, socketPath, (name) => { rpc[name] = (rpc[name] ?? 0) + 1; });
  let stopped: Promise<void> | undefined;
  return {
    reattach: reattachJson(socketPath, process.pid),
    socketPath,
    pid: process.pid,
    stats: () => ({ rpc: { ...rpc }, httpRequests }),
    stop: () => (stopped ??= handle.stop()),
  };
}
