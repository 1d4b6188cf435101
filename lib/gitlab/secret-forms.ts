/**
 * The forms a secret takes when a server, a proxy or a library echoes it back:
 * as sent, URL-encoded (the usual way and byte by byte), and base64 (standard
 * and URL-safe, alone or inside `user:token` as basic auth carries it). Upper
 * and lower case are not listed here: the masker compares ASCII letters
 * without case, so every form is matched in any case.
 */

/** Every byte as `%XX`, as some proxies and loggers write URLs. */
function percentEveryByte(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `%${b.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * base64 of the secret wherever it sits in a longer text (`user:token`,
 * `token\n`, ...): the characters that depend on the secret alone. A secret that
 * starts at byte offset p encodes the same from its first byte at a multiple of
 * 3 on, so three alignments cover every prefix; padding only ever follows.
 */
function base64Cores(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole <= 0) continue;
    const std = Buffer.from(bytes.subarray(skip, skip + whole)).toString('base64');
    out.push(std, std.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

export interface SecretForm {
  readonly text: string;
  /** The secret as sent (or merely URL-escaped): its described form replaces it. */
  readonly raw: boolean;
}

/** The forms of one secret (already trimmed), longest first, duplicates removed. */
export function secretForms(secret: string): SecretForm[] {
  const bytes = new Uint8Array(Buffer.from(secret, 'utf8'));
  const forms: SecretForm[] = [
    { text: secret, raw: true },
    { text: encodeURIComponent(secret), raw: true },
    { text: percentEveryByte(bytes), raw: false },
    ...base64Cores(bytes).map((text) => ({ text, raw: false })),
  ];
  const seen = new Set<string>();
  return forms
    .filter((f) => {
      const k = f.text.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => b.text.length - a.text.length);
}
