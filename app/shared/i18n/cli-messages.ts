// kioskctl's own words (usage, help, argument errors) in Polish, Ukrainian and
// English, in the kiosk's default language unless --lang says otherwise.
// Command names, flags and JSON stay as they are in every language.
import type { Language } from './languages';
import { formatMessage } from './format';

const en = {
  'cli.usage': 'Usage',
  'cli.error': 'kioskctl: {message}',
  'cli.seeHelp': 'See “kioskctl {cmd} --help”.',
  'cli.seeGlobalHelp': 'See “kioskctl --help”.',
  'cli.noCommand': 'no command given',
  'cli.unknownCommand': 'unknown command: {cmd}',
  'cli.badOption': 'the option is not understood: {detail}',
  'cli.missing': 'missing: {what}',
  'cli.noPath': 'no such file or folder: {path}',
  'cli.noCase': 'no case “{case}” in the catalog: nothing was verified',
  'cli.verify.intact': '{n, plural, one {# recording} other {# recordings}} and the catalog rows intact',
  'cli.verify.failed': 'FAILED: see the lines above',
  'cli.exitCodes': 'Exit codes: 0 success, 1 a check failed (invalid, tampered, rejected), 2 usage or environment error.',
  'cli.cmd.config': 'validate a kiosk-config file (--files: also the files it names)',
  'cli.cmd.check': 'validate a package or every package on a carrier; stores nothing',
  'cli.cmd.status': 'the kiosk service holding the data directory, open sessions, log size',
  'cli.cmd.import': 'import a package, a carrier or a plain folder with SHA256SUMS',
  'cli.cmd.complete': 'supply metadata a recording came without (PL-4.1)',
  'cli.cmd.imports': 'the stored import reports: every file, hash, verdict',
  'cli.cmd.fetch': 'import a case’s recordings from the case-file system (TIS)',
  'cli.cmd.outbox': 'list viewing reports queued for the TIS (--deliver: send due ones)',
  'cli.cmd.list': 'list catalogued recordings',
  'cli.cmd.verify': 're-check every stored recording and catalog row (of one case with --case)',
  'cli.cmd.purge': 'delete a case’s local copies after transfer to the archive (PL-7)',
  'cli.cmd.export': 'write a verified, signed crp/1 copy of a case below DIR; logged, with a receipt',
  'cli.cmd.log': 'verify the viewing log, sign a checkpoint, or export a case’s viewing reports',
  'cli.cmd.device': 'print the device’s Ed25519 public key (PEM)',
  'cli.cmd.pin-hash': 'read a PIN or password on stdin, print its hash for kiosk-config',
  'cli.cmd.selftest': 'an end-to-end review session on a scratch data directory',
  'cli.cmd.serve': 'start the web shell on 127.0.0.1; prints the URL (with token) first',
  'cli.cmd.demo-carrier': 'write a demo carrier (crp/1 packages with real media) into DIR',
} as const;

export type CliMessageKey = keyof typeof en;
type Catalog = Record<CliMessageKey, string>;

const pl: Catalog = {
  'cli.usage': 'Użycie',
  'cli.error': 'kioskctl: {message}',
  'cli.seeHelp': 'Opis: „kioskctl {cmd} --help”.',
  'cli.seeGlobalHelp': 'Opis: „kioskctl --help”.',
  'cli.noCommand': 'nie podano polecenia',
  'cli.unknownCommand': 'nieznane polecenie: {cmd}',
  'cli.badOption': 'nierozpoznana opcja: {detail}',
  'cli.missing': 'brakuje: {what}',
  'cli.noPath': 'nie ma takiego pliku ani folderu: {path}',
  'cli.noCase': 'w katalogu nie ma sprawy „{case}”: niczego nie sprawdzono',
  'cli.verify.intact': '{n, plural, one {# nagranie} few {# nagrania} many {# nagrań} other {# nagrania}} i wiersze katalogu nienaruszone',
  'cli.verify.failed': 'BŁĄD: szczegóły w wierszach powyżej',
  'cli.exitCodes': 'Kody wyjścia: 0 powodzenie, 1 kontrola wykazała błąd (nieprawidłowe, zmienione, odrzucone), 2 błąd użycia lub środowiska.',
  'cli.cmd.config': 'sprawdza plik kiosk-config (--files: także pliki, które wskazuje)',
  'cli.cmd.check': 'sprawdza pakiet lub wszystkie pakiety na nośniku; niczego nie zapisuje',
  'cli.cmd.status': 'usługa kiosku, która zajmuje katalog danych, otwarte sesje, rozmiar rejestru',
  'cli.cmd.import': 'importuje pakiet, nośnik lub zwykły folder z plikiem SHA256SUMS',
  'cli.cmd.complete': 'uzupełnia metadane, których nagranie nie miało (§ 4 ust. 1)',
  'cli.cmd.imports': 'zapisane raporty importu: każdy plik, skrót i wynik',
  'cli.cmd.fetch': 'importuje nagrania sprawy z systemu teleinformatycznego',
  'cli.cmd.outbox': 'raporty z przeglądania czekające na wysłanie do systemu teleinformatycznego (--deliver: wysyła należne)',
  'cli.cmd.list': 'wykaz nagrań w katalogu',
  'cli.cmd.verify': 'ponownie sprawdza wszystkie nagrania i wiersze katalogu (jednej sprawy z --case)',
  'cli.cmd.purge': 'usuwa kopie lokalne sprawy po przekazaniu akt do archiwum (§ 7)',
  'cli.cmd.export': 'zapisuje sprawdzoną, podpisaną kopię crp/1 sprawy w folderze DIR; z wpisem w rejestrze i potwierdzeniem',
  'cli.cmd.log': 'sprawdza rejestr przeglądania, podpisuje punkt kontrolny lub eksportuje raporty z przeglądania sprawy',
  'cli.cmd.device': 'wypisuje klucz publiczny Ed25519 urządzenia (PEM)',
  'cli.cmd.pin-hash': 'czyta PIN lub hasło ze standardowego wejścia i wypisuje skrót do kiosk-config',
  'cli.cmd.selftest': 'pełna sesja przeglądania na tymczasowym katalogu danych',
  'cli.cmd.serve': 'uruchamia powłokę WWW na 127.0.0.1; najpierw wypisuje adres (z tokenem)',
  'cli.cmd.demo-carrier': 'zapisuje w folderze DIR nośnik demonstracyjny (pakiety crp/1 z prawdziwymi nagraniami)',
};

const uk: Catalog = {
  'cli.usage': 'Використання',
  'cli.error': 'kioskctl: {message}',
  'cli.seeHelp': 'Довідка: «kioskctl {cmd} --help».',
  'cli.seeGlobalHelp': 'Довідка: «kioskctl --help».',
  'cli.noCommand': 'команду не вказано',
  'cli.unknownCommand': 'невідома команда: {cmd}',
  'cli.badOption': 'параметр не розпізнано: {detail}',
  'cli.missing': 'бракує: {what}',
  'cli.noPath': 'немає такого файлу або теки: {path}',
  'cli.noCase': 'у каталозі немає справи «{case}»: нічого не перевірено',
  'cli.verify.intact': '{n, plural, one {# запис} few {# записи} many {# записів} other {# запису}} і рядки каталогу цілі',
  'cli.verify.failed': 'ПОМИЛКА: подробиці в рядках вище',
  'cli.exitCodes': 'Коди завершення: 0 успіх, 1 перевірка виявила помилку (недійсне, змінене, відхилене), 2 помилка використання або середовища.',
  'cli.cmd.config': 'перевіряє файл kiosk-config (--files: також файли, на які він посилається)',
  'cli.cmd.check': 'перевіряє пакет або всі пакети на носії; нічого не зберігає',
  'cli.cmd.status': 'служба кіоску, що володіє каталогом даних, відкриті сеанси, розмір журналу',
  'cli.cmd.import': 'імпортує пакет, носій або звичайну теку з SHA256SUMS',
  'cli.cmd.complete': 'доповнює метадані, яких запис не мав',
  'cli.cmd.imports': 'збережені звіти про імпорт: кожен файл, хеш і результат',
  'cli.cmd.fetch': 'імпортує записи справи із системи діловодства',
  'cli.cmd.outbox': 'звіти про перегляд у черзі до системи діловодства (--deliver: надіслати належні)',
  'cli.cmd.list': 'перелік записів у каталозі',
  'cli.cmd.verify': 'повторно перевіряє всі записи й рядки каталогу (однієї справи з --case)',
  'cli.cmd.purge': 'видаляє локальні копії справи після передання до архіву',
  'cli.cmd.export': 'записує перевірену, підписану копію справи crp/1 у теку DIR; з записом у журналі та підтвердженням',
  'cli.cmd.log': 'перевіряє журнал переглядів, підписує контрольну точку або експортує звіти про перегляд справи',
  'cli.cmd.device': 'виводить відкритий ключ Ed25519 пристрою (PEM)',
  'cli.cmd.pin-hash': 'читає PIN або пароль зі стандартного введення й виводить його хеш для kiosk-config',
  'cli.cmd.selftest': 'повний сеанс перегляду на тимчасовому каталозі даних',
  'cli.cmd.serve': 'запускає веб-оболонку на 127.0.0.1; спершу виводить адресу (з токеном)',
  'cli.cmd.demo-carrier': 'записує в теку DIR демонстраційний носій (пакети crp/1 зі справжніми записами)',
};

export const CLI_MESSAGES: Record<Language, Catalog> = { en, pl, uk };

export function translateCli(lang: Language, key: CliMessageKey, params: Record<string, string | number> = {}): string {
  return formatMessage(lang, CLI_MESSAGES[lang][key], params);
}
