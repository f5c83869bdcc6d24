// Opening the kiosk as the owner of its data directory: the lock first, then
// the catalog, store and log, then the orphan sweep and the recovery of export
// receipts a kill left as *.part (both safe only under the lock: without it, a
// sweep could take the object of an import another process is still writing,
// and a recovery the receipt of an export not yet logged). Closing releases
// the lock.
import { recoverReceipts } from '../export';
import { openKiosk, type Kiosk, type OpenKioskOptions } from '../kiosk';
import { lockDataDir, tryLockDataDir, type DataDirLock, type OwnerInfo } from './data-dir-lock';
import { dataDirProblems, refuseUnsafe } from '../file-safety';

export type OwnedKioskOptions = Omit<OpenKioskOptions, 'sweep' | 'readonly'> & { readonly who: Omit<OwnerInfo, 'pid' | 'since'> };

async function openUnder(lock: DataDirLock, opts: OwnedKioskOptions): Promise<Kiosk> {
  let kiosk: Kiosk;
  try {
    kiosk = await openKiosk({ ...opts, sweep: true });
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    await recoverReceipts(kiosk);
  } catch (e) {
    kiosk.close();
    lock.release();
    throw e;
  }
  const close = kiosk.close.bind(kiosk);
  return Object.assign(kiosk, {
    close() {
      try {
        close();
      } finally {
        lock.release();
      }
    },
  });
}

/** Takes the lock (or throws env.data-dir-held naming the holder) and opens the kiosk. */
export async function openOwnedKiosk(opts: OwnedKioskOptions): Promise<Kiosk> {
  // Refused before the lock writes its files into a directory others may write (openKiosk checks again).
  refuseUnsafe(dataDirProblems(opts.dataDir));
  return openUnder(lockDataDir(opts.dataDir, opts.who), opts);
}

/** As openOwnedKiosk, or null at once when another process holds the data directory. */
export async function tryOpenOwnedKiosk(opts: OwnedKioskOptions): Promise<Kiosk | null> {
  refuseUnsafe(dataDirProblems(opts.dataDir));
  const lock = tryLockDataDir(opts.dataDir, opts.who);
  return lock ? openUnder(lock, opts) : null;
}
