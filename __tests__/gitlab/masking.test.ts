import { createMasker, describeSecret, maskDeep, MASK_RUN } from '../../lib/gitlab/secrets';

const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrStUvWx.01abc23de';
const SHOWN = describeSecret(TOKEN);
const b64 = (s: string) => Buffer.from(s).toString('base64');
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

/** True when `text` still holds any of the echoes or any MASK_RUN-run of the token or of its encodings. */
export function leaks(text: string, token: string): string | undefined {
  const lower = text.toLowerCase();
  const plain = runs(token).find((r) => lower.includes(r.toLowerCase()));
  if (plain) return `run ${plain}`;
  for (const [name, e] of Object.entries(echoesOf(token))) {
    // base64 of a prefix plus the token: the characters that depend on the token alone.
    const core = name.startsWith('basic auth') ? e.slice(Math.ceil((e.length * 0.5))) : e;
    if (core.length >= MASK_RUN && text.includes(core.slice(0, MASK_RUN + 4))) return name;
  }
  return undefined;
}

describe('the masker', () => {
  const mask = createMasker([TOKEN]);

  test.each(Object.entries(echoesOf(TOKEN)))('masks the token %s', (_name, echo) => {
    const out = mask(`before ${echo} after`);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
    expect(out).toContain(SHOWN);
    expect(leaks(out, TOKEN)).toBeUndefined();
    expect(mask(out)).toBe(out);
  });

  test('replaces the whole token with its described form, leaves other text alone', () => {
    expect(mask(`Bearer ${TOKEN}.`)).toBe(`Bearer ${SHOWN}.`);
    expect(mask('glpat- tokens, 11 chars: AbCdEfGhIjK')).toBe('glpat- tokens, 11 chars: AbCdEfGhIjK');
  });

  test('a long custom prefix stays readable and masking twice changes nothing', () => {
    const custom = 'mycompany-glpat-abcdefghijklmnopqrstu';
    const m = createMasker([custom]);
    expect(m(`x ${custom} y`)).toBe('x mycompany-glpat-****rstu y');
    expect(m(`x ${custom.slice(2)} y`)).toBe('x mycompany-glpat-****rstu y');
    expect(m(m(`x ${custom} y`))).toBe('x mycompany-glpat-****rstu y');
    expect(m(`tokens here start with mycompany-glpat-`)).toBe('tokens here start with mycompany-glpat-');
  });

  test('short secrets are masked whole, in any case', () => {
    const m = createMasker(['s3cr3tXY']);
    expect(m('a S3CR3TXY b s3cr3tXY c')).toBe('a **** b **** c');
  });

  test('deep in objects, every string', () => {
    expect(maskDeep({ a: [TOKEN.toUpperCase()], b: { c: `t=${b64(TOKEN)}` }, n: 1 }, mask)).toEqual({
      a: [SHOWN], b: { c: `t=${SHOWN}${b64(TOKEN).slice(-4)}` }, n: 1,
    });
  });

  test('linear: a 10 MB text with many near misses is masked in one pass', () => {
    const chunk = `lorem ipsum ${TOKEN.slice(0, MASK_RUN - 1)} ${b64(TOKEN).slice(0, MASK_RUN - 1)} dolor `;
    const big = chunk.repeat(Math.ceil((10 * 1024 * 1024) / chunk.length)) + TOKEN;
    const out = mask(big);
    expect(out.length).toBe(big.length - TOKEN.length + SHOWN.length);
    expect(out.endsWith(SHOWN)).toBe(true);
  });
});
