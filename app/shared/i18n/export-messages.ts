// Strings of the export receipt (issue 9, PL-9, PL-5.2, PL-2.2) in Polish,
// Ukrainian and English. Like the viewing report, a receipt goes into
// the case file, so it is kept apart from the screen's messages and typed so a
// missing translation is a compile error.
import type { Language } from './languages';
import { formatMessage } from './format';

const en = {
  'receipt.title': 'Export receipt',
  'receipt.subtitle': 'Copy of recordings written to a data carrier by a court playback device',
  'receipt.organisation': 'Organisation',
  'receipt.device': 'Device',
  'receipt.keyFingerprint': 'Device key fingerprint',
  'receipt.none': '—',
  'section.export': 'Export',
  'export.case': 'Case-file signature',
  'export.purpose': 'Purpose',
  'purpose.supervisory': 'for a supervisory body (on a data carrier)',
  'purpose.transfer': 'for showing to parties on another presentation device',
  'purpose.backup': 'internal copy of the office, to protect the recordings',
  'export.recipient': 'Recipient',
  'export.operator': 'Made by',
  'export.approvedBy': 'Approved by',
  'export.envelopeSheet': 'Envelope in the paper file, sheet',
  'export.at': 'Written at (UTC)',
  'export.target': 'Target',
  'export.package': 'Package folder',
  'export.packageSha256': 'SHA-256 of tagmanifest-sha256.txt',
  'export.bytes': 'Bytes written',
  'section.recordings': 'Recordings',
  'rec.identifier': 'Identifier',
  'rec.version': 'Version',
  'rec.sha256': 'SHA-256 (verified while written)',
  'rec.incomplete': '(incomplete)',
  'section.files': 'Files of the package',
  'file.path': 'File',
  'file.size': 'Bytes',
  'file.sha256': 'SHA-256',
  'section.appendix': 'Appendix: data for verification',
  'appendix.intro':
    'The package carries a detached Ed25519 signature of the device over tagmanifest-sha256.txt in the tag file tagsignature-ed25519.sig. It can be checked with: openssl pkeyutl -verify -pubin -inkey device.pem -rawin -in tagmanifest-sha256.txt -sigfile tagsignature-ed25519.sig. This receipt is itself signed (signature below, over its canonical JSON).',
  'appendix.signature': 'Signature of the receipt (Ed25519, base64)',
  'appendix.publicKey': 'Public key of the device',
  'appendix.checkpoint': 'Checkpoint of the viewing log signed after this export was logged (C2SP signed note); the receipt carries the export\'s log entry and the Merkle path that ties it to this checkpoint',
};

export type ExportMessageKey = keyof typeof en;
type Catalog = Record<ExportMessageKey, string>;

const pl: Catalog = {
  'receipt.title': 'Potwierdzenie eksportu',
  'receipt.subtitle': 'Kopia nagrań zapisana na informatycznym nośniku danych przez sądowe urządzenie do odtwarzania',
  'receipt.organisation': 'Jednostka',
  'receipt.device': 'Urządzenie',
  'receipt.keyFingerprint': 'Odcisk klucza urządzenia',
  'receipt.none': '—',
  'section.export': 'Eksport',
  'export.case': 'Sygnatura akt',
  'export.purpose': 'Cel',
  'purpose.supervisory': 'dla organu nadzoru (na informatycznym nośniku danych)',
  'purpose.transfer': 'do okazania stronom na innym urządzeniu do prezentacji',
  'purpose.backup': 'kopia wewnętrzna kancelarii, dla zabezpieczenia nagrań',
  'export.recipient': 'Odbiorca',
  'export.operator': 'Wykonał',
  'export.approvedBy': 'Zatwierdzili',
  'export.envelopeSheet': 'Koperta w aktach, karta',
  'export.at': 'Zapisano (UTC)',
  'export.target': 'Miejsce zapisu',
  'export.package': 'Folder paczki',
  'export.packageSha256': 'SHA-256 pliku tagmanifest-sha256.txt',
  'export.bytes': 'Zapisane bajty',
  'section.recordings': 'Nagrania',
  'rec.identifier': 'Identyfikator',
  'rec.version': 'Wersja',
  'rec.sha256': 'SHA-256 (sprawdzone przy zapisie)',
  'rec.incomplete': '(niekompletne)',
  'section.files': 'Pliki paczki',
  'file.path': 'Plik',
  'file.size': 'Bajty',
  'file.sha256': 'SHA-256',
  'section.appendix': 'Załącznik: dane do weryfikacji',
  'appendix.intro':
    'Paczka zawiera odłączony podpis Ed25519 urządzenia nad plikiem tagmanifest-sha256.txt w pliku tagsignature-ed25519.sig. Można go sprawdzić poleceniem: openssl pkeyutl -verify -pubin -inkey device.pem -rawin -in tagmanifest-sha256.txt -sigfile tagsignature-ed25519.sig. To potwierdzenie jest również podpisane (podpis poniżej, nad jego kanonicznym JSON).',
  'appendix.signature': 'Podpis potwierdzenia (Ed25519, base64)',
  'appendix.publicKey': 'Klucz publiczny urządzenia',
  'appendix.checkpoint': 'Punkt kontrolny rejestru przeglądania podpisany po zapisaniu tego eksportu (notatka podpisana C2SP); potwierdzenie zawiera wpis eksportu w rejestrze i ścieżkę Merkle łączącą go z tym punktem kontrolnym',
};

const uk: Catalog = {
  'receipt.title': 'Підтвердження експорту',
  'receipt.subtitle': 'Копія записів, записана на носій даних судовим пристроєм відтворення',
  'receipt.organisation': 'Установа',
  'receipt.device': 'Пристрій',
  'receipt.keyFingerprint': 'Відбиток ключа пристрою',
  'receipt.none': '—',
  'section.export': 'Експорт',
  'export.case': 'Номер справи',
  'export.purpose': 'Мета',
  'purpose.supervisory': 'для органу нагляду (на носії даних)',
  'purpose.transfer': 'для показу сторонам на іншому пристрої відтворення',
  'purpose.backup': 'внутрішня копія канцелярії для захисту записів',
  'export.recipient': 'Отримувач',
  'export.operator': 'Виконав',
  'export.approvedBy': 'Погодили',
  'export.envelopeSheet': 'Конверт у паперовій справі, аркуш',
  'export.at': 'Записано (UTC)',
  'export.target': 'Місце запису',
  'export.package': 'Тека пакета',
  'export.packageSha256': 'SHA-256 файлу tagmanifest-sha256.txt',
  'export.bytes': 'Записано байтів',
  'section.recordings': 'Записи',
  'rec.identifier': 'Ідентифікатор',
  'rec.version': 'Версія',
  'rec.sha256': 'SHA-256 (перевірено під час запису)',
  'rec.incomplete': '(неповний)',
  'section.files': 'Файли пакета',
  'file.path': 'Файл',
  'file.size': 'Байти',
  'file.sha256': 'SHA-256',
  'section.appendix': 'Додаток: дані для перевірки',
  'appendix.intro':
    'Пакет містить відокремлений підпис Ed25519 пристрою над файлом tagmanifest-sha256.txt у файлі tagsignature-ed25519.sig. Його можна перевірити командою: openssl pkeyutl -verify -pubin -inkey device.pem -rawin -in tagmanifest-sha256.txt -sigfile tagsignature-ed25519.sig. Це підтвердження також підписане (підпис нижче, над його канонічним JSON).',
  'appendix.signature': 'Підпис підтвердження (Ed25519, base64)',
  'appendix.publicKey': 'Відкритий ключ пристрою',
  'appendix.checkpoint': 'Контрольна точка журналу переглядів, підписана після запису цього експорту (підписана нотатка C2SP); підтвердження містить запис експорту в журналі та шлях Меркла, що пов’язує його з цією контрольною точкою',
};

export const EXPORT_MESSAGES: Record<Language, Catalog> = { en, pl, uk };

export function translateExport(lang: Language, key: ExportMessageKey, params: Record<string, string | number> = {}): string {
  return formatMessage(lang, EXPORT_MESSAGES[lang][key], params);
}
