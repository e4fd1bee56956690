/** Left-aligned eighth blocks: index n covers n/8 of a cell. */
const LEFT_EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];

/**
 * A span's place on the trace's timeline as `width` cells of block characters, at 1/8-cell
 * resolution. Even a span too short to see gets a sliver, so every line shows where it happens.
 */
export function timingBar(offsetUs: number, durationUs: number, totalUs: number, width: number): string {
  const eighths = width * 8;
  const scale = totalUs > 0 ? eighths / totalUs : 0;
  const start = Math.min(eighths - 1, Math.max(0, Math.round(offsetUs * scale)));
  const end = Math.min(eighths, Math.max(start + 1, Math.round((offsetUs + durationUs) * scale)));
  let bar = "";
  for (let cell = 0; cell < width; cell++) {
    const cellStart = cell * 8;
    const covered = Math.max(0, Math.min(end, cellStart + 8) - Math.max(start, cellStart));
    if (covered === 0) bar += " ";
    else if (start <= cellStart) bar += LEFT_EIGHTHS[covered];
    // The bar begins inside this cell: only a right half block can show a right-aligned start.
    else bar += end >= cellStart + 8 && covered >= 4 ? "▐" : "▕";
  }
  return bar;
}
