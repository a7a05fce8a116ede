import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine, type QuickAnswer } from '@placet/core/plugin';
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

/**
 * One click per item in single mode. A multi selection is chosen in the dashboard: one item alone is not
 * what "pick several" asks for.
 */
export function selectionQuickAnswers(payload: SelectionPayload): QuickAnswer<SelectionResponse>[] {
  if (payload.mode !== 'single') return [];
  return (payload.items ?? []).map((item) => ({
    id: item.id,
    label: item.label,
    response: { selectedIds: [item.id] },
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
  }));
}

export const selectionReviewType = defineReviewType({
  ...selectionSchemas,
  quickAnswers: selectionQuickAnswers,
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
