import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { PromotionPlan, PromotionWorkflow } from '../../src/promotion';

/**
 * Writes the files `promote-scripts` would write for a plan (the workflow, the shared
 * promotion logic and the hop scripts) under `<work>/<name>`, and returns the scripts folder.
 */
export function writeScripts(work: string, name: string, plan: PromotionPlan): string {
  const root = join(work, name);
  for (const f of PromotionWorkflow.generate(plan).files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
  return join(root, `.github/promotion/${plan.cloud}`);
}
