// The verifier's words in the kiosk's three languages: the page shows
// them, the command line prints the English ones.
import type { Language } from '../i18n/languages';
import type { Finding, FindingCode, ReportVerification } from './checks';

type UiKey = 'title' | 'intro' | 'pick' | 'drop' | 'pubkey' | 'checkpoint' | 'valid' | 'invalid' | 'kind.viewing-report' | 'kind.export-receipt' | 'kind.unknown' | 'offline' | 'notJson';

const EN: Record<FindingCode | UiKey, string> = {
  title: 'Check a viewing report or an export receipt',
  intro: 'This page runs entirely on this computer and sends nothing anywhere. Choose the signed JSON file a court kiosk produced (a viewing report or an export receipt), or drop it here.',
  pick: 'Choose a file',
  drop: 'or drop the file here',
  pubkey: 'Device public key (PEM), if obtained separately (otherwise the key in the file is used)',
  checkpoint: 'Checkpoint held elsewhere (e.g. by the court\'s system), optional',
  valid: 'VALID: the document is intact and signed by the device.',
  invalid: 'NOT VALID: the document was changed or is not signed by this device.',
  'kind.viewing-report': 'Viewing report',
  'kind.export-receipt': 'Export receipt',
  'kind.unknown': 'Unknown document',
  offline: 'Checked offline with the browser\'s own cryptography (Ed25519, SHA-256).',
  notJson: 'The file is not JSON.',
  'format.unknown': 'Not a court-kiosk viewing report or export receipt.',
  'key.given': 'Public key: the one given separately.',
  'key.embedded': 'Public key: the one inside the document (it proves the document is intact; compare the key with the device\'s to know who signed it).',
  'signature.ok': 'Signature: valid (Ed25519 over the RFC 8785 canonical JSON).',
  'signature.bad': 'Signature: INVALID — the document was changed after signing, or another key signed it.',
  'checkpoint.ok': 'Log checkpoint: valid signature; the log then had {size} entries.',
  'checkpoint.bad': 'Log checkpoint: INVALID ({problem}).',
  'checkpoint.absent': 'Log checkpoint: none in this document.',
  'entry.ok': 'Entry {seq} ({type}, {time}): in the signed log (inclusion proof valid).',
  'entry.leaf': 'Entry {seq}: CHANGED — its content does not match its hash.',
  'entry.proof': 'Entry {seq}: its inclusion proof does NOT lead to the checkpoint.',
  'entry.session': 'Entry {seq}: belongs to another session.',
  'witness.ok': 'Checkpoint held elsewhere: the same ({size} entries).',
  'witness.bad': 'Checkpoint held elsewhere: does NOT match ({problem}).',
};

const PL: Record<FindingCode | UiKey, string> = {
  title: 'Sprawdzenie raportu z przeglądania lub potwierdzenia eksportu',
  intro: 'Ta strona działa wyłącznie na tym komputerze i niczego nie wysyła. Wybierz podpisany plik JSON z kiosku sądowego (raport z przeglądania lub potwierdzenie eksportu) albo upuść go tutaj.',
  pick: 'Wybierz plik',
  drop: 'lub upuść plik tutaj',
  pubkey: 'Klucz publiczny urządzenia (PEM), jeśli uzyskany osobno (w przeciwnym razie użyty zostanie klucz z pliku)',
  checkpoint: 'Punkt kontrolny przechowywany gdzie indziej (np. w systemie sądu), opcjonalnie',
  valid: 'WAŻNY: dokument jest nienaruszony i podpisany przez urządzenie.',
  invalid: 'NIEWAŻNY: dokument zmieniono lub nie podpisało go to urządzenie.',
  'kind.viewing-report': 'Raport z przeglądania',
  'kind.export-receipt': 'Potwierdzenie eksportu',
  'kind.unknown': 'Nieznany dokument',
  offline: 'Sprawdzono bez sieci, kryptografią wbudowaną w przeglądarkę (Ed25519, SHA-256).',
  notJson: 'Plik nie jest w formacie JSON.',
  'format.unknown': 'To nie jest raport z przeglądania ani potwierdzenie eksportu kiosku sądowego.',
  'key.given': 'Klucz publiczny: podany osobno.',
  'key.embedded': 'Klucz publiczny: zawarty w dokumencie (dowodzi nienaruszalności dokumentu; porównaj klucz z kluczem urządzenia, aby wiedzieć, kto podpisał).',
  'signature.ok': 'Podpis: ważny (Ed25519 nad kanonicznym JSON wg RFC 8785).',
  'signature.bad': 'Podpis: NIEWAŻNY — dokument zmieniono po podpisaniu lub podpisał go inny klucz.',
  'checkpoint.ok': 'Punkt kontrolny rejestru: podpis ważny; rejestr liczył wtedy {size} wpisów.',
  'checkpoint.bad': 'Punkt kontrolny rejestru: NIEWAŻNY ({problem}).',
  'checkpoint.absent': 'Punkt kontrolny rejestru: brak w tym dokumencie.',
  'entry.ok': 'Wpis {seq} ({type}, {time}): w podpisanym rejestrze (dowód włączenia ważny).',
  'entry.leaf': 'Wpis {seq}: ZMIENIONY — treść nie odpowiada jego skrótowi.',
  'entry.proof': 'Wpis {seq}: dowód włączenia NIE prowadzi do punktu kontrolnego.',
  'entry.session': 'Wpis {seq}: należy do innej sesji.',
  'witness.ok': 'Punkt kontrolny przechowywany gdzie indziej: ten sam ({size} wpisów).',
  'witness.bad': 'Punkt kontrolny przechowywany gdzie indziej: NIE zgadza się ({problem}).',
};

const UK: Record<FindingCode | UiKey, string> = {
  title: 'Перевірка звіту про перегляд або підтвердження експорту',
  intro: 'Ця сторінка працює лише на цьому комп\'ютері й нічого нікуди не надсилає. Виберіть підписаний файл JSON із судового кіоску (звіт про перегляд або підтвердження експорту) чи перетягніть його сюди.',
  pick: 'Вибрати файл',
  drop: 'або перетягніть файл сюди',
  pubkey: 'Відкритий ключ пристрою (PEM), якщо отриманий окремо (інакше використовується ключ із файлу)',
  checkpoint: 'Контрольна точка, що зберігається деінде (напр. у системі суду), необов\'язково',
  valid: 'ДІЙСНИЙ: документ цілісний і підписаний пристроєм.',
  invalid: 'НЕДІЙСНИЙ: документ змінено або його підписав не цей пристрій.',
  'kind.viewing-report': 'Звіт про перегляд',
  'kind.export-receipt': 'Підтвердження експорту',
  'kind.unknown': 'Невідомий документ',
  offline: 'Перевірено без мережі вбудованою криптографією браузера (Ed25519, SHA-256).',
  notJson: 'Файл не у форматі JSON.',
  'format.unknown': 'Це не звіт про перегляд і не підтвердження експорту судового кіоску.',
  'key.given': 'Відкритий ключ: наданий окремо.',
  'key.embedded': 'Відкритий ключ: той, що в документі (доводить цілісність документа; порівняйте ключ із ключем пристрою, щоб знати, хто підписав).',
  'signature.ok': 'Підпис: дійсний (Ed25519 над канонічним JSON за RFC 8785).',
  'signature.bad': 'Підпис: НЕДІЙСНИЙ — документ змінено після підписання або його підписав інший ключ.',
  'checkpoint.ok': 'Контрольна точка журналу: підпис дійсний; журнал тоді мав {size} записів.',
  'checkpoint.bad': 'Контрольна точка журналу: НЕДІЙСНА ({problem}).',
  'checkpoint.absent': 'Контрольна точка журналу: у цьому документі відсутня.',
  'entry.ok': 'Запис {seq} ({type}, {time}): у підписаному журналі (доказ включення дійсний).',
  'entry.leaf': 'Запис {seq}: ЗМІНЕНО — вміст не відповідає його хешу.',
  'entry.proof': 'Запис {seq}: доказ включення НЕ веде до контрольної точки.',
  'entry.session': 'Запис {seq}: належить до іншого сеансу.',
  'witness.ok': 'Контрольна точка, що зберігається деінде: та сама ({size} записів).',
  'witness.bad': 'Контрольна точка, що зберігається деінде: НЕ збігається ({problem}).',
};

const TABLES: Record<Language, Record<FindingCode | UiKey, string>> = { en: EN, pl: PL, uk: UK };

export type VerifierMessageKey = FindingCode | UiKey;

export function verifierText(lang: Language, key: VerifierMessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return TABLES[lang][key].replace(/\{(\w+)\}/gu, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function findingText(lang: Language, f: Finding): string {
  return verifierText(lang, f.code, f.params);
}

/** The whole verdict as lines of text (the command line's output). */
export function verificationText(lang: Language, v: ReportVerification): string {
  return [verifierText(lang, `kind.${v.kind}`), ...v.findings.map((f) => `${f.ok ? 'ok  ' : 'FAIL'} ${findingText(lang, f)}`), verifierText(lang, v.ok ? 'valid' : 'invalid')].join('\n');
}
