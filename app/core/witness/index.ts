// Witnesses of the viewing log off the device: the TIS keeps the newest
// checkpoint of each kiosk, and the log is checked against what each holds.
export { checkAgainstWitness, type DeviceIdentity, type WitnessVerdict, type WitnessVerdictKind } from './verdict';
export { checkTisWitness, tisWitnessName, witnessWithTis, type CheckpointWitnessClient, type WitnessRun } from './tis-witness';
export { WitnessMonitor, type WitnessMonitorOptions, type WitnessState } from './monitor';
export { checkReplicaWitness, recordOnReplica, replicaGuard, deviceOf } from './replica-witness';
