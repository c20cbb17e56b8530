import { Io } from '../../src/cli/command';
import { main } from '../../src/cli/main';

/** Runs the CLI in-process, with optional standard input, and captures its output. */
export async function runCli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
