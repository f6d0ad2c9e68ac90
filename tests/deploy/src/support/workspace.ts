import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findWorkspaceRoot } from '@moonx-farm/test-env';

export const workspaceRoot = findWorkspaceRoot(__dirname);

export function workspacePath(relative: string): string {
  return path.join(workspaceRoot, relative);
}

export function readWorkspaceFile(relative: string): string {
  return readFileSync(workspacePath(relative), 'utf8');
}

export function workspaceFileExists(relative: string): boolean {
  return existsSync(workspacePath(relative));
}

/** A YAML file of the repository, as plain data (YAML errors throw, naming the file). */
export function readYaml(relative: string): unknown {
  try {
    return parse(readWorkspaceFile(relative));
  } catch (error) {
    throw new Error(`${relative}: ${(error as Error).message}`);
  }
}

/** Every document of a multi-document YAML text. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${source}, document ${index + 1}: ${document.errors[0].message}`);
    return document.toJS() as unknown;
  }).filter((value) => value !== null && value !== undefined);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
