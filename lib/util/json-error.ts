/**
 * The reason of a JSON.parse failure without the excerpt Node quotes from the
 * input: that excerpt can be a cut-off piece of a secret, which no masker can
 * recognise.
 */
export function jsonErrorReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
}
