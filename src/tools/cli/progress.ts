// A one-line progress bar with ETA on stderr (only when stderr is a terminal, or ALLOY_PROGRESS=1).
export function progress(label: string) {
  const on = process.stderr.isTTY || process.env.ALLOY_PROGRESS === '1';
  const t0 = Date.now();
  return {
    tick(done: number, total: number, what = '') {
      if (!on) return;
      const f = total ? done / total : 1, width = 24, el = (Date.now() - t0) / 1000;
      const eta = f > 0 ? (el / f - el) : 0;
      process.stderr.write(`\r${label} [${'#'.repeat(Math.round(f * width)).padEnd(width)}] ${done}/${total} ${what.slice(0, 24).padEnd(24)} ${el.toFixed(1)}s, ETA ${eta.toFixed(1)}s `);
    },
    end() { if (on) process.stderr.write('\n'); },
  };
}
