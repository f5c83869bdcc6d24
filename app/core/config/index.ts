// Configuration: schema, loading and checks (kiosk-config/, docs/configuration.md).
export { kioskConfigSchema, type KioskConfig, type Account } from './schema';
export { parseConfig, checkConfigFile, checkReferencedFiles, loadConfig, configRelative, type ConfigResult } from './load';
export { locateConfigFile } from './locate';
