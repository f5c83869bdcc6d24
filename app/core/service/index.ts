// The kiosk service: the one process that owns a data directory (its lock,
// the catalog, store and log writers, the control socket that kioskctl asks).
export { lockDataDir, tryLockDataDir, readOwner, heldError, lockFile, ownerFile, type DataDirLock, type OwnerInfo, type OwnerKind } from './data-dir-lock';
export { openOwnedKiosk, tryOpenOwnedKiosk, type OwnedKioskOptions } from './owned-kiosk';
export { connectService, runInService, serviceStatus, type Sink } from './control-client';
export { startControlServer, type ControlServer } from './control-server';
export { controlSocketPath, type ServiceStatus } from './control-protocol';
export { OWNER_V8_FLAGS } from './v8-flags';
export { startSdNotify, type SdNotifier, type SdNotifyOptions } from './sd-notify';
export { startKioskService, type KioskService, type KioskServiceOptions } from './kiosk-service';
