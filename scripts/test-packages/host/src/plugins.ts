import { definePlugin, type PlacetPlugin, z } from '@placet/core/plugin';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
// The plugin guide's third-party review type, built outside the repository from the guide's files.
import { rating } from '@placet/plugin-rating';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';

/** A plugin of the host's own: typed options and an error code of its own. */
export const PriorityOptions = z.object({
  levels: z.array(z.string().min(1)).min(1).default(['low', 'high']),
});

export const priority = (options: z.input<typeof PriorityOptions> = {}) =>
  definePlugin({
    name: 'priority',
    version: '1.0.0',
    description: 'The host’s own plugin, next to the built-in ones.',
    options: { schema: PriorityOptions, input: options },
    errorCodes: {
      PRIORITY_UNKNOWN_LEVEL: { status: 400, description: 'The level is not one of the configured ones.' },
    },
  });

/** Every plugin the host registers: a list that grows is typed `PlacetPlugin[]` (docs/guides/embedding-express.md). */
export function hostPlugins(): PlacetPlugin[] {
  const plugins: PlacetPlugin[] = [approval(), selection(), form(), textInput(), freeform()];
  plugins.push(priority({ levels: ['low', 'normal', 'high'] }), rating());
  return plugins;
}
