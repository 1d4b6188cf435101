/** `--shard I/N`: a stable share of the projects for GitLab CI `parallel:` (I is 1-based, like CI_NODE_INDEX). */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new ShardError(`--shard "${value}" must be I/N, e.g. 2/4 (I from 1 to N, like CI_NODE_INDEX/CI_NODE_TOTAL)`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || index < 1 || index > total) {
    throw new ShardError(`--shard "${value}": I must be between 1 and N, and N at least 1`);
  }
  return { index, total };
}

/** The shard from CI_NODE_INDEX / CI_NODE_TOTAL, when GitLab CI's `parallel:` set them. */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const i = env.CI_NODE_INDEX;
  const n = env.CI_NODE_TOTAL;
  if (!i || !n) return undefined;
  return parseShard(`${i}/${n}`);
}

/** FNV-1a of the lower-cased path: the same project lands in the same shard on every run and machine. */
export function shardOf(fullPath: string, total: number): number {
  let h = 0x811c9dc5;
  const s = fullPath.toLowerCase();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % total) + 1;
}

export function inShard(fullPath: string, shard: Shard | undefined): boolean {
  return !shard || shard.total === 1 || shardOf(fullPath, shard.total) === shard.index;
}
