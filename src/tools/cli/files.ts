// The CLI's file access: every failure is one AlloyError naming the file (main.ts prints it as
// one `alloy: CODE: message` line), never a Node stack.
import { readFileSync, writeFileSync } from 'node:fs';
import { AlloyError } from '../../runtime/errors.js';

// Node's text without its trailing ", open '/the/path'" (the message names the path already).
const why = (e: unknown) => { const x = e as NodeJS.ErrnoException; return x.syscall ? x.message.replace(/, \w+ '.*'$/, '') : x.message; };

export function readBytes(path: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e) { throw new AlloyError('IO_ERROR', `cannot read ${path}: ${why(e)}`); }
}

export function readText(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) { throw new AlloyError('IO_ERROR', `cannot read ${path}: ${why(e)}`); }
}

/** A JSON file; bad JSON is `code` (BAD_ARGUMENT, BAD_PRECISION_MAP, ...) naming the file. */
export function readJson(path: string, code: 'BAD_ARGUMENT' | 'BAD_PRECISION_MAP'): unknown {
  const text = readText(path);
  // JSON.parse quotes the text it choked on: keep it on one printable line
  try { return JSON.parse(text); } catch (e) { throw new AlloyError(code, `${path}: not valid JSON (${(e as Error).message.replace(/[^\x20-\x7e]/g, '.')})`); }
}

export function writeOut(path: string, data: string | Uint8Array): void {
  try { writeFileSync(path, data); } catch (e) { throw new AlloyError('IO_ERROR', `cannot write ${path}: ${why(e)}`); }
}
