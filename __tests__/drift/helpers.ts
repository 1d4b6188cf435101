import * as path from 'path';
import { App } from 'cdktf';
import { buildAcme } from '../../main';
import type { LockSource } from '../../lib/constructs/lock-source';
import demoSeed from '../../lib/sandbox/demo-seed.json';

export { cli, tempDir } from '../support/cli';

export const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';
export const DEV = 'glpat-sandbox-dev-personal-00000000003';
export const JOB_TOKEN = 'glcbt-64_sandboxEtlRunningJob01';

/** Synthesizes the acme example app into DIR/cdktf.out and returns DIR. */
export function synthAcme(dir: string, lockFile: LockSource = false): string {
  const app = new App({ outdir: path.join(dir, 'cdktf.out') });
  buildAcme(app, { lockFile });
  app.synth();
  return dir;
}

/** The demo seed with the live state changed to match main.ts exactly. */
export function inSyncSeed(): typeof demoSeed {
  const seed = JSON.parse(JSON.stringify(demoSeed)) as typeof demoSeed;
  type P = (typeof seed.projects)[number] & { autopopulated?: unknown; authLog?: unknown };
  const byPath = (p: string) => seed.projects.find((x) => x.path === p) as P;
  const checkout = byPath('acme/web/checkout');
  checkout.allowlist.projects = ['acme/platform/deployer', 'acme/web/storefront'];
  delete checkout.autopopulated;
  byPath('acme/data/warehouse').allowlist.projects = ['acme/platform/deployer', 'acme/data/etl'];
  byPath('acme/web/design-system').allowlist.groups = ['acme/web'];
  byPath('acme/security/scanner').limitAccess = true;
  return seed;
}
