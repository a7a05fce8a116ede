import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

/**
 * The `@placet/*` packages the bench runs, each built and no older than its sources — or why not. The
 * bench measures the built packages, as a host runs them (not the sources through tsx, whose transform
 * adds to every closure and call).
 */
export function unbuiltPackages(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const problems: string[] = [];
  for (const name of Object.keys(manifest.devDependencies).filter((n) => n.startsWith('@placet/'))) {
    const dir = dirname(require.resolve(`${name}/package.json`));
    const built = join(dir, 'dist', 'index.js');
    if (!existsSync(built)) problems.push(`${name} is not built (${built} is missing)`);
    else if (newest(join(dir, 'src')) > statSync(built).mtimeMs)
      problems.push(`${name}: dist/ is older than src/`);
  }
  return problems;
}
