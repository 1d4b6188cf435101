/** A JSON object (not null, not an array): what `JSON.parse` gives for `{...}`. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An ISO 8601 time with its zone (`2026-10-01T12:00:00Z`, `...+02:00`): nothing `Date` would have to guess at. */
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
