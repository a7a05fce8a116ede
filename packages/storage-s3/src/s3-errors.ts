/** What the SDK's service errors carry: `name` is S3's error code, `$metadata` the HTTP status. */
interface ServiceErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(error: unknown): ServiceErrorShape {
  return typeof error === 'object' && error !== null ? (error as ServiceErrorShape) : {};
}

/** The HTTP status of an S3 answer, when the error is one (not a network failure). */
export function statusOf(error: unknown): number | undefined {
  const status = shapeOf(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A missing object: `NoSuchKey` (GET) or a bare 404 (HEAD has no body, so the SDK names it `NotFound`).
 * A missing bucket (`NoSuchBucket`) is a configuration error and never reads as a missing object.
 */
export function isMissingObject(error: unknown): boolean {
  const { name } = shapeOf(error);
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  return statusOf(error) === 404 && name !== 'NoSuchBucket';
}

/** `416 InvalidRange`: the range starts at or past the end of the object. */
export function isUnsatisfiableRange(error: unknown): boolean {
  return shapeOf(error).name === 'InvalidRange' || statusOf(error) === 416;
}
