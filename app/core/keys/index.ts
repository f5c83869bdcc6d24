// Device keys: where the device key is and how it is sealed (key-store.ts,
// the one lookup every entry point uses), the DeviceKey that wraps/derives
// everything else, the recovery file, and the device's Ed25519 signer.
export { DeviceKey, DEVICE_KEY_LEN } from './device-key';
export { loadOrCreateDeviceKeyFile, loadDeviceKeyFile } from './key-file';
export { SIGNING_KEY_FILE, loadOrCreateSigner, type DeviceSigner } from './signer';
export { openDeviceKey, restoreDeviceKey, defaultKeyDir, keyDirProblems, KEY_ID_FILE, DeviceKeyHandle, type KeyStatus, type DeviceKeyOptions } from './key-store';
export { shredFile } from './sealing';
export { SEALED_FILE, SEAL_ORDER, CRED_NAME, type PlatformKeyStore, type SealKind } from './sealing';
export { openRecovery, MIN_PASSPHRASE } from './recovery';
