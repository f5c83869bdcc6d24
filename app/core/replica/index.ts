export { Replica, type ReplicaOptions } from './replica';
export { replicaLayout, MARKER, SEEN, type ReplicaLayout } from './layout';
export { repairObjects, repairedCount, type RepairRequest, type RepairOutcome } from './repair';
export { checkCopies, replicaReader, type CopiesVerdict, type ObjectRef } from './copies';
export { keepReplica, type ReplicaKeeper, type ScrubResult } from './keeper';
