import * as fs from 'fs';
import * as os from 'os';

/**
 * Replaces (or appends) the `## <name>` section of bench/RESULTS.md, leaving the
 * other benchmarks' sections as they are.
 */
export function replaceSection(file: string, name: string, body: string): void {
  const header = '# Benchmark results\n\nWritten by `npm run bench`; each section by its own script.\n';
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : header;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${name}`);
  const section = [`## ${name}`, '', body.trimEnd(), ''];
  if (start === -1) {
    fs.writeFileSync(file, text.trimEnd() + '\n\n' + section.join('\n'));
    return;
  }
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end === -1) end = lines.length;
  const out = [...lines.slice(0, start), ...section, ...lines.slice(end)];
  fs.writeFileSync(file, out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n');
}

/**
 * The "Run:" lines of a section: date, Node, cores, and the 1-minute load
 * average when the run started (`os.loadavg()[0]`, read before the work).
 */
export function runLines(loadAtStart: number): string[] {
  return [
    `Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, on a machine shared with other sessions`,
    `(1-minute load average ${loadAtStart.toFixed(1)} when the run started); numbers vary with their load.`,
  ];
}
