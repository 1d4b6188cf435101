/**
 * UpgradeResourceState as the framework answers it: stored JSON of the current
 * schema version is decoded against the current schema (attributes it no
 * longer has are dropped); an older version needs the resource's own upgrader.
 */
import { CtyError, CtyObject, decodeJson } from './cty';
import type { Outcome } from './resource';
import { BlockSchema, errorDiag, objectType } from './schema';

export function decodeState(schema: BlockSchema, version: number, raw: string): Outcome {
  if (version !== schema.version) {
    return {
      state: null,
      diagnostics: [errorDiag('Unable to Upgrade Resource State',
        `This resource was implemented without an UpgradeState() method, however Terraform was expecting an implementation for version ${version} upgrade.\n\n` +
        'This is always an issue with the Terraform Provider and should be reported to the provider developer.')],
    };
  }
  try {
    return { state: decodeJson(objectType(schema), raw) as CtyObject | null, diagnostics: [] };
  } catch (err) {
    if (!(err instanceof CtyError) && !(err instanceof SyntaxError)) throw err;
    return { state: null, diagnostics: [errorDiag('Unable to Read Previously Saved State for UpgradeResourceState', (err as Error).message)] };
  }
}
