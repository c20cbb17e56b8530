// Validates a GitHub Actions workflow with GitHub's own parser
// (@actions/workflow-parser, an ES module, hence this script run by node in a
// child process). Reads the workflow YAML from stdin and prints
// `{"errors": [...], "jobs": [...]}` as JSON: the parse and conversion errors,
// and the jobs as the parser understood them (id, needs, environment).
// With `--batch`, reads a JSON array of {name, content} and prints an array.
import { register } from 'node:module';

// The package imports its JSON schema without an import attribute (it expects a
// bundler); Node refuses that, so a loader hook serves `.json` files as modules.
const hook = `export async function load(url, context, next) {
  if (url.endsWith('.json') && !context.importAttributes?.type) {
    const { readFileSync } = await import('node:fs');
    const source = 'export default ' + readFileSync(new URL(url), 'utf8') + ';';
    return { format: 'module', source, shortCircuit: true };
  }
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');

async function check(name, content) {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  let jobs = [];
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) {
      if (!errors.includes(e.Message)) errors.push(e.Message);
    }
    jobs = (template.jobs ?? []).map((j) => ({
      id: j.id?.value,
      needs: (j.needs ?? []).map((n) => n.value),
      environment: j.environment ? String(j.environment) : undefined,
    }));
  } else if (errors.length === 0) {
    errors.push('the parser returned no workflow');
  }
  return { errors, jobs };
}

// A JSON array of {name, content} checks several workflows in one process.
if (process.argv[2] === '--batch') {
  const results = [];
  for (const { name, content } of JSON.parse(input)) results.push(await check(name, content));
  process.stdout.write(JSON.stringify(results));
} else {
  process.stdout.write(JSON.stringify(await check(process.argv[2] ?? 'workflow.yml', input)));
}
