import { expect } from 'chai';
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { buildWeatherMatcher } from './weather.js';

describe('weather matcher (G6)', () => {
  const isWeather = buildWeatherMatcher(DEFAULT_CONFIG.filters.weatherTerms);

  it('does not block "Rainbow Six Siege" (the Rainbow bug)', () => {
    expect(isWeather('Will Team Liquid win the Rainbow Six Siege Major?')).to.equal(false);
  });

  it('does not block words that merely contain a term', () => {
    expect(isWeather('Will Ukraine sign a deal?')).to.equal(false);
    expect(isWeather('Will the Brainstorm podcast hit #1?')).to.equal(false);
    expect(isWeather('Snowflake stock above $200?')).to.equal(false);
  });

  it('blocks real weather markets, whatever the case', () => {
    expect(isWeather('Will it rain in NYC?')).to.equal(true);
    expect(isWeather('Hurricane makes landfall in Florida by October?')).to.equal(true);
    expect(isWeather('Highest TEMPERATURE in London today?')).to.equal(true);
    expect(isWeather('Will it snow in Paris on Christmas?')).to.equal(true);
  });

  it('treats configured terms literally, never as regular expressions', () => {
    const matcher = buildWeatherMatcher(['c++', 'a.b']);
    expect(matcher('I love c++ code')).to.equal(false); // \b after + cannot match a space; literal, no throw
    expect(matcher('axb')).to.equal(false);
    expect(matcher('a.b')).to.equal(true);
  });

  it('matches nothing when no terms are configured', () => {
    expect(buildWeatherMatcher([' '])('rain')).to.equal(false);
  });
});
