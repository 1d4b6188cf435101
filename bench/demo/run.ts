/**
 * `npm run bench:demo`: how long `npm start` takes. The built CLI's `demo`
 * with terraform on PATH (the whole loop: drift, plan per stack, plan-summary,
 * apply, drift) and without it (drift only), median of a few runs each, each
 * its own process; plus the incremental build `npm start` runs first.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { terraformVersion } from '../../lib/terraform/cli';
import { replaceSection, runLines } from '../results';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'tokenscope.js');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');

function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; out: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code: code ?? 1, out }));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: npm run build first (npm run bench:demo does)`);
  const version = await terraformVersion();
  if (!version) throw new Error('terraform is not on PATH: bench:demo measures the demo with and without it');
  const a = process.argv.slice(2);
  const runs = a.includes('--runs') ? Number(a[a.indexOf('--runs') + 1]) : 3;
  const load = os.loadavg()[0];
  const withTf: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: os.tmpdir() };
  const withoutTf: NodeJS.ProcessEnv = { PATH: '/nonexistent-tokenscope-path', HOME: os.tmpdir() };
  const cases = [
    { label: '`tokenscope demo`, terraform on PATH (the whole loop)', env: withTf, expect: 'After apply the demo org is in sync with the example app' },
    { label: '`tokenscope demo`, no terraform on PATH (drift only)', env: withoutTf, expect: 'terraform is not on PATH, so this run shows drift only' },
  ];
  const rows: string[] = [];
  for (const c of cases) {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      process.stderr.write(`bench demo: ${c.label}, run ${r + 1}/${runs}\n`);
      const res = await timed(process.execPath, [BIN, 'demo'], c.env);
      if (res.code !== 0 || !res.out.includes(c.expect)) throw new Error(`${c.label} exited ${res.code}:\n${res.out}`);
      ms.push(res.ms);
    }
    rows.push(`| ${c.label} | ${secs(median(ms))} | ${secs(Math.min(...ms))} – ${secs(Math.max(...ms))} |`);
  }
  // What `npm start` runs before the demo: the build, incremental (nothing changed since the last one).
  const build = await timed('npm', ['run', '--silent', 'build'], { ...process.env });
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.out}`);
  rows.push(`| \`npm run build\` (incremental, what \`npm start\` runs first) | ${secs(build.ms)} | one run |`);

  const section = [
    `The built CLI (\`node dist/bin/tokenscope.js demo\`, what \`npm start\` runs after building), median of ${runs} runs, each its own process,`,
    `wall time from start to exit. With terraform: Terraform ${version}, the four stacks' init, plan, show -json and apply side by side`,
    '(16 terraform runs), state GitLab-managed in the sandbox. Without: PATH without terraform.',
    '',
    ...runLines(load),
    '',
    '| run | median wall time | range |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(section + '\n');
  replaceSection(RESULTS, 'demo', section);
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
