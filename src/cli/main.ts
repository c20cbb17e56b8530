#!/usr/bin/env node
/**
 * The command-line entry point (`container-registry`). Node-only, outside the
 * jsii API. Each command lives in its own module and registers here.
 */
import { UsageError } from './args';
import { Command, Io } from './command';
import { planCommand } from './plan';
import { previewCommand } from './preview';
import { promoteScriptsCommand, workflowCommand } from './promote-scripts';
import { decodeText } from './spec-file';
import { lintCommand, tagsCommand } from './tags';
import { validateCommand } from './validate';

export const COMMANDS: Record<string, Command> = {
  'validate': validateCommand,
  'tags': tagsCommand,
  'lint': lintCommand,
  'promote-scripts': promoteScriptsCommand,
  'workflow': workflowCommand,
  'preview': previewCommand,
  'plan': planCommand,
};

export const processIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return decodeText(Buffer.concat(chunks));
  },
};

function help(io: Io): void {
  io.out('usage: container-registry <command> [options]   (container-registry <command> --help for its options)\n');
  for (const c of Object.values(COMMANDS)) io.out(`  ${c.usage.padEnd(48)} ${c.summary}`);
}

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' && args.length > 0) return main([args[0], '--help'], io);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (command && (args.includes('--help') || args.includes('-h'))) {
    io.out(`usage: container-registry ${command.fullUsage ?? command.usage}\n\n${command.summary}`);
    return 0;
  }
  if (!command) {
    io.err(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (e: any) {
    io.err(e?.message ?? String(e));
    // 2: the command was called wrongly (an option); 1: a problem of the input.
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
