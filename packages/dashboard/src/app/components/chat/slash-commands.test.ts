import { describe, expect, it } from 'vitest';
import { commandQuery, matchCommands, quoteText } from './slash-commands.js';

const commands = [
  { command: 'stop', description: 'Stop the current task' },
  { command: '/deploy', description: 'Deploy a build', acceptsArgs: true, argHint: '<build>' },
  { command: 'status', description: 'Show what it is doing' },
];

describe('slash commands', () => {
  it('reads the word after a leading slash, only while no space follows', () => {
    expect(commandQuery('/')).toBe('');
    expect(commandQuery('/De')).toBe('de');
    expect(commandQuery('/deploy 12')).toBeUndefined();
    expect(commandQuery('say /stop')).toBeUndefined();
  });

  it('puts names that start with the query before names or descriptions that contain it', () => {
    expect(matchCommands(commands, 'st').map((c) => c.command)).toEqual(['stop', 'status']);
    expect(matchCommands(commands, 'dep').map((c) => c.command)).toEqual(['/deploy']);
    expect(matchCommands(commands, 'task').map((c) => c.command)).toEqual(['stop']);
    expect(matchCommands(commands, '')).toHaveLength(3);
  });

  it('quotes every line behind "> " with the author first and a blank line for the reply', () => {
    expect(quoteText('Line one\n\nLine two', 'Ops bot')).toBe('> **Ops bot:** Line one\n>\n> Line two\n\n');
    expect(quoteText('x'.repeat(700), 'A', 10)).toBe(`> **A:** ${'x'.repeat(10)}…\n\n`);
  });
});
