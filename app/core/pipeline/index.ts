// One streaming pipeline for import, export, TIS fetch and verify: plaintext
// in 4 MiB shared slots, SHA-256 on a kept worker, AES-GCM sealing on a second
// kept worker (../store/slot-sealer), O_DIRECT writes in flight on libuv's
// pool, one fsync per file.
export { SLOT_BYTES, OwnedSlot, SlotFiller, acquireSlot, isSlot, isAligned, releaseSlot, discardSlot } from './slots';
export { Sha256Stream } from './sha256';
export { KeptWorker, type WorkerReply } from './kept-worker';
export { DirectFileSink, DIRECT_ALIGN, DIRECT_BLOCK_BYTES, alignedSharedBuffer, type DirectFileSinkOptions } from './direct-file-sink';
export { fillSlots, type ByteSource, type PositionalSource } from './fill';
export { SlotCollector, type SlotConsumer } from './collect';
