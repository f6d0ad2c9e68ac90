import { readWorkspaceFile } from './workspace';

export interface CodeBlock {
  language: string;
  code: string;
  /** The `<!-- apply: ... -->` directive right above the block, if any. */
  apply?: ApplyDirective;
}

export interface ApplyDirective {
  file: string;
  position: 'after' | 'before';
  anchor: string;
  /** With `then`: the first line matching it after the anchor is the insertion point. */
  then?: string;
}

/** Fenced code blocks of a markdown document, with their apply directives. */
export function codeBlocksOf(relative: string): CodeBlock[] {
  const text = readWorkspaceFile(relative);
  const blocks: CodeBlock[] = [];
  const fence = /(?:<!--\s*apply:((?:(?!-->)[\s\S])*)-->\s*\n)?```(\w*)[^\n]*\n([\s\S]*?)\n```/g;
  for (const match of text.matchAll(fence)) {
    blocks.push({ language: match[2], code: match[3], apply: match[1] === undefined ? undefined : parseDirective(match[1]) });
  }
  return blocks;
}

function parseDirective(text: string): ApplyDirective {
  const attribute = (name: string) => new RegExp(`${name}=(?:"([^"]*)"|(\\S+))`).exec(text);
  const value = (name: string) => {
    const found = attribute(name);
    return found ? (found[1] ?? found[2]) : undefined;
  };
  const file = value('file');
  const after = value('after');
  const before = value('before');
  if (!file || (after === undefined) === (before === undefined)) throw new Error(`bad apply directive: ${text.trim()}`);
  return { file, position: after !== undefined ? 'after' : 'before', anchor: (after ?? before) as string, then: value('then') };
}

/** Inserts a block into a file's text as its directive says; the anchor must be unambiguous. */
export function applyBlock(source: string, block: CodeBlock & { apply: ApplyDirective }): string {
  const lines = source.split('\n');
  const { anchor, then, position, file } = block.apply;
  const hits = lines.flatMap((line, index) => (line.trim() === anchor.trim() ? [index] : []));
  if (hits.length !== 1) throw new Error(`${file}: the anchor "${anchor}" matches ${hits.length} lines (must be exactly one)`);
  let at = hits[0];
  if (then !== undefined) {
    const next = lines.findIndex((line, index) => index > at && line.trim() === then.trim());
    if (next < 0) throw new Error(`${file}: no line "${then}" after "${anchor}"`);
    at = next;
  }
  lines.splice(position === 'after' ? at + 1 : at, 0, ...block.code.split('\n'));
  return lines.join('\n');
}

/** Backticked workspace paths a document names (`libs/...`, `apps/...`, `docs/...`, ...). */
export function namedPathsOf(relative: string): string[] {
  const text = readWorkspaceFile(relative);
  const paths = [...text.matchAll(/`((?:apps|libs|tools|tests|docs|k8s|deploy)\/[\w./*-]+|docker-compose\.yml|env\.example|tsconfig\.check\.json)`/g)].map((match) => match[1]);
  return [...new Set(paths)];
}

/** Rows of the markdown table whose header starts with `firstHeader`, as cells. */
export function tableRows(document: string, firstHeader: string): string[][] {
  const lines = readWorkspaceFile(document).split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`));
  if (start < 0) throw new Error(`${document}: no table starting with "${firstHeader}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return rows;
}

/** The backticked parts of a table cell. */
export const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

/** The bold backticked parts of a table cell (`**\`name\`**`). */
export const bold = (cell: string): string[] => [...cell.matchAll(/\*\*`([^`]+)`\*\*/g)].map((match) => match[1]);
