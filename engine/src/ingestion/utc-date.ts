/**
 * Parses a venue date as a UTC instant (G7). JavaScript reads an ISO date-time WITHOUT an offset
 * as local time, so "2025-12-31T17:15:00" would shift by the host's zone; here a missing zone
 * means UTC, as it does everywhere on Polymarket. Returns null when the text is not a date.
 */
export function parseUtcDate(text: string): Date | null {
  let value = text.trim();
  if (value === '') return null;
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value)) value = value.replace(' ', 'T');
  // "+00" / "-05" (PostgreSQL style) → "+00:00" so Date.parse accepts it.
  if (value.includes('T')) value = value.replace(/([+-]\d{2})$/, '$1:00');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) value += 'Z';
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}
