import { MASK_RUN } from '../../lib/gitlab/secrets';

/** The echoes of a token a hostile or careless server sends back, and a check that none survived. */
export const b64 = (s: string) => Buffer.from(s).toString('base64');
const urlSafe = (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_');
const unpadded = (s: string) => s.replace(/=+$/, '');

/** Every run of MASK_RUN characters of `s`. */
const runs = (s: string) => Array.from({ length: s.length - MASK_RUN + 1 }, (_, i) => s.slice(i, i + MASK_RUN));

/** The echoes a hostile or careless server may send back. */
export function echoesOf(token: string): Record<string, string> {
  return {
    exact: token,
    upper: token.toUpperCase(),
    lower: token.toLowerCase(),
    'cut at the start': token.slice(7),
    'cut at the end': token.slice(0, 19),
    'cut at both ends': token.slice(4, 4 + MASK_RUN),
    'url-encoded': encodeURIComponent(`${token}/?&`),
    'url-encoded byte by byte': [...Buffer.from(token)].map((b) => `%${b.toString(16).toUpperCase()}`).join(''),
    base64: b64(token),
    'base64 unpadded': unpadded(b64(token)),
    'base64 url-safe': urlSafe(b64(`${token}?>`)),
    'base64 url-safe unpadded': unpadded(urlSafe(b64(`${token}?>`))),
    'basic auth': b64(`gitlab-ci-token:${token}`),
    'basic auth, other user': b64(`ab:${token}`),
    'basic auth url-safe': urlSafe(b64(`x:${token}`)),
  };
}

/**
 * The first leak found in `text`: a MASK_RUN-run of the token in any case, or
 * of the token-dependent middle of any echo (which skips a basic-auth user and
 * base64 padding); undefined when there is none.
 */
export function leaks(text: string, token: string): string | undefined {
  const lower = text.toLowerCase();
  const plain = runs(token).find((r) => lower.includes(r.toLowerCase()));
  if (plain) return `run ${plain}`;
  for (const [name, e] of Object.entries(echoesOf(token))) {
    const middle = e.slice(Math.ceil(e.length * 0.4), Math.floor(e.length * 0.9));
    if (middle.length < MASK_RUN) continue;
    const hit = runs(middle).find((r) => lower.includes(r.toLowerCase()));
    if (hit) return `${name}: ${hit}`;
  }
  return undefined;
}
