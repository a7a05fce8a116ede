export {
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  type ResolvedS3FileStoreOptions,
  type S3FileStoreOptions,
  S3FileStoreOptionsSchema,
} from './options.js';
export { s3FileStore } from './s3-file-store.js';
