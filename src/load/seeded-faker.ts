import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

// The package index loads every locale (about 30 MB of the main thread's RSS); the English entry
// loads one. It exports only an instance, so seeded instances are built with its constructor.
const EnglishFaker = english.constructor as typeof Faker;

/** A faker with English data and its own seeded generator: the same seed gives the same draws. */
export function seededFaker(seed: number): Faker {
  return new EnglishFaker({ locale: english.rawDefinitions, seed });
}
