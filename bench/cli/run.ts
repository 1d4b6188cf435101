/**
 * `npm run bench:cli`: whole-process times of the compiled CLI (`dist/`), each
 * command run at least 11 times, alternating with `node -e 0` as the baseline
 * measured in the same run on the same machine; peak RSS from `/usr/bin/time`.
 * The sandboxes run in this process (no latency for the demo org; 30 ms and
 * concurrency 4 for the 1,000-project org, as `bench:drift` reads it).
 *
 *   npm run bench:cli                 # builds first
 *   npm run bench:cli -- --runs 21
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { startSandbox } from '../../lib/sandbox';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { buildAcme } from '../../main';
import { DEMO_TOKEN } from '../../lib/cli/commands/demo';
import { benchOrg, BENCH_TOKEN } from '../drift/org';
import { replaceSection } from '../results';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'tokenscope.js');
const TIME = '/usr/bin/time';

interface Sample { readonly ms: number; readonly rssKb: number; readonly code: number }

/** One whole process: spawn to exit, with its peak RSS. Asynchronous: the sandboxes are served by this process. */
function once(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M', process.execPath, ...argv], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rssKb = Number(err.trim().split('\n').pop());
      resolve({ ms, rssKb, code: code ?? 1 });
    });
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main(): Promise<void> {
  if (!fs.existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (Debian package time)`);
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: npm run build first (npm run bench:cli does)`);
  const a = process.argv.slice(2);
  const runs = a.includes('--runs') ? Number(a[a.indexOf('--runs') + 1]) : 11;

  const demo = await startSandbox({ port: 0 });
  const org = benchOrg(1000);
  const big = await startSandbox({ seed: org.seed as never, port: 0, latencyMs: 30 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-bench-cli-'));
  try {
    const demoDir = path.join(tmp, 'demo');
    fs.mkdirSync(demoDir);
    const app = new App({ outdir: path.join(demoDir, 'cdktf.out') });
    buildAcme(app, { lockFile: false });
    app.synth();
    const bigDir = path.join(tmp, 'big');
    for (const [name, json] of Object.entries(org.stacks)) {
      fs.mkdirSync(path.join(bigDir, 'cdktf.out', 'stacks', name), { recursive: true });
      fs.writeFileSync(path.join(bigDir, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
    }
    fs.writeFileSync(path.join(bigDir, 'tokenscope.lock.json'), JSON.stringify(org.lock));

    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmp, CHECKPOINT_DISABLE: '1' };
    const driftArgs = ['drift', '--synth-dir', 'cdktf.out', '--format', 'json', '--output', 'report.json', '--no-progress'];
    const cases: Array<{ label: string; argv: string[]; env: NodeJS.ProcessEnv; cwd: string; expect: number }> = [
      { label: '`node -e 0` (baseline)', argv: ['-e', '0'], env: base, cwd: tmp, expect: 0 },
      { label: '`tokenscope --version`', argv: [BIN, '--version'], env: base, cwd: tmp, expect: 0 },
      { label: '`tokenscope --help`', argv: [BIN, '--help'], env: base, cwd: tmp, expect: 0 },
      { label: '`tokenscope drift --help`', argv: [BIN, 'drift', '--help'], env: base, cwd: tmp, expect: 0 },
      { label: '`tokenscope doctor` (offline: no URL)', argv: [BIN, 'doctor'], env: { ...base, GITLAB_TOKEN: DEMO_TOKEN }, cwd: tmp, expect: 0 },
      { label: '`tokenscope drift`, acme demo org', argv: [BIN, ...driftArgs], env: { ...base, GITLAB_URL: demo.url, GITLAB_TOKEN: DEMO_TOKEN }, cwd: demoDir, expect: 2 },
      { label: '`tokenscope drift`, 1,000 projects, 30 ms latency', argv: [BIN, ...driftArgs, '--concurrency', '4'], env: { ...base, GITLAB_URL: big.url, GITLAB_TOKEN: BENCH_TOKEN }, cwd: bigDir, expect: 2 },
    ];
    const samples = new Map<string, Sample[]>(cases.map((c) => [c.label, []]));
    for (let r = 0; r < runs; r++) {
      process.stderr.write(`bench cli: round ${r + 1}/${runs}\n`);
      for (const c of cases) {
        const s = await once(c.argv, c.env, c.cwd);
        if (s.code !== c.expect) throw new Error(`${c.label} exited ${s.code}, expected ${c.expect}`);
        samples.get(c.label)!.push(s);
      }
    }
    // The same 1,000-project read in this process (no process start, modules already loaded), same sandbox, same run.
    const inProcess: number[] = [];
    for (let r = 0; r < 5; r++) {
      const io = memoryIO({ GITLAB_URL: big.url, GITLAB_TOKEN: BENCH_TOKEN }, bigDir);
      const t = process.hrtime.bigint();
      const code = await runCli(['node', 'tokenscope', ...driftArgs, '--concurrency', '4'], io);
      inProcess.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (code !== 2) throw new Error(`in-process drift exited ${code}: ${io.err()}`);
    }

    const stat = (label: string) => {
      const s = samples.get(label)!;
      return { ms: median(s.map((x) => x.ms)), rssMb: Math.max(...s.map((x) => x.rssKb)) / 1024 };
    };
    const node0 = stat(cases[0].label);
    const rows = cases.map((c) => {
      const s = stat(c.label);
      return `| ${c.label} | ${s.ms.toFixed(0)} ms | ${(s.ms / node0.ms).toFixed(2)}x | ${s.rssMb.toFixed(0)} MB |`;
    });
    const version = stat(cases[1].label);
    const demoDrift = stat(cases[5].label);
    const bigDrift = stat(cases[6].label);
    const inProc = median(inProcess);
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    const body = [
      `Run ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, median of ${runs} runs of each`,
      'command (whole process: spawn to exit, compiled `dist/`), alternating with the baseline; peak RSS is the largest of the',
      'runs (`/usr/bin/time -f %M`). The demo drift exits 2 (the demo org drifts on purpose).',
      '',
      '| command | median | vs `node -e 0` | peak RSS |',
      '|---|---:|---:|---:|',
      ...rows,
      `| same 1,000-project read in-process (median of 5) | ${inProc.toFixed(0)} ms | | |`,
      '',
      'Goals:',
      '',
      `- \`--version\` within 4x of \`node -e 0\`: ${(version.ms / node0.ms).toFixed(2)}x, ${met(version.ms / node0.ms <= 4)}; under 80 MB peak RSS: ${version.rssMb.toFixed(0)} MB, ${met(version.rssMb < 80)}.`,
      `- \`drift\` on the demo org under 1.0 s (whole process, sandbox running): ${(demoDrift.ms / 1000).toFixed(2)} s, ${met(demoDrift.ms < 1000)}.`,
      `- 1,000 projects whole process within 2x of the in-process read: ${(bigDrift.ms / 1000).toFixed(2)} s against ${(inProc / 1000).toFixed(2)} s in-process ` +
        `(${(bigDrift.ms / inProc).toFixed(2)}x) and 0.43 s reported by bench:drift before this change (${(bigDrift.ms / 430).toFixed(2)}x): ${met(bigDrift.ms / inProc <= 2)}.`,
      '',
      'Before the build (issue 11), every command transpiled about 130 `.ts` files at start: `--version` took 2.4 s and 200 MB.',
    ].join('\n');
    process.stdout.write(body + '\n');
    replaceSection(path.join(ROOT, 'bench', 'RESULTS.md'), 'cli', body);
  } finally {
    await demo.stop();
    await big.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(String((e && e.stack) || e) + '\n'); process.exit(1); });
