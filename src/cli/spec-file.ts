import { readFileSync } from 'fs';
import { Cloud, RegistrySpec, SpecLoader, SpecValidator } from '../spec';

/**
 * Reads and validates a spec file for a command: returns the spec, or writes the
 * reason (an unreadable file, or every problem with its line) and returns undefined.
 */
export function readSpecFile(file: string, err: (line: string) => void, clouds?: Cloud[]): RegistrySpec | undefined {
  return readSpecFileText(file, err, clouds)?.spec;
}

/** Like `readSpecFile`, and also returns the text (to give later problems their lines with `SpecLoader.locate`). */
export function readSpecFileText(file: string, err: (line: string) => void, clouds?: Cloud[]): { spec: RegistrySpec; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: any) {
    err(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    return undefined;
  }
  const result = SpecLoader.load(text, { sourceName: file, clouds });
  if (!result.spec) {
    err(SpecValidator.formatProblems(result.problems, `${file} is invalid`));
    return undefined;
  }
  return { spec: result.spec, text };
}
