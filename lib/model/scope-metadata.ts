import type { JobTokenPolicy } from './policies';

/**
 * What tokenscope writes beside each synthesized scope resource, under its `//`
 * comment block (which Terraform ignores), for the readers of the synthesized
 * JSON. Plain data, so that readers (drift, policies) never load the constructs.
 */

/** The key under the resource's `//` comment block that carries tokenscope's metadata. */
export const POLICY_METADATA_KEY = 'tokenscope';

/**
 * What travels in `"//": { "tokenscope": ... }` of each synthesized scope resource.
 * `project` is the project's full path (the resource's `project` attribute is its
 * numeric id), so that readers of the synthesized JSON can speak paths; absent when
 * the project was given as an id that the lock file does not name.
 */
export interface ScopePolicyMetadata {
  readonly version: 1;
  readonly project?: string;
  readonly policies: Array<{ kind: 'project' | 'group'; target: string; policies: JobTokenPolicy[] }>;
}
