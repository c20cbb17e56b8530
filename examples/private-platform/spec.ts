import { join } from 'path';
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { SpecLoader } from 'container-registry-constructs';

/** The one spec all three clouds are built from (validated for all three). */
export const spec = SpecLoader.fromFile(join(__dirname, 'platform.yaml'));
