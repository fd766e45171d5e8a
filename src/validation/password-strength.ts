import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type * as ZxcvbnCommon from '@zxcvbn-ts/language-common';
import type * as ZxcvbnEnglish from '@zxcvbn-ts/language-en';

/** zxcvbn scores 0 to 4; 3 means about 10^8 guesses or more ("safely unguessable" online). */
export const MIN_PASSWORD_SCORE = 3;

/**
 * zxcvbn's matching grows faster than linearly with length (every substring is looked
 * up in ~20 dictionaries, once per l33t reading), and it runs on the event loop. An
 * adversarial 128-character string of l33t characters took over 3 s with the library's
 * defaults (256 characters, 100 readings). Scoring the first 32 characters with at
 * most 3 l33t readings bounds that (bench/tools/password-strength.ts measures it) and
 * still catches `p@ssw0rd` or `L0v3l4c3!`. A longer password is as strong as its first
 * 32 characters or stronger, so refusing on the prefix never lets a weak one through.
 */
export const SCORED_PREFIX_LENGTH = 32;
const L33T_READINGS = 3;

/** Words that make a password guessable for this product, whoever the user is. */
const PRODUCT_WORDS = ['netpilot', 'NetPilot'];

export interface PasswordStrength {
  /** 0 (trivially guessable) to 4 (very hard to guess). */
  score: number;
  /** zxcvbn's reason, in English; null when it has none. */
  warning: string | null;
  suggestions: string[];
  /** Whether the best guess used the user's email or the product name. */
  usesPersonalData: boolean;
}

let estimator: ZxcvbnCore.ZxcvbnFactory | null = null;

/**
 * The estimator with its dictionaries, built on first use: loading the dictionaries
 * (about 235,000 passwords, words and names) and ranking them takes about a second and
 * 25 MB of heap, which no module that merely imports this one should pay for.
 * createRequire loads them synchronously, so a check stays a plain function call.
 */
function getEstimator(): ZxcvbnCore.ZxcvbnFactory {
  if (!estimator) {
    const load = createRequire(import.meta.url);
    const core = load('@zxcvbn-ts/core') as typeof ZxcvbnCore;
    const common = load('@zxcvbn-ts/language-common') as typeof ZxcvbnCommon;
    const english = load('@zxcvbn-ts/language-en') as typeof ZxcvbnEnglish;
    estimator = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
      maxLength: SCORED_PREFIX_LENGTH,
      l33tMaxSubstitutions: L33T_READINGS,
    });
  }
  return estimator;
}

/**
 * What an attacker who knows the user's email would try first: the email, its
 * local part and that part's pieces (`ada.lovelace` → `ada`, `lovelace`).
 */
export function personalWords(email: string | undefined): string[] {
  if (!email) {
    return [...PRODUCT_WORDS];
  }
  const localPart = email.split('@')[0] ?? '';
  const pieces = localPart.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length >= 3);
  return [...PRODUCT_WORDS, email, localPart, ...pieces];
}

/** zxcvbn's estimate of how hard `password` is to guess for someone who knows `email`. */
export function estimatePasswordStrength(password: string, email?: string): PasswordStrength {
  const result = getEstimator().check(password, personalWords(email));
  return {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
    usesPersonalData: result.sequence.some(
      (match) => 'dictionaryName' in match && match.dictionaryName === 'userInputs',
    ),
  };
}
