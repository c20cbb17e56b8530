import { readFileSync } from 'fs';
import { Cloud, RegistrySpec, SpecLoader, SpecValidator } from '../spec';

/**
 * Reads and validates a spec file for a command: returns the spec, or writes the
 * reason (an unreadable file, or every problem with its line) and returns undefined.
 */
export function readSpecFile(file: string, err: (line: string) => void, clouds?: Cloud[]): RegistrySpec | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: any) {
    err(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    return undefined;
  }
  const result = SpecLoader.load(text, { sourceName: file, clouds });
  if (!result.spec) err(SpecValidator.formatProblems(result.problems, `${file} is invalid`));
  return result.spec;
}
