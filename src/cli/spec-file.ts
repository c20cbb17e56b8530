import { existsSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, resolve } from 'path';
import { Cloud, RegistrySpec, SpecLoader, SpecValidator } from '../spec';
import { ParsedArgs, UsageError } from './args';

/**
 * Reads and validates a spec file for a command: returns the spec, or writes the
 * reason (an unreadable file, or every problem with its line) and returns undefined.
 */
export function readSpecFile(file: string, err: (line: string) => void, clouds?: Cloud[]): RegistrySpec | undefined {
  return readSpecFileText(file, err, clouds)?.spec;
}

/** Why a file cannot be read, in words (a folder, a missing file), for `cannot read <file>: <reason>`. */
export function readProblem(e: any): string {
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EISDIR') return 'it is a folder, not a file';
  if (e?.code === 'EACCES') return 'permission denied';
  return e?.message ?? String(e);
}

/**
 * The text of a file's bytes: UTF-8, without a byte-order mark; UTF-16 when a UTF-16
 * byte-order mark says so (Windows PowerShell 5 writes `aws ... > images.json` as
 * UTF-16 LE with a BOM). Every file and standard input a command reads goes through it.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a file as text (`decodeText`). */
export function readText(file: string): string {
  return decodeText(readFileSync(file));
}

/** Like `readSpecFile`, and also returns the text (to give later problems their lines with `SpecLoader.locate`). */
export function readSpecFileText(file: string, err: (line: string) => void, clouds?: Cloud[]): { spec: RegistrySpec; text: string } | undefined {
  if (file === '-') {
    // "-" is standard input where a command documents it (preview --images -); a spec is read from its file,
    // whose name gives every problem its place.
    err('cannot read -: a spec file is read by its name (standard input is read by preview --images - only)');
    return undefined;
  }
  let text: string;
  try {
    text = readText(file);
  } catch (e: any) {
    err(`cannot read ${file}: ${readProblem(e)}`);
    return undefined;
  }
  const result = SpecLoader.load(text, { sourceName: file, clouds });
  if (!result.spec) {
    err(SpecValidator.formatProblems(result.problems, `${file} is invalid`));
    return undefined;
  }
  return { spec: result.spec, text };
}

/**
 * Refuses options that none of the chosen clouds reads (`--gcp-project` with
 * `--cloud aws`): an option that is silently ignored makes the output differ
 * from what the caller asked for. `owners` maps each option to its cloud.
 */
export function optionsForClouds(options: ParsedArgs['options'], clouds: Cloud[], owners: Record<string, Cloud>): void {
  const unused = Object.entries(owners).filter(([key, cloud]) => options[key] !== undefined && !clouds.includes(cloud));
  if (unused.length) {
    throw new UsageError(unused.map(([key, cloud]) => `--${key} applies to --cloud ${cloud}, which --cloud ${clouds.join(',')} does not include`).join('\n'));
  }
}

/**
 * Why `path` cannot be written as a file, before anything is written (so that a
 * command writes nothing half-way): it is a folder, or a part of its folder path
 * is a file. A missing folder is created by the writer when `createFolders`.
 */
export function outputProblem(path: string, createFolders: boolean): string | undefined {
  if (existsSync(path) && statSync(path).isDirectory()) return 'it is a folder; give a file name';
  let folder = dirname(resolve(path));
  while (!existsSync(folder)) {
    if (!createFolders) return `its folder ${dirname(path)} does not exist`;
    folder = dirname(folder);
  }
  if (!statSync(folder).isDirectory()) return `${folder} is a file, not a folder`;
  return undefined;
}

/** Writes a command's output file (`--out`), with a clear error naming the option when it cannot. */
export function writeOutput(path: string, text: string): void {
  const problem = outputProblem(path, false);
  if (problem) throw new Error(`--out: cannot write ${path}: ${problem}`);
  try {
    writeFileSync(path, text);
  } catch (e: any) {
    throw new Error(`--out: cannot write ${path}: ${e?.code === 'EACCES' ? 'permission denied' : e?.message}`);
  }
}
