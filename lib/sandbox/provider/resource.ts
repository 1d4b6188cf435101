/**
 * What a managed resource or data source of the stand-in implements: the
 * framework's CRUD, import and state-upgrade hooks, in cty values. The gRPC
 * layer (server.ts) turns RPCs into these calls.
 */
import type { CtyObject, CtyValue } from './cty';
import type { GitLabApiClient } from './gitlab-client';
import type { BlockSchema, Diagnostic } from './schema';

export interface Outcome {
  /** The new state; null removes the resource from state (or, for Create, means nothing was created). */
  readonly state: CtyObject | null;
  readonly diagnostics: Diagnostic[];
}

export interface ResourceContext {
  /** The configured client; undefined when ConfigureProvider has not succeeded. */
  readonly client: GitLabApiClient;
  /** A warning the real provider only logs (tflog.Warn): kept out of Terraform's output. */
  readonly log: (message: string) => void;
}

export interface ManagedResource {
  readonly typeName: string;
  readonly schema: BlockSchema;
  /** resource.ResourceWithModifyPlan; `planned` is null when the resource is being destroyed. */
  modifyPlan?(ctx: ResourceContext, planned: CtyObject | null): Promise<Diagnostic[]>;
  create(ctx: ResourceContext, planned: CtyObject): Promise<Outcome>;
  read(ctx: ResourceContext, state: CtyObject): Promise<Outcome>;
  update(ctx: ResourceContext, planned: CtyObject, prior: CtyObject): Promise<Outcome>;
  delete(ctx: ResourceContext, prior: CtyObject): Promise<Diagnostic[]>;
  importState(id: string): { states: CtyObject[]; diagnostics: Diagnostic[] };
  /** From the stored JSON of schema version `version` to the current schema. */
  upgradeState(version: number, raw: string): Outcome;
}

export interface DataSource {
  readonly typeName: string;
  readonly schema: BlockSchema;
  read(ctx: ResourceContext, config: CtyObject): Promise<Outcome>;
}

/** The string behind a framework `types.String` (`ValueString()`: "" for null and unknown). */
export function valueString(v: CtyValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** `ValueInt64()`: 0 for null and unknown. */
export function valueInt(v: CtyValue | undefined): number {
  return typeof v === 'number' ? Math.trunc(v) : 0;
}

/** `ValueBool()`: false for null and unknown. */
export function valueBool(v: CtyValue | undefined): boolean {
  return v === true;
}

/** Elements of a set of numbers (`ElementsAs`; an unknown or null set reads as none, the diagnostic being ignored as the provider does). */
export function numberSet(v: CtyValue | undefined): number[] {
  return Array.isArray(v) ? v.filter((e): e is number => typeof e === 'number') : [];
}

/** Go's `strconv.Atoi`: optional sign, decimal digits, nothing else. */
export function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
