import { resolve } from 'node:path';
import { PlacetError, z, zodIssues } from '@placet/core/adapter';

/** Options of `fsFileStore()`. Unknown keys are ignored, as in the core's options. */
export const FsFileStoreOptionsSchema = z.object({
  /** Root directory of the store; made absolute and created (recursively) at first use. */
  dir: z.string().min(1),
  /**
   * Where uploads are written before they are renamed into place. Must be on the same filesystem as
   * `dir` so that the rename is atomic. Defaults to `<dir>/.tmp` (no key can start with a dot).
   */
  tmpDir: z.string().min(1).optional(),
  /** fsync each file before the rename and its directory after (crash durability). */
  fsync: z.boolean().default(true),
});

export type FsFileStoreOptions = z.input<typeof FsFileStoreOptionsSchema>;

export interface ResolvedFsFileStoreOptions {
  readonly dir: string;
  readonly tmpDir: string;
  readonly fsync: boolean;
}

/** Parses once and freezes; an invalid option throws INVALID_OPTIONS listing paths, never values. */
export function parseFsFileStoreOptions(input: unknown): ResolvedFsFileStoreOptions {
  const result = FsFileStoreOptionsSchema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new PlacetError(
      'INVALID_OPTIONS',
      `Invalid fsFileStore() options: ${issues.map((i) => i.path || '(root)').join(', ')}`,
      { issues },
    );
  }
  const dir = resolve(result.data.dir);
  const tmpDir = resolve(dir, result.data.tmpDir ?? '.tmp');
  return Object.freeze({ dir, tmpDir, fsync: result.data.fsync });
}
