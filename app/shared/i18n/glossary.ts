// The words a court would use, one table per language: for each legal or
// procedural term the word chosen, the words not to use, and why. Screens,
// reports, export receipts and kioskctl all draw on catalogues that
// test/shared/i18n.test.ts checks against this table, so a rejected word
// cannot come back in one place while the others avoid it.
import type { Language } from './languages';

export interface GlossaryEntry {
  /** What the term names, in English, for the reader of this table. */
  readonly concept: string;
  /** The word used on screen, in reports and in the CLI. */
  readonly chosen: string;
  /** Words (regular expressions, case-insensitive) that must not appear instead. */
  readonly avoid: readonly string[];
  readonly why: string;
}

export const GLOSSARY: Readonly<Record<Language, readonly GlossaryEntry[]>> = {
  pl: [
    { concept: 'viewing log', chosen: 'rejestr przeglądania', avoid: ['dziennik'], why: 'One name for the tamper-evident log; "dziennik" was used beside "rejestr" for the same thing.' },
    { concept: 'time markers in a recording', chosen: 'znaczniki czasu', avoid: ['adnotacj'], why: 'In a case file an "adnotacja" is a note written on a document; these are points in time of the recording.' },
    { concept: 'version 0 (PL-3.7)', chosen: 'wersja pierwotna', avoid: ['oryginał'], why: 'The regulation speaks of the original version as the first in a chain; "oryginał" suggests a paper original.' },
    { concept: 'envelope sheet (PL-10)', chosen: 'koperta w aktach, karta', avoid: ['arkusz koperty'], why: 'The protocol notes the sheet (karta) of the case file where the envelope is; the same words in every place.' },
    { concept: 'proof (of inclusion, integrity)', chosen: 'potwierdzenie', avoid: ['\\bdow(ód|odu|ody|odów) (?!osobist)'], why: '"Dowód" in a case file reads as evidence; only "dowód osobisty" (identity card) keeps the word.' },
    { concept: 'addressing the person', chosen: 'forma bezosobowa lub „Państwo”', avoid: ['\\b(oglądasz|dotkniesz|naciśniesz|spróbuj|możesz|jesteś|twój|twoja|twoje)\\b'], why: 'A court addresses people formally; sentences use impersonal forms, buttons the bare verb as gov.pl does.' },
    { concept: 'legal references on the viewer\'s screens', chosen: '(none)', avoid: [], why: 'Paragraph references (§) are for the reports and the clerk, not for the party watching (checked per screen in the test).' },
  ],
  uk: [
    { concept: 'viewing log', chosen: 'журнал переглядів', avoid: ['записи журналу', 'реєстр перегляд'], why: '"Записи" means the recordings on every screen; entries of the log are "події" or "відомості".' },
    { concept: 'time markers in a recording', chosen: 'позначки часу', avoid: ['анотаці'], why: 'Plain words for points in the recording.' },
    { concept: 'version 0', chosen: 'первинна версія', avoid: ['оригінал'], why: 'The same word on screen and in reports.' },
    { concept: 'proof', chosen: 'підтвердження', avoid: ['доказ'], why: '"Доказ" in a case file reads as evidence.' },
    { concept: 'the printed viewing report', chosen: 'Протокол ознайомлення із записами', avoid: ['звіт(и|ів|у|ом|ами|ах)? про перегляд'], why: 'A party in a Ukrainian court "ознайомлюється з матеріалами справи" (ЦПК ст. 43, КПК ст. 221), and what the court files about it is a протокол; "звіт" is an IT word that no case file uses. The Polish title is a protokół too.' },
    { concept: 'time left', chosen: 'залишилося', avoid: ['залишилось'], why: 'One form of the word everywhere.' },
    { concept: 'clerk', chosen: 'працівник суду', avoid: ['sekretarz', 'секретар(?! судового)'], why: 'The role is named in Ukrainian on Ukrainian screens; the Polish role name must not leak through.' },
  ],
  en: [
    { concept: 'viewing log', chosen: 'viewing log', avoid: ['viewing register', 'viewing journal'], why: 'One name for the log.' },
    { concept: 'time markers in a recording', chosen: 'time markers', avoid: ['annotation'], why: 'Plain words for points in the recording.' },
    { concept: 'counted nouns', chosen: 'ICU plural forms', avoid: ['\\w\\(s\\)'], why: '"session(s)" and "1 recordings" read as machine output; plurals go through Intl.PluralRules.' },
    { concept: 'proof', chosen: 'confirmation', avoid: ['proof of inclusion', 'inclusion proof'], why: 'Evidence has a legal meaning in a case file.' },
  ],
};

/** Message keys a party (the viewer) reads: no paragraph references and no rule ids there. */
export const VIEWER_KEY_PREFIXES = ['player.', 'meta.', 'idle.', 'summary.', 'handover.', 'textSize.', 'attract.'] as const;
