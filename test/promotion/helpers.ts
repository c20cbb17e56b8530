import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { PromotionPlan, PromotionScript, PromotionWorkflow } from '../../src/promotion';

/**
 * Writes the files `promote-scripts` would write for a plan (the workflow, the shared
 * files in .github/promotion/lib and the hop scripts) under `<work>/<name>`, and
 * returns the hop scripts' folder.
 */
export function writeScripts(work: string, name: string, plan: PromotionPlan): string {
  const root = join(work, name);
  for (const f of PromotionWorkflow.generate(plan).files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
  return join(root, `.github/promotion/${plan.cloud}`);
}

/** A shared file (`build-tags.sh`, `promote-image.sh`, `scan-gate.sh`) as `writeScripts` wrote it, from the hop scripts' folder. */
export function sharedFile(scripts: string, file: string): string {
  return join(scripts, '..', '..', '..', PromotionScript.DEFAULT_LIBRARY_DIR, file);
}
