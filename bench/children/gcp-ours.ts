/** Measured child: ours on GCP (see `runChild` in ../scale-apps.ts). */
import { App } from 'cdktf';
import { buildOursGcp } from '../ours-gcp';
import { runChild } from '../scale-apps';

runChild('ours', async ({ outdir, specs }) => {
  let app: App;
  return {
    build: () => {
      app = new App({ outdir });
      for (const spec of specs) buildOursGcp(app, spec);
    },
    synth: () => { app.synth(); },
  };
});
