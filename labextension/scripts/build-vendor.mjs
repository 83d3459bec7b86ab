// Pre-bundles the vendor runtime (React, ReactDOM, the JSX runtimes, the react-refresh runtime)
// as browser ES modules into jupyter_fastpreview/vendor/<mode>/, so previews need no npm.
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const labextensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vendorDir = path.resolve(labextensionDir, '../jupyter_fastpreview/vendor');

const ENTRIES = [
  'react',
  'react-dom',
  'react-dom/client',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-refresh/runtime',
  // The visual editor, bundled with the entries above so that it shares their one React.
  '@puckeditor/core'
];
// Their production builds are stubs: react-refresh's throws on import, jsxDEV is undefined.
const DEV_ONLY = new Set(['react/jsx-dev-runtime', 'react-refresh/runtime']);
// ES module packages: re-exported as they are (there are no CommonJS keys to list).
const ES_MODULES = new Set(['@puckeditor/core']);
// Style sheets shipped beside the modules, listed under `styles` in importmap.json (an import
// map only maps scripts). Puck's is its no-external.css: puck.css less the @import of a web
// font, which would need the internet at run time.
const STYLES = [
  { spec: '@puckeditor/core/puck.css', source: '@puckeditor/core/no-external.css', out: 'puckeditor_core' }
];
const NAMESPACE = 'vendor-entry';

const fileName = spec => spec.replace(/^@/, '').replace('/', '_');
const packageName = spec => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

// The packages are CommonJS, so `export * from` would give no named exports: list the keys
// node sees. They pick their build from NODE_ENV when first required, hence the cache reset.
function exportNames(spec, mode) {
  process.env.NODE_ENV = mode;
  for (const key of Object.keys(require.cache)) {
    delete require.cache[key];
  }
  return Object.keys(require(spec)).filter(
    name => name !== 'default' && name !== '__esModule'
  );
}

function entrySource(spec, mode) {
  if (ES_MODULES.has(spec)) {
    return `export * from ${JSON.stringify(spec)};\n`;
  }
  const names = exportNames(spec, mode).join(', ');
  const id = JSON.stringify(spec);
  return `import m from ${id};\nexport const { ${names} } = m;\nexport default m;\n`;
}

// Several entries sharing modules (react is in all of them) is only safe if each module
// lands in one output file; a second copy of React would break hooks.
function assertNoDuplicateModules(metafile) {
  const seen = new Map();
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    for (const input of Object.keys(inputs)) {
      if (seen.has(input)) {
        throw new Error(`${input} is bundled into both ${seen.get(input)} and ${output}`);
      }
      seen.set(input, output);
    }
  }
}

async function buildMode(mode) {
  const specs = ENTRIES.filter(spec => mode === 'development' || !DEV_ONLY.has(spec));
  const sources = Object.fromEntries(specs.map(spec => [spec, entrySource(spec, mode)]));
  const outdir = path.join(vendorDir, mode);
  rmSync(outdir, { recursive: true, force: true });

  const result = await esbuild.build({
    absWorkingDir: labextensionDir,
    entryPoints: [
      ...specs.map(spec => ({ in: `${NAMESPACE}:${spec}`, out: fileName(spec) })),
      ...STYLES.map(({ source, out }) => ({ in: source, out }))
    ],
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    minify: mode === 'production',
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: NAMESPACE,
        setup(build) {
          build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, args => ({
            path: args.path.slice(NAMESPACE.length + 1),
            namespace: NAMESPACE
          }));
          build.onLoad({ filter: /.*/, namespace: NAMESPACE }, args => ({
            contents: sources[args.path],
            resolveDir: labextensionDir,
            loader: 'js'
          }));
        }
      }
    ]
  });
  assertNoDuplicateModules(result.metafile);

  const packages = [...new Set(specs.map(packageName))];
  const importmap = {
    imports: Object.fromEntries(specs.map(spec => [spec, `./${fileName(spec)}.js`])),
    styles: Object.fromEntries(STYLES.map(({ spec, out }) => [spec, `./${out}.css`])),
    versions: Object.fromEntries(
      packages.map(name => [name, require(`${name}/package.json`).version])
    )
  };
  writeFileSync(path.join(outdir, 'importmap.json'), JSON.stringify(importmap, null, 2) + '\n');
  console.log(`vendor runtime (${mode}) -> ${path.relative(process.cwd(), outdir)}`);
}

for (const mode of ['development', 'production']) {
  await buildMode(mode);
}
