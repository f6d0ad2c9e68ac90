import path from 'node:path';
import ts from 'typescript';
import { workspacePath } from './workspace';

export interface TypeProblem {
  file: string;
  line: number;
  text: string;
}

export interface TypeCheckRequest {
  /** In-memory files (absolute paths, inside the workspace so node_modules resolve). */
  virtualFiles?: Record<string, string>;
  /** Files on disk to check as roots besides the virtual ones. */
  rootFiles?: string[];
  /** Replaces path aliases of tsconfig.base.json, e.g. to point one at a modified copy. */
  paths?: Record<string, string[]>;
  /** Which files' problems count; default: the virtual files and the root files. */
  reportFor?: (file: string) => boolean;
}

/** Type-checks with the options of tsconfig.base.json and returns the problems found. */
export function typeCheck(request: TypeCheckRequest): TypeProblem[] {
  const base = ts.readConfigFile(workspacePath('tsconfig.base.json'), ts.sys.readFile);
  if (base.error) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, workspacePath('.'));
  const options: ts.CompilerOptions = {
    ...parsed.options,
    paths: { ...parsed.options.paths, ...request.paths },
    noEmit: true,
    sourceMap: false,
    types: ['node'],
  };
  const virtual = new Map(Object.entries(request.virtualFiles ?? {}).map(([file, text]) => [path.resolve(file), text]));
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => virtual.get(path.resolve(file)) ?? readFile(file);
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file);
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const text = virtual.get(path.resolve(file));
    return text === undefined ? getSourceFile(file, languageVersion, onError, shouldCreate) : ts.createSourceFile(file, text, languageVersion, true);
  };
  const roots = [...virtual.keys(), ...(request.rootFiles ?? []).map((file) => path.resolve(file))];
  const program = ts.createProgram(roots, options, host);
  const rootSet = new Set(roots);
  const reportFor = request.reportFor ?? ((file: string) => rootSet.has(path.resolve(file)));
  // Only the reported files are checked: checking every file the program loads is slow.
  const reported = program.getSourceFiles().filter((file) => reportFor(path.resolve(file.fileName)));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...reported.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  return diagnostics
    .map((diagnostic) => {
      const file = diagnostic.file?.fileName ?? '(options)';
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      return { file, line, text: `${path.basename(file)}:${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}` };
    });
}
