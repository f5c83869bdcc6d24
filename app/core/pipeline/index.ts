// One streaming pipeline for import, export, TIS fetch and verify: plaintext
// in 4 MiB shared slots, SHA-256 on a kept worker, AES-GCM and the writes on
// the main thread and libuv's pool, writes in flight, one fsync per file.
export { SLOT_BYTES, SlotFiller, acquireSlot, isSlot, releaseSlot, discardSlot } from './slots';
export { Sha256Stream } from './sha256';
export { FileSink, type FileSinkOptions } from './file-sink';
export { fillSlots, type ByteSource, type PositionalSource } from './fill';
export { SlotCollector, type SlotConsumer } from './collect';
