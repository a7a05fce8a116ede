import type { Channel } from '../../types.js';

/** One of an agent's slash commands (`PUT /agents/:id/commands`). */
export type SlashCommand = NonNullable<Channel['commands']>[number];

/**
 * What the composer's text asks the command menu for: the word after a `/` that starts the text, while no
 * space follows it (`/dep` → `dep`); undefined when the text is not a command being typed.
 */
export function commandQuery(text: string): string | undefined {
  const match = /^\/(\S*)$/.exec(text);
  return match ? match[1]!.toLowerCase() : undefined;
}

/** A command's name without a leading `/` (agents write both `stop` and `/stop`). */
export const commandName = (command: SlashCommand) => command.command.replace(/^\/+/, '');

/**
 * The commands that match `query`: those whose name starts with it first, then those whose name or
 * description contains it, each group in the agent's order.
 */
export function matchCommands(commands: readonly SlashCommand[], query: string): SlashCommand[] {
  const q = query.toLowerCase();
  const starts = commands.filter((c) => commandName(c).toLowerCase().startsWith(q));
  const contains = commands.filter(
    (c) =>
      !starts.includes(c) &&
      (commandName(c).toLowerCase().includes(q) || c.description.toLowerCase().includes(q)),
  );
  return [...starts, ...contains];
}

/**
 * The composer text for a quoted message: every line behind `> `, the author first in bold, long text
 * cut at `max` characters; a blank line follows, for the reply.
 */
export function quoteText(text: string, author: string, max = 600): string {
  const trimmed = text.trim();
  const body = trimmed.length > max ? `${trimmed.slice(0, max).trimEnd()}…` : trimmed;
  const quoted = `**${author}:** ${body}`
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
  return `${quoted}\n\n`;
}
