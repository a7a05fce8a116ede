/** Text safe inside HTML text and quoted attributes: `& < > " '` as numeric character references. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
