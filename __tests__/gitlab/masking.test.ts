import { createMasker, describeSecret, maskDeep, MASK_RUN } from '../../lib/gitlab/secrets';

const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrStUvWx.01abc23de';
const SHOWN = describeSecret(TOKEN);
import { b64, echoesOf, leaks } from './echoes';

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
