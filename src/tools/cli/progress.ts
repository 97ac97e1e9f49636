// A one-line progress bar with ETA on stderr (only when stderr is a terminal, or ALLOY_PROGRESS=1).
// The ETA is per phase: its rate is measured from the phase's first tick, so a slow phase before
// it does not make a fast one look long. Labels are printed whole; the rest of the line is cleared.
export function progress(label: string) {
  const on = process.stderr.isTTY || process.env.ALLOY_PROGRESS === '1';
  let name = label, t0 = 0, d0 = 0, started = false;
  const bar = {
    /** a new phase: its own clock and ETA */
    phase(p: string) { if (started) bar.end(); name = `${label} ${p}`; started = false; },
    tick(done: number, total: number, what = '') {
      if (!on) return;
      const now = Date.now();
      if (!started) { started = true; t0 = now; d0 = done; }
      const f = total ? done / total : 1, width = 24, el = (now - t0) / 1000;
      const rate = done > d0 && el > 0 ? (done - d0) / el : 0;
      const eta = done >= total ? '0.0s' : rate > 0 ? `${((total - done) / rate).toFixed(1)}s` : '-';
      process.stderr.write(`\r${name} [${'#'.repeat(Math.round(f * width)).padEnd(width)}] ${done}/${total} ${el.toFixed(1)}s, ETA ${eta} ${what}\x1b[K`);
    },
    end() { if (on && started) process.stderr.write('\n'); started = false; },
  };
  return bar;
}
