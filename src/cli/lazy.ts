/**
 * Loads a module of this package only when a command needs it: each cloud module
 * pulls in its cloud library, which a command for another cloud should not pay for.
 *
 * @param path the module path, relative to src/cli (`'../aws/ecr-validator'`)
 */
export function loadLazily<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as T;
}
