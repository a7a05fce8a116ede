export { fsFileStore } from './fs-file-store.js';
export {
  type FsFileStoreOptions,
  FsFileStoreOptionsSchema,
  type ResolvedFsFileStoreOptions,
} from './options.js';
