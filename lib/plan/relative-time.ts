/** "2 days ago" style ages for risk notes; `now` is passed in so output is reproducible. */
export function relativeTime(isoTime: string, now: Date): string {
  const then = Date.parse(isoTime);
  if (Number.isNaN(then)) return `at ${isoTime}`;
  const seconds = Math.floor((now.getTime() - then) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}
