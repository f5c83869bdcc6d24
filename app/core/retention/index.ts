// Retention: deleting local copies after transfer to the archive, by rule (PL-6.2, PL-7).
export { purgeCase, type DeletionCertificate, type PurgeGrounds, type SignedCertificate } from './purge';
