import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine } from '@placet/core/plugin';
import {
  SelectionItem,
  SelectionPayload,
  SelectionResponse,
  selectionResponseFor,
  selectionSchemas,
} from './schema.js';

export { SelectionItem, SelectionPayload, SelectionResponse, selectionResponseFor, selectionSchemas };

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). Build the package to create it.
 */
export const SELECTION_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

/** `Selected: Alpha, Beta`, by label, shortened to one line. */
export function summarizeSelection(response: SelectionResponse, payload: SelectionPayload): string {
  const labels = response.selectedIds.map(
    (id) => (payload.items ?? []).find((item) => item.id === id)?.label ?? id,
  );
  return oneLine(`Selected: ${labels.join(', ')}`);
}

export const selectionReviewType = defineReviewType({
  ...selectionSchemas,
  displayName: 'Selection',
  description: 'Ask a human to pick one item (single mode) or several items (multi mode) from a list.',
  summarize: summarizeSelection,
  ui: { element: 'placet-selection', module: SELECTION_UI_MODULE },
});

/** The built-in `selection` review type as a plugin. */
export const selection = () =>
  definePlugin({
    name: 'selection',
    version: '0.1.0',
    displayName: 'Selection',
    description: 'Built-in review type: choose one or several items from a list.',
    reviewTypes: [selectionReviewType],
  });
