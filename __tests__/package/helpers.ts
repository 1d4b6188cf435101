/**
 * The user's real path for the package tests: `npm pack`, then fresh ops repos
 * that install the tarball with npm, as an ops repo would. Slow by nature
 * (npm installs), so every test file packs once.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');
/** One npm install of an ops repo takes up to a minute on a busy 2-core machine. */
export const INSTALL_TIMEOUT_MS = 600_000;

export interface Packed {
  readonly dir: string;
  readonly tarball: string;
  readonly files: readonly string[];
  readonly size: number;
  readonly unpackedSize: number;
}

/** `npm pack` of the repo (which builds first, through `prepack`) into a temporary directory. */
export function packRepo(): Packed {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  // The prepack script's output goes to stderr; stdout is the JSON.
  const json = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    filename: string; files: Array<{ path: string }>; size: number; unpackedSize: number;
  }>;
  const r = json[0];
  return { dir, tarball: path.join(dir, r.filename), files: r.files.map((f) => f.path).sort(), size: r.size, unpackedSize: r.unpackedSize };
}

/** An environment for npm and the ops repo's tools: no telemetry, no update checks, the machine's npm cache. */
export function npmEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
  // npm sets these for scripts it runs (npm test); they would point the ops repo's npm at this repo.
  for (const k of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(k) || k === 'INIT_CWD') delete env[k];
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs a command without blocking the event loop: the sandbox the command talks
 * to is served by this very process.
 */
export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv(), timeout = INSTALL_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${cmd} ${args.join(' ')} in ${cwd}: ${e.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), out, err: signal ? `${err}\n(killed by ${signal})` : err });
    });
  });
}

/** Runs and fails the test with the command's output when it does not exit 0. */
export async function ok(cmd: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code} in ${cwd}\n--- stdout\n${r.out.slice(-4000)}\n--- stderr\n${r.err.slice(-4000)}`);
  return r;
}

/** `npm install` from the machine's npm cache where it can (offline where the cache allows). */
export function npmInstall(cwd: string, args: readonly string[] = []): Promise<Run> {
  return ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], cwd);
}

/** Every installed copy of a package in a tree (`npm ls --all --parseable`), as paths. */
export async function installedCopies(cwd: string, name: string): Promise<string[]> {
  const r = await run('npm', ['ls', name, '--all', '--parseable'], cwd);
  return [...new Set(r.out.split('\n').map((l) => l.trim()).filter((l) => l.endsWith(`${path.sep}${name}`)))];
}
