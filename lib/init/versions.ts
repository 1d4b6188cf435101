import * as fs from 'fs';
import * as path from 'path';
import { packageRoot, packageVersion } from '../util/package-root';

/**
 * The exact versions `tokenscope init` pins in a new ops repo: the ones this
 * release of tokenscope is built and tested with (its own devDependencies), so
 * a scaffolded repo installs what CI proved, not whatever is newest (the cdktf
 * template's TypeScript 7 breaks ts-node, for example).
 */
export interface PinnedVersions {
  readonly tokenscope: string;
  readonly [name: string]: string;
}

/** What an ops repo needs at run time and for development, in package.json order. */
export const OPS_DEPENDENCIES = ['cdktf', 'constructs', '@cdktf/provider-gitlab'] as const;
export const OPS_DEV_DEPENDENCIES = ['cdktf-cli', 'typescript', 'ts-node', '@types/node', 'jest', 'ts-jest', '@types/jest'] as const;

export class VersionsError extends Error {}

export function pinnedVersions(root: string = packageRoot()): PinnedVersions {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const dev = pkg.devDependencies ?? {};
  const out: Record<string, string> = { tokenscope: packageVersion() };
  for (const name of [...OPS_DEPENDENCIES, ...OPS_DEV_DEPENDENCIES]) {
    const v = dev[name];
    if (!v || !/^\d+\.\d+\.\d+/.test(v)) {
      throw new VersionsError(`tokenscope's package.json pins no exact version of ${name} (found ${JSON.stringify(v)}); this install of tokenscope is broken`);
    }
    out[name] = v;
  }
  return out as PinnedVersions;
}
