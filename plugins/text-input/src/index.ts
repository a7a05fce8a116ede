import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine } from '@placet/core/plugin';
import { TextInputPayload, TextInputResponse, textInputResponseFor, textInputSchemas } from './schema.js';

export { TextInputPayload, TextInputResponse, textInputResponseFor, textInputSchemas };

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). Build the package to create it.
 */
export const TEXT_INPUT_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

/** `Replied: first words of the text…`. */
export function summarizeTextInput(response: TextInputResponse): string {
  return `Replied: ${oneLine(response.text, 100)}`;
}

export const textInputReviewType = defineReviewType({
  ...textInputSchemas,
  displayName: 'Text input',
  description: 'Ask a human for a free text answer (plain or markdown), optionally bounded in length.',
  summarize: summarizeTextInput,
  ui: { element: 'placet-text-input', module: TEXT_INPUT_UI_MODULE },
});

/** The built-in `text-input` review type as a plugin. */
export const textInput = () =>
  definePlugin({
    name: 'text-input',
    version: '0.1.0',
    displayName: 'Text input',
    description: 'Built-in review type: answer with free text.',
    reviewTypes: [textInputReviewType],
  });
