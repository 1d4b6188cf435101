/** A one-line progress bar on a terminal stream; silent when the stream is not a terminal. */
export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

export function progressBar(stream: { write(s: string): unknown; isTTY?: boolean }, enabled: boolean, label = 'reading'): Progress {
  if (!enabled || !stream.isTTY) return { update: () => undefined, end: () => undefined };
  let last = -1;
  let shown = false;
  return {
    update(done, total) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} projects`);
      shown = true;
    },
    end() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
