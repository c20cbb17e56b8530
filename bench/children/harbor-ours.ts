/** Measured child: ours on Harbor (see `runChild` in ../scale-apps.ts). */
import { App } from 'cdktf';
import { buildOursHarbor } from '../ours-harbor';
import { runChild } from '../scale-apps';

runChild('ours', async ({ outdir, specs }) => {
  let app: App;
  return {
    build: () => {
      app = new App({ outdir });
      for (const spec of specs) buildOursHarbor(app, spec);
    },
    synth: () => { app.synth(); },
  };
});
