/**
 * G6 ("Rainbow bug"): a weather filter that matched substrings blocked "Rainbow Six Siege".
 * Terms match only as whole words, case-insensitively; terms are escaped so a configured term
 * can never turn into a regular expression of its own.
 */
export function buildWeatherMatcher(terms: readonly string[]): (text: string) => boolean {
  const cleaned = terms.map((term) => term.trim()).filter((term) => term.length > 0);
  if (cleaned.length === 0) return () => false;
  const escaped = cleaned.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'i');
  return (text) => pattern.test(text);
}
