import { progressBar } from '../../lib/drift/progress';

describe('progress bar', () => {
  const stream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, s: { isTTY, write: (c: string) => { chunks.push(c); return true; } } };
  };

  it('draws on a terminal and clears its line at the end', () => {
    const { chunks, s } = stream(true);
    const p = progressBar(s, true);
    p.update(0, 4);
    p.update(2, 4);
    p.update(2, 4);
    p.update(4, 4);
    p.end();
    expect(chunks).toEqual([
      '\rreading [..............................] 0/4 projects',
      '\rreading [###############...............] 2/4 projects',
      '\rreading [##############################] 4/4 projects',
      '\r\u001b[2K',
    ]);
  });

  it('writes nothing when not a terminal, or with --no-progress', () => {
    for (const [tty, enabled] of [[false, true], [true, false]] as const) {
      const { chunks, s } = stream(tty);
      const p = progressBar(s, enabled);
      p.update(1, 2);
      p.end();
      expect(chunks).toEqual([]);
    }
  });
});
