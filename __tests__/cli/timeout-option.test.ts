import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { DEFAULT_TIMEOUT_SECONDS } from '../../lib/cli/options';

/** `--timeout SECONDS` on every command that talks to GitLab: one definition, worded alike, its default documented. */
const COMMANDS = Object.keys(DEFAULT_TIMEOUT_SECONDS) as Array<keyof typeof DEFAULT_TIMEOUT_SECONDS>;
const argvOf = (name: string) => (name === 'policies' ? ['policies', 'apply'] : [name]);

describe('--timeout', () => {
  test('covers drift, resolve, import, suggest, policies, plan-summary, doctor and reach', () => {
    expect([...COMMANDS].sort()).toEqual(['doctor', 'drift', 'import', 'plan-summary', 'policies', 'reach', 'resolve', 'suggest']);
  });

  test.each(COMMANDS)('%s --help shows it, worded alike, with its default, and its help page documents that default', async (name) => {
    const io = memoryIO();
    expect(await runCli(['node', 'tokenscope', ...argvOf(name), '--help'], io)).toBe(0);
    const d = DEFAULT_TIMEOUT_SECONDS[name];
    expect(io.out().replace(/\s+/g, ' ')).toContain(`--timeout <seconds> stop after SECONDS in all, say what was not read, exit 1 (default: "${d}")`);
    const page = fs.readFileSync(path.join(__dirname, '..', '..', 'help', `${name}.md`), 'utf8');
    expect(page).toContain(`Timeout: --timeout SECONDS (default ${d}) bounds the whole run`);
  });

  test.each(COMMANDS.filter((c) => c !== 'plan-summary'))('%s refuses a timeout that is not a whole number of seconds', async (name) => {
    const io = memoryIO({ GITLAB_URL: 'http://127.0.0.1:9', GITLAB_TOKEN: 'glpat-timeout-test-0000000000001' });
    expect(await runCli(['node', 'tokenscope', ...argvOf(name), '--timeout', '0', ...(name === 'import' || name === 'reach' ? ['--group', 'acme'] : [])], io)).toBe(1);
    expect(io.err()).toBe(`tokenscope ${name}: --timeout "0" must be a whole number from 1 to 86400\n`);
  });

  test('plan-summary refuses it alike', async () => {
    const io = memoryIO({});
    expect(await runCli(['node', 'tokenscope', 'plan-summary', 'plan.json', '--timeout', 'soon'], io)).toBe(1);
    expect(io.err()).toBe('tokenscope plan-summary: --timeout "soon" must be a whole number from 1 to 86400\n');
  });
});
