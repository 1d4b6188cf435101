/**
 * The tfplugin6 `Provider` service: each RPC Terraform 1.11 calls, from decoded
 * protobuf request to protobuf response, over the resources and data sources
 * of this stand-in. Values cross as cty MessagePack against the schemas; every
 * diagnostic text passes the masker. No sockets here (server.ts has them).
 */
import type { ExchangeInfo } from '../../gitlab/http';
import type { Masker } from '../../gitlab/secrets';
import { CtyError, CtyObject, CtyValue, decodeMsgpack, encodeMsgpack } from './cty';
import { projectData, groupData } from './data-sources';
import { frameworkPlan } from './framework-plan';
import type { GitLabApiClient } from './gitlab-client';
import { configureProvider, PROVIDER_SCHEMA } from './provider-config';
import type { DataSource, ManagedResource, ResourceContext } from './resource';
import { projectJobTokenScope } from './resources/project-job-token-scope';
import { projectJobTokenScopes } from './resources/project-job-token-scopes';
import { BlockSchema, Diagnostic, errorDiag, objectType, toProtoSchema, validateConfig } from './schema';

export const RESOURCES: ReadonlyMap<string, ManagedResource> = new Map([projectJobTokenScopes, projectJobTokenScope].map((r) => [r.typeName, r]));
export const DATA_SOURCES: ReadonlyMap<string, DataSource> = new Map([projectData, groupData].map((d) => [d.typeName, d]));

type Msg = Record<string, unknown>;

/** A request the provider answers with one error diagnostic (unknown type, not configured). */
class Refusal extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.summary);
  }
}
interface DynamicValue { msgpack?: Buffer; json?: Buffer }

export interface HandlerOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly mask: Masker;
  readonly fetchImpl?: typeof fetch;
  readonly onExchange?: (e: ExchangeInfo) => void;
  readonly log: (message: string) => void;
}

const SERVER_CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: false, move_resource_state: false };

function decodeDv(schema: BlockSchema, dv: DynamicValue | null | undefined): CtyObject | null {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length) return decodeMsgpack(objectType(schema), dv.msgpack) as CtyObject | null;
  if (dv.json && dv.json.length) return JSON.parse(dv.json.toString('utf8')) as CtyObject;
  return null;
}

const encodeDv = (schema: BlockSchema, v: CtyValue): DynamicValue => ({ msgpack: Buffer.from(encodeMsgpack(objectType(schema), v)) });

/** One provider server's state: the client ConfigureProvider built (the last configuration wins). */
export class ProviderHandlers {
  private client: GitLabApiClient | undefined;
  /** Secrets met in provider configurations, masked from every diagnostic. */
  private secrets: string[] = [];

  constructor(private readonly opts: HandlerOptions) {}

  private diags(ds: readonly Diagnostic[]): Msg[] {
    const mask = (s: string): string => {
      let out = this.opts.mask(s);
      for (const t of this.secrets) if (t.length >= 4) out = out.split(t).join('****');
      return out;
    };
    return ds.map((d) => ({
      severity: d.severity === 'error' ? 1 : 2,
      summary: mask(d.summary),
      detail: mask(d.detail),
      ...(d.attribute ? { attribute: { steps: [{ attribute_name: d.attribute }] } } : {}),
    }));
  }

  private resource(typeName: unknown): ManagedResource {
    const r = RESOURCES.get(String(typeName));
    if (!r) throw new Refusal(errorDiag('Resource Type Not Found', `No resource type named ${JSON.stringify(typeName)} was found in the provider.`));
    return r;
  }

  private dataSource(typeName: unknown): DataSource {
    const d = DATA_SOURCES.get(String(typeName));
    if (!d) throw new Refusal(errorDiag('Data Source Type Not Found', `No data source type named ${JSON.stringify(typeName)} was found in the provider.`));
    return d;
  }

  private context(): ResourceContext {
    if (!this.client) throw new Refusal(errorDiag('Provider not configured', 'ConfigureProvider has not succeeded in this provider server.'));
    return { client: this.client, log: this.opts.log };
  }

  /** Runs a handler; bad values and unexpected failures become diagnostics, never a broken RPC. */
  async guard(fn: () => Promise<Msg> | Msg): Promise<Msg> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Refusal) return { diagnostics: this.diags([err.diagnostic]) };
      const summary = err instanceof CtyError ? 'Unable to Convert Value' : 'Unexpected provider stand-in failure';
      return { diagnostics: this.diags([errorDiag(summary, String((err as Error)?.message ?? err))]) };
    }
  }

  getMetadata(): Msg {
    return {
      server_capabilities: SERVER_CAPABILITIES,
      diagnostics: [],
      resources: [...RESOURCES.keys()].map((type_name) => ({ type_name })),
      data_sources: [...DATA_SOURCES.keys()].map((type_name) => ({ type_name })),
      functions: [],
      ephemeral_resources: [],
    };
  }

  getProviderSchema(): Msg {
    return {
      provider: toProtoSchema(PROVIDER_SCHEMA),
      resource_schemas: Object.fromEntries([...RESOURCES].map(([k, r]) => [k, toProtoSchema(r.schema)])),
      data_source_schemas: Object.fromEntries([...DATA_SOURCES].map(([k, d]) => [k, toProtoSchema(d.schema)])),
      functions: {},
      ephemeral_resource_schemas: {},
      diagnostics: [],
      server_capabilities: SERVER_CAPABILITIES,
    };
  }

  validateProviderConfig(req: Msg): Msg {
    const config = decodeDv(PROVIDER_SCHEMA, req.config as DynamicValue) ?? {};
    return { diagnostics: this.diags(validateConfig(PROVIDER_SCHEMA, config)) };
  }

  validateResourceConfig(req: Msg): Msg {
    const r = this.resource(req.type_name);
    return { diagnostics: this.diags(validateConfig(r.schema, decodeDv(r.schema, req.config as DynamicValue) ?? {})) };
  }

  validateDataResourceConfig(req: Msg): Msg {
    const d = this.dataSource(req.type_name);
    return { diagnostics: this.diags(validateConfig(d.schema, decodeDv(d.schema, req.config as DynamicValue) ?? {})) };
  }

  upgradeResourceState(req: Msg): Msg {
    const r = this.resource(req.type_name);
    const raw = req.raw_state as { json?: Buffer; flatmap?: Record<string, string> } | undefined;
    if (!raw?.json || raw.json.length === 0) {
      if (raw?.flatmap && Object.keys(raw.flatmap).length) {
        return { diagnostics: this.diags([errorDiag('Unable to Upgrade Resource State', 'Flatmap (Terraform 0.11) state is not supported.')]) };
      }
      return { upgraded_state: encodeDv(r.schema, null), diagnostics: [] };
    }
    const out = r.upgradeState(Number(req.version ?? 0), raw.json.toString('utf8'));
    return { upgraded_state: encodeDv(r.schema, out.state), diagnostics: this.diags(out.diagnostics) };
  }

  async configureProvider(req: Msg): Promise<Msg> {
    const config = decodeDv(PROVIDER_SCHEMA, req.config as DynamicValue) ?? {};
    if (typeof config.token === 'string') this.secrets = [...new Set([...this.secrets, config.token])];
    const out = await configureProvider({ config, env: this.opts.env, fetchImpl: this.opts.fetchImpl, onExchange: this.opts.onExchange });
    if (out.client) this.client = out.client;
    return { diagnostics: this.diags(out.diagnostics) };
  }

  async readResource(req: Msg): Promise<Msg> {
    const res = this.resource(req.type_name);
    const state = decodeDv(res.schema, req.current_state as DynamicValue);
    if (state === null) return { new_state: encodeDv(res.schema, null), diagnostics: [], private: req.private };
    const out = await res.read(this.context(), state);
    return { new_state: encodeDv(res.schema, out.state), diagnostics: this.diags(out.diagnostics), private: req.private };
  }

  async planResourceChange(req: Msg): Promise<Msg> {
    const res = this.resource(req.type_name);
    const prior = decodeDv(res.schema, req.prior_state as DynamicValue);
    const proposed = decodeDv(res.schema, req.proposed_new_state as DynamicValue);
    const config = decodeDv(res.schema, req.config as DynamicValue);
    const plan = frameworkPlan({ schema: res.schema, prior, proposed, config });
    const extra = res.modifyPlan && this.client ? await res.modifyPlan(this.context(), plan.planned) : [];
    return {
      planned_state: encodeDv(res.schema, plan.planned),
      requires_replace: plan.requiresReplace.map((a) => ({ steps: [{ attribute_name: a }] })),
      planned_private: req.prior_private,
      diagnostics: this.diags(extra),
    };
  }

  async applyResourceChange(req: Msg): Promise<Msg> {
    const res = this.resource(req.type_name);
    const prior = decodeDv(res.schema, req.prior_state as DynamicValue);
    const planned = decodeDv(res.schema, req.planned_state as DynamicValue);
    const ctx = this.context();
    if (planned === null) {
      const diagnostics = prior ? await res.delete(ctx, prior) : [];
      return { new_state: encodeDv(res.schema, null), private: req.planned_private, diagnostics: this.diags(diagnostics) };
    }
    const out = prior === null ? await res.create(ctx, planned) : await res.update(ctx, planned, prior);
    return { new_state: encodeDv(res.schema, out.state), private: req.planned_private, diagnostics: this.diags(out.diagnostics) };
  }

  importResourceState(req: Msg): Msg {
    const res = this.resource(req.type_name);
    const out = res.importState(String(req.id ?? ''));
    return {
      imported_resources: out.states.map((s) => ({ type_name: res.typeName, state: encodeDv(res.schema, s), private: Buffer.alloc(0) })),
      diagnostics: this.diags(out.diagnostics),
    };
  }

  moveResourceState(req: Msg): Msg {
    return { diagnostics: this.diags([errorDiag('Unable to Move Resource State',
      `The target resource type ${JSON.stringify(req.target_type_name)} does not support moving state from ${JSON.stringify(req.source_type_name)}.`)]) };
  }

  async readDataSource(req: Msg): Promise<Msg> {
    const d = this.dataSource(req.type_name);
    const out = await d.read(this.context(), decodeDv(d.schema, req.config as DynamicValue) ?? {});
    return { state: encodeDv(d.schema, out.state), diagnostics: this.diags(out.diagnostics) };
  }

  /** This provider has no ephemeral resources and no functions. */
  noEphemeral(req: Msg): Msg {
    return { diagnostics: this.diags([errorDiag('Ephemeral Resource Type Not Found', `No ephemeral resource type named ${JSON.stringify(req.type_name)} was found in the provider.`)]) };
  }

  getFunctions(): Msg {
    return { functions: {}, diagnostics: [] };
  }

  callFunction(req: Msg): Msg {
    return { error: { text: `Function Not Found: no function named ${JSON.stringify(req.name)} was found in the provider.` } };
  }

  stopProvider(): Msg {
    return { Error: '' };
  }
}
