// Copies this platform's esbuild binary into the Python package, so the wheel carries it and
// users need no Node.js at run time.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const labextensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binDir = path.resolve(labextensionDir, '../jupyter_fastpreview/esbuild/bin');

const platformPackage = `@esbuild/${process.platform}-${process.arch}`;
let packageJson;
try {
  packageJson = require.resolve(`${platformPackage}/package.json`);
} catch {
  throw new Error(`${platformPackage} is not installed: run npm install in ${labextensionDir}`);
}
// esbuild's Windows packages keep esbuild.exe at the package root, the others bin/esbuild.
const exe = process.platform === 'win32' ? 'esbuild.exe' : path.join('bin', 'esbuild');
const source = path.join(path.dirname(packageJson), exe);
const target = path.join(binDir, path.basename(exe));

mkdirSync(binDir, { recursive: true });
copyFileSync(source, target);
chmodSync(target, 0o755);
// Ask the copy itself, which also proves it runs on this machine.
const version = execFileSync(target, ['--version'], { encoding: 'utf8' }).trim();
writeFileSync(path.join(binDir, 'VERSION'), `${version}\n`);
console.log(`esbuild ${version} (${platformPackage}) -> ${path.relative(process.cwd(), target)}`);
