/** Builds the registry-free base images ahead of the first container function: `npx tsx podman/build-base-images.ts [dataDir]`. */
import path from 'node:path';
import { ensureBaseImages } from '../server/functions/drivers/container/base-images';
import { podmanPaths } from '../server/functions/drivers/container/podman-service';

const paths = podmanPaths(process.argv[2] ?? path.resolve(__dirname, '../.data/podman'));
ensureBaseImages(paths).then(
  (built) => console.log(built.length ? `built ${built.join(', ')}` : 'base images present'),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
