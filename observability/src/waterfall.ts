import { createStyles, type Styles } from "./ansi.ts";
import { clip, type Highlight, spanHighlights } from "./span-highlights.ts";
import { type SpanTree, type WalkedSpan, walkSpanTree } from "./span-tree.ts";
import { timingBar } from "./timing-bar.ts";
import { traceShapeProblems } from "./trace-shape.ts";

export type WaterfallOptions = {
  /** Cells of the timeline column. */
  barWidth?: number;
  /** Longest "tree + service + operation" label before it is cut with …. */
  maxLabelWidth?: number;
  color?: boolean;
};

export function formatMs(us: number): string {
  return `${(us / 1_000).toFixed(2)} ms`;
}

/** The summary header then the waterfall, as the trace CLI prints it. */
export function renderTrace(tree: SpanTree, options: WaterfallOptions = {}): string {
  const styles = createStyles(options.color ?? false);
  return [...renderSummary(tree, styles), "", ...renderWaterfall(tree, options, styles)].join("\n");
}

export function renderSummary(tree: SpanTree, styles: Styles = createStyles(false)): string[] {
  const errors = tree.spans.filter((s) => s.error).length;
  const problems = traceShapeProblems(tree);
  return [
    `${styles.bold("Trace")} ${styles.bold(tree.traceId)}`,
    `  started   ${new Date(tree.startUs / 1_000).toISOString()}`,
    `  duration  ${formatMs(tree.endUs - tree.startUs)}`,
    `  spans     ${tree.spans.length} in ${tree.services.length} service${tree.services.length === 1 ? "" : "s"}: ${tree.services.map(styles.service).join(", ")}`,
    ...(errors ? [`  errors    ${styles.red(`${errors} span${errors === 1 ? "" : "s"} failed`)}`] : []),
    ...problems.map((problem) => `  ${styles.yellow(`⚠ ${problem}`)}`),
  ];
}

/** Tree guides (├─ └─ │) drawn from whether each ancestor was the last of its siblings. */
function treePrefix({ depth, isLast, ancestorsLast }: WalkedSpan): string {
  if (depth === 0) return "";
  return `${ancestorsLast
    .slice(1)
    .map((last) => (last ? "   " : "│  "))
    .join("")}${isLast ? "└─ " : "├─ "}`;
}

export function renderWaterfall(
  tree: SpanTree,
  options: WaterfallOptions = {},
  styles: Styles = createStyles(options.color ?? false),
): string[] {
  const barWidth = options.barWidth ?? 40;
  const totalUs = tree.endUs - tree.startUs;
  const rows = [...walkSpanTree(tree)].map((walked) => {
    const prefix = treePrefix(walked);
    const label = clip(`${prefix}${walked.span.service} ${walked.span.operation}`, options.maxLabelWidth ?? 70);
    return { walked, prefix, label };
  });
  const labelWidth = Math.max(0, ...rows.map((row) => row.label.length));

  const scaleEnd = formatMs(totalUs);
  const header = `${styles.dim(`0 ms${" ".repeat(Math.max(1, barWidth + 2 - 4 - scaleEnd.length))}${scaleEnd}`)}`;
  return [
    header,
    ...rows.map(({ walked: { span }, prefix, label }) => {
      const bar = `│${timingBar(span.startUs - tree.startUs, span.durationUs, totalUs, barWidth)}│`;
      // Color after padding: escape codes must not count towards the column width.
      const padding = " ".repeat(labelWidth - label.length);
      // A clipped label stays plain: coloring its parts would need to know where the cut fell.
      const clipped = label.length !== `${prefix}${span.service} ${span.operation}`.length;
      const text = clipped ? label : colorLabel(prefix, span.service, span.operation, span.error, styles);
      const highlights = [
        ...spanHighlights(span),
        ...(tree.orphans.includes(span) ? [{ text: "parent missing", severity: "warning" } as Highlight] : []),
      ];
      return [
        span.error ? styles.red(bar) : bar,
        `${text}${padding}`,
        formatMs(span.durationUs).padStart(11),
        highlights
          .map((h) => (h.severity === "error" ? styles.red(h.text) : h.severity === "warning" ? styles.yellow(h.text) : h.text))
          .join("  "),
      ]
        .join("  ")
        .trimEnd();
    }),
  ];
}

function colorLabel(prefix: string, service: string, operation: string, error: boolean, styles: Styles): string {
  return `${styles.dim(prefix)}${styles.service(service)} ${error ? styles.red(operation) : operation}`;
}
