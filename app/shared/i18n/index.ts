// Languages and translated messages (pl, uk, en).
export { LANGUAGES, isLanguage, type Language } from './languages';
export { MESSAGES, translate, type MessageKey } from './messages';
