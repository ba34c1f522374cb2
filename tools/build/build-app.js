#!/usr/bin/env node
// `npx nx build <app>` → dist/apps/<app>/main.js: one bundled file of the app and the @lynx/* libs it
// imports; node_modules stay external and are required at run time (the Docker runtime stage ships them).
// esbuild alone cannot emit decorator metadata, which NestJS dependency injection reads, so every
// .ts file goes through SWC (as in Jest and `nx serve`) before esbuild bundles it.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const swc = require('@swc/core');

const root = path.join(__dirname, '..', '..');

/** esbuild plugin: transpile TypeScript with SWC, keeping legacy decorators and their design:* metadata. */
const swcDecorators = {
  name: 'swc-decorators',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const out = await swc.transform(source, {
        filename: args.path,
        sourceMaps: 'inline',
        swcrc: false,
        configFile: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true, // Nest and error names rely on class names
        },
      });
      return { contents: out.code, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

async function buildApp(name, outRoot = path.join(root, 'dist', 'apps')) {
  if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`usage: build-app.js <app>  (got ${JSON.stringify(name)})`);
  const entry = path.join(root, 'apps', name, 'src', 'main.ts');
  if (!fs.existsSync(entry)) throw new Error(`no app "${name}": ${path.relative(root, entry)} does not exist`);
  return buildEntry(entry, path.join(outRoot, name, 'main.js'));
}

/** Bundles one TypeScript entry file into one CommonJS file beside its source map. */
async function buildEntry(entry, outfile) {
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.base.json'), // resolves the @lynx/* paths
    keepNames: true,
    logLevel: 'warning',
    plugins: [swcDecorators],
  });
  return { outfile, warnings: result.warnings.length };
}

module.exports = { buildApp, buildEntry };

if (require.main === module) {
  buildApp(process.argv[2]).then(
    ({ outfile }) => console.log(`built ${path.relative(process.cwd(), outfile)}`),
    (err) => {
      console.error(`build-app: ${err.message}`);
      process.exit(1);
    },
  );
}
