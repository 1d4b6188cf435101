/** `gid://gitlab/Project/12` -> 12; also accepts a bare number or numeric string. */
export function gidNumber(gid: unknown): number | undefined {
  if (typeof gid === 'number') return Number.isSafeInteger(gid) ? gid : undefined;
  if (typeof gid !== 'string') return undefined;
  const m = /(?:^|\/)(\d+)$/.exec(gid);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function projectGid(id: number): string {
  return `gid://gitlab/Project/${id}`;
}

export function groupGid(id: number): string {
  return `gid://gitlab/Group/${id}`;
}
