/**
 * How the stand-in describes a provider, resource or data source: attributes
 * with their cty type, Optional/Computed/Required, plan modifiers and
 * validators, as terraform-plugin-framework (and the legacy SDK for the data
 * sources) declare them in terraform-provider-gitlab. Pure: no I/O.
 */
import type { CtyObject, CtyType, CtyValue } from './cty';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** Top-level attribute the diagnostic points at, if any. */
  readonly attribute?: string;
}

export const errorDiag = (summary: string, detail = '', attribute?: string): Diagnostic => ({ severity: 'error', summary, detail, attribute });
export const warningDiag = (summary: string, detail = '', attribute?: string): Diagnostic => ({ severity: 'warning', summary, detail, attribute });

/** The framework's built-in plan modifiers the GitLab provider uses on these resources. */
export type PlanModifier = 'useStateForUnknown' | 'requiresReplace';

/** A validator sees the attribute's own config value and the whole config (values may be unknown). */
export type Validator = (value: CtyValue, config: CtyObject, name: string) => Diagnostic | undefined;

export interface AttributeSchema {
  readonly type: CtyType;
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /** Set: the attribute is deprecated and configuring it warns with this text. */
  readonly deprecationMessage?: string;
  readonly planModifiers?: readonly PlanModifier[];
  readonly validators?: readonly Validator[];
}

export interface BlockSchema {
  /** The schema version recorded in state (`UpgradeResourceState` gets the stored one). */
  readonly version: number;
  readonly description: string;
  readonly attributes: Readonly<Record<string, AttributeSchema>>;
}

export function objectType(schema: BlockSchema): CtyType {
  return ['object', Object.fromEntries(Object.entries(schema.attributes).map(([k, a]) => [k, a.type]))];
}

/** An object of this schema with every attribute null. */
export function nullObject(schema: BlockSchema): CtyObject {
  return Object.fromEntries(Object.keys(schema.attributes).map((k) => [k, null]));
}

/** The `tfplugin6.Schema` message (field names as in the .proto). */
export function toProtoSchema(schema: BlockSchema): Record<string, unknown> {
  const MARKDOWN = 1;
  return {
    version: schema.version,
    block: {
      version: schema.version,
      description: schema.description,
      description_kind: MARKDOWN,
      deprecated: false,
      block_types: [],
      attributes: Object.entries(schema.attributes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, a]) => ({
          name,
          type: Buffer.from(JSON.stringify(a.type)),
          description: a.description,
          description_kind: MARKDOWN,
          required: a.required ?? false,
          optional: a.optional ?? false,
          computed: a.computed ?? false,
          sensitive: a.sensitive ?? false,
          deprecated: a.deprecationMessage !== undefined,
          write_only: false,
        })),
    },
  };
}

/** Runs every attribute's validators and the framework's deprecation warning (terraform-plugin-framework semantics). */
export function validateConfig(schema: BlockSchema, config: CtyObject): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, attr] of Object.entries(schema.attributes)) {
    const value = config[name] ?? null;
    if (attr.deprecationMessage && value !== null) out.push(warningDiag('Attribute Deprecated', attr.deprecationMessage, name));
    for (const v of attr.validators ?? []) {
      const d = v(value, config, name);
      if (d) out.push(d);
    }
  }
  return out;
}
