// Device keys: the key file, the DeviceKey that wraps/derives everything else,
// and the device's Ed25519 signer.
export { DeviceKey, DEVICE_KEY_LEN } from './device-key';
export { loadOrCreateDeviceKeyFile, loadDeviceKeyFile } from './key-file';
export { SIGNING_KEY_FILE, loadOrCreateSigner, type DeviceSigner } from './signer';
