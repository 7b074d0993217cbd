/**
 * Word lists for generated markets. Several entries are deliberate traps for naive keyword filters
 * (G6): "Rainbow Six Siege", "Ukraine", "Brainstorm", "Stormers", "Snowflake", "Carolina Hurricanes"
 * all contain a weather word without being weather markets.
 */
import type { Tag } from '../types.js';

export const TAGS = {
  politics: { id: '2', label: 'Politics', slug: 'politics' },
  elections: { id: '144', label: 'Elections', slug: 'elections' },
  sports: { id: '1', label: 'Sports', slug: 'sports' },
  nba: { id: '745', label: 'NBA', slug: 'nba' },
  nhl: { id: '899', label: 'NHL', slug: 'nhl' },
  soccer: { id: '100350', label: 'Soccer', slug: 'soccer' },
  crypto: { id: '21', label: 'Crypto', slug: 'crypto' },
  bitcoin: { id: '235', label: 'Bitcoin', slug: 'bitcoin' },
  esports: { id: '64', label: 'Esports', slug: 'esports' },
  r6: { id: '102120', label: 'Rainbow Six Siege', slug: 'rainbow-six-siege' },
  weather: { id: '84', label: 'Weather', slug: 'weather' },
  climate: { id: '87', label: 'Climate', slug: 'climate' },
  economics: { id: '100328', label: 'Economy', slug: 'economy' },
  fed: { id: '159', label: 'Fed', slug: 'fed' },
  culture: { id: '596', label: 'Pop Culture', slug: 'pop-culture' },
  tech: { id: '1401', label: 'Tech', slug: 'tech' },
  science: { id: '74', label: 'Science', slug: 'science' },
  world: { id: '101970', label: 'World', slug: 'world' },
  geopolitics: { id: '100265', label: 'Geopolitics', slug: 'geopolitics' },
  business: { id: '107', label: 'Business', slug: 'business' },
} as const satisfies Record<string, Tag>;

export const CITIES = [
  'NYC',
  'London',
  'Chicago',
  'Miami',
  'Seattle',
  'Paris',
  'Tokyo',
  'Toronto',
  'Denver',
  'Atlanta',
  'Dallas',
  'Seoul',
] as const;
export const STATES = [
  'Florida',
  'Texas',
  'Louisiana',
  'North Carolina',
  'South Carolina',
  'Georgia',
] as const;
export const POLITICIANS = [
  'Alex Morgan',
  'Jordan Reyes',
  'Casey Whitfield',
  'Priya Natarajan',
  'Samuel Okafor',
  'Elena Voss',
  'Marcus Lindqvist',
  'Hannah Cole',
  'Diego Alvarez',
  'Mei Tanaka',
] as const;
export const RACES = [
  'Ohio Senate race',
  'California governor race',
  'New York mayoral election',
  'Texas Senate race',
  'Arizona governor race',
  'Georgia Senate race',
] as const;
export const COUNTRIES = [
  'Ukraine',
  'France',
  'Brazil',
  'Japan',
  'Canada',
  'Germany',
  'India',
  'Argentina',
  'South Africa',
] as const;
export const NBA_TEAMS = [
  'Celtics',
  'Lakers',
  'Nuggets',
  'Knicks',
  'Thunder',
  'Warriors',
  'Bucks',
  'Heat',
  'Mavericks',
  'Suns',
] as const;
export const NHL_TEAMS = [
  'Carolina Hurricanes',
  'Oilers',
  'Rangers',
  'Panthers',
  'Avalanche',
  'Bruins',
] as const;
export const SOCCER_TEAMS = [
  'Arsenal',
  'Real Madrid',
  'Bayern Munich',
  'Inter Milan',
  'PSG',
  'Liverpool',
  'Barcelona',
  'Stormers FC',
] as const;
export const R6_TEAMS = [
  'Team Liquid',
  'FaZe Clan',
  'w7m esports',
  'G2 Esports',
  'Team BDS',
  'Wolves Esports',
] as const;
export const R6_EVENTS = [
  'Six Invitational',
  'BLAST R6 Major',
  'Europe League Stage 2',
  'Brazil League Finals',
] as const;
export const CS_TEAMS = ['NAVI', 'Vitality', 'MOUZ', 'Spirit', 'FaZe', 'Astralis'] as const;
export const COINS = [
  { name: 'Bitcoin', symbol: 'BTC', lo: 60_000, hi: 140_000, step: 1_000 },
  { name: 'Ethereum', symbol: 'ETH', lo: 2_000, hi: 6_000, step: 100 },
  { name: 'Solana', symbol: 'SOL', lo: 80, hi: 400, step: 10 },
  { name: 'XRP', symbol: 'XRP', lo: 1, hi: 5, step: 0.25 },
] as const;
export const COMPANIES = [
  'Snowflake',
  'Brainstorm Labs',
  'OpenAI',
  'SpaceX',
  'Nvidia',
  'Apple',
  'Tesla',
] as const;
export const MOVIES = ['Skybound', 'The Last Orchard', 'Neon Harbor', 'Quiet Giants', 'Paper Moons'] as const;
export const ARTISTS = ['Taylor Swift', 'Kendrick Lamar', 'Billie Eilish', 'Bad Bunny', 'Dua Lipa'] as const;
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Noah',
  'Mia',
  'Zoe',
  'Ethan',
  'Ivy',
  'Leo',
  'Nora',
  'Owen',
] as const;
