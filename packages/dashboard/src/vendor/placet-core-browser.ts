/**
 * The shared module of the review widgets: `@placet/core/browser` (zod included) as one ES module, built to
 * `dist/app/placet-core-browser-<hash>.js`. The page's import map resolves the bare specifier
 * `@placet/core/browser` to it, so every widget built with it external (the documented plugin build)
 * imports this one copy instead of carrying its own.
 */
export * from '@placet/core/browser';
