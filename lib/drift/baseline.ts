import * as fs from 'fs';
import { jsonErrorReason } from '../util/json-error';
import { readTextFile } from '../util/read-file';
import { statusOf } from './compare';
import { DriftReport, Finding, FindingKind, FINDING_KINDS, ProjectReport } from './types';

/**
 * `--baseline FILE`: findings known and accepted, so that only new drift fails
 * a run. Written by `--write-baseline`. Unreadable projects are never accepted.
 */
export interface Baseline {
  readonly version: 1;
  readonly accepted: ReadonlyArray<AcceptedFinding>;
}

/** `declared` pins a toggle finding (limit_access_mismatch, enforced_by_instance) to one direction; absent, any direction. */
export interface AcceptedFinding {
  readonly project: string;
  readonly kind: FindingKind;
  readonly target?: string;
  readonly declared?: boolean;
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

// A wrong lock file is never "known drift": it misnames what Terraform applies.
const NEVER_ACCEPTED = new Set<FindingKind>(['project_not_found', 'permission_denied', 'lock_mismatch']);
const ACCEPTABLE = new Set<FindingKind>(FINDING_KINDS.filter((k) => !NEVER_ACCEPTED.has(k)));

/**
 * Identity of a finding across runs: project, kind, target (case-insensitive)
 * and, for toggle findings, the declared direction, so that accepting "declared
 * on, off in GitLab" never accepts the reverse. Timestamps are left out.
 */
export function findingKey(project: string, f: { kind: string; target?: string; declared?: unknown }): string {
  const base = `${project.toLowerCase()}|${f.kind}|${(f.target ?? '').toLowerCase()}`;
  return typeof f.declared === 'boolean' ? `${base}|declared=${f.declared}` : base;
}

export function parseBaseline(text: string, source: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`baseline ${source} is not valid JSON (${jsonErrorReason(e)}); write it again with --write-baseline`);
  }
  const d = data as Partial<Baseline> | null;
  if (!d || d.version !== 1 || !Array.isArray(d.accepted)) {
    throw new BaselineError(`baseline ${source} is not a tokenscope baseline (expected {"version":1,"accepted":[...]}); write it again with --write-baseline`);
  }
  for (const [i, a] of d.accepted.entries()) {
    if (!a || typeof a.project !== 'string' || !FINDING_KINDS.includes(a.kind as FindingKind)) {
      throw new BaselineError(`baseline ${source}: accepted[${i}] needs a "project" and a "kind" (one of ${FINDING_KINDS.join(', ')})`);
    }
    // A wrong type would never match a finding, or (a string "false" is truthy) match the wrong one.
    if (a.target !== undefined && typeof a.target !== 'string') {
      throw new BaselineError(`baseline ${source}: accepted[${i}].target is ${JSON.stringify(a.target)}; it must be the target's full path, a string`);
    }
    if (a.declared !== undefined && typeof a.declared !== 'boolean') {
      throw new BaselineError(`baseline ${source}: accepted[${i}].declared is ${JSON.stringify(a.declared)}; it must be true or false (not a string)`);
    }
  }
  return { version: 1, accepted: d.accepted };
}

export function readBaseline(file: string): Baseline {
  if (!fs.existsSync(file)) throw new BaselineError(`baseline ${file} does not exist; create it with --write-baseline`);
  return parseBaseline(readTextFile(file, (m) => new BaselineError(`baseline ${m}`)), file);
}

/** The drift findings of a report, as a baseline (sorted, stable in git). */
export function baselineFrom(report: DriftReport): Baseline {
  const accepted: AcceptedFinding[] = [];
  for (const p of report.projects) {
    for (const f of p.findings) {
      if (!ACCEPTABLE.has(f.kind)) continue;
      accepted.push({
        project: p.project,
        kind: f.kind,
        ...(f.target !== undefined ? { target: f.target } : {}),
        ...(typeof f.declared === 'boolean' ? { declared: f.declared } : {}),
      });
    }
  }
  accepted.sort((a, b) => findingKey(a.project, a).localeCompare(findingKey(b.project, b)));
  return { version: 1, accepted };
}

export function serializeBaseline(b: Baseline): string {
  return JSON.stringify(b, null, 2) + '\n';
}

/** Marks findings listed in the baseline as accepted and recomputes statuses and the summary. */
export function applyBaseline(report: DriftReport, baseline: Baseline): DriftReport {
  const keys = new Set(baseline.accepted.map((a) => findingKey(a.project, a)));
  // An entry without `declared` (older baselines) accepts the toggle finding in either direction.
  const isAccepted = (project: string, f: Finding) =>
    keys.has(findingKey(project, f)) || keys.has(findingKey(project, { kind: f.kind, target: f.target }));
  const projects = report.projects.map((p) => {
    if (p.status === 'unreadable') return p;
    const findings: Finding[] = p.findings.map((f) =>
      ACCEPTABLE.has(f.kind) && isAccepted(p.project, f) ? { ...f, accepted: true as const } : f,
    );
    return { ...p, findings, status: statusOf(findings) };
  });
  return { summary: summarize(projects, report.summary.requests), projects };
}

export function summarize(projects: readonly ProjectReport[], requests: number): DriftReport['summary'] {
  return {
    projects: projects.length,
    inSync: projects.filter((p) => p.status === 'in_sync').length,
    drifted: projects.filter((p) => p.status === 'drifted').length,
    unreadable: projects.filter((p) => p.status === 'unreadable').length,
    requests,
  };
}

