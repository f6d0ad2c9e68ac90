import { parser } from '@prometheus-io/lezer-promql';
import { GATEWAY_METRICS } from '@moonx-farm/gateway';
import { INGEST_METRICS } from '@moonx-farm/ingest';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface ParsedPromQl {
  /** Syntax errors, as the offending text. */
  errors: string[];
  /** Metric names selected (histogram series keep their _bucket/_sum/_count suffix). */
  metrics: string[];
  /** The outermost comparison (`... > 0.005`), if the expression is one. */
  comparison?: { operator: string; threshold: number };
}

const COMPARISONS: Record<string, string> = { Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=', Eql: '==', Neq: '!=' };

/** Parses PromQL with the grammar of Prometheus's own web UI. */
export function parsePromQl(expr: string): ParsedPromQl {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`"${expr.slice(Math.max(0, node.from - 10), node.to + 10)}" at ${node.from}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics, comparison: outerComparison(tree.topNode, expr) };
}

function outerComparison(top: SyntaxNode, expr: string): ParsedPromQl['comparison'] {
  const binary = top.firstChild;
  if (binary?.name !== 'BinaryExpr') return undefined;
  const children: SyntaxNode[] = [];
  for (let child = binary.firstChild; child; child = child.nextSibling) children.push(child);
  const operator = children.find((child) => COMPARISONS[child.name]);
  const right = children[children.length - 1];
  if (!operator || right.name !== 'NumberDurationLiteral') return undefined;
  return { operator: COMPARISONS[operator.name], threshold: Number(expr.slice(right.from, right.to)) };
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Metric families our apps export (by their code), plus Prometheus's own `up`. */
export const KNOWN_METRICS = new Set<string>([...Object.values(GATEWAY_METRICS), ...Object.values(INGEST_METRICS), 'up']);

/** The family a series name belongs to (`x_bucket` → `x`). */
export function metricFamily(series: string): string {
  const suffix = HISTOGRAM_SUFFIXES.find((end) => series.endsWith(end) && KNOWN_METRICS.has(series.slice(0, -end.length)));
  return suffix ? series.slice(0, -suffix.length) : series;
}
