// Recordings are stored encrypted; media code sees them only through an
// authenticated random-access reader, never a path.
import { IntegrityError } from '../errors';

/** Returns exactly `length` verified plaintext bytes starting at `offset`. */
export type ReadFn = (offset: number, length: number) => Promise<Buffer>;

/** Calls `read` and insists on the promised length, so a short read never becomes a wrong box or sample. */
export async function readExact(read: ReadFn, offset: number, length: number, subject: string): Promise<Buffer> {
  const buf = await read(offset, length);
  if (buf.length !== length) {
    throw new IntegrityError(
      `${subject}: read of ${length} bytes at offset ${offset} returned ${buf.length} bytes`,
      subject,
    );
  }
  return buf;
}
