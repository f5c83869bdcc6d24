// Carrier detection (DC-3): drivelist lists drives, node-usb signals hot-plug.
export { carriersFrom, diffCarriers, type Carrier, type CarrierChange, type DriveInfo } from './carriers';
export { usbHotplug, type HotplugSource } from './hotplug';
export { watchCarriers, type CarrierWatcher, type WatcherOptions } from './watcher';
