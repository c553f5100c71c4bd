/** PromQL words that are neither metrics nor functions. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
]);

/**
 * The metric names a PromQL expression selects. Label matchers, ranges, grouping clauses, Grafana
 * variables (`$__rate_interval`) and string literals are removed first; what is left that is not a
 * function, an aggregation, a keyword or a number is a metric name. `{__name__=…}` selectors are refused:
 * they would hide which metrics an expression needs.
 */
export function metricNames(expr: string): string[] {
  if (/__name__/.test(expr)) throw new Error(`selects by __name__, name the metric instead: ${expr}`);
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)) {
    const word = match[0];
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}
