// native/aead: AES-256-GCM into given memory for the cipher worker. The
// store's own tests (slot-sealer, slot-opener, core-api) hold the worker to
// the format's bytes and its tamper errors; here the addon alone is held to
// node:crypto, its failures to a zeroed output, and its arguments to their
// sizes, and the worker is shown to run it.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO, scratch } from '../../helpers/paths';
import { cipherBackend } from '../../../app/core/store/cipher-worker';
import { nativeAeadPath } from '../../../app/core/store/native-aead';

interface Aead {
  sealChunkInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array, out: Uint8Array): number;
  openChunkInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array): number;
}

const file = nativeAeadPath();
const aead = file ? (createRequire(import.meta.url)(file) as Aead) : null;

function reference(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

describe('native AES-256-GCM (native/aead)', () => {
  it('[Q-3] is built in this checkout, and the cipher worker runs it', async () => {
    expect(file, 'scripts/build-native.sh builds native/aead/aead.node (setup.sh runs it)').not.toBeNull();
    expect(await cipherBackend()).toEqual({ backend: 'openssl-evp' });
  });

  it('[Q-3] [PL-2.2] seals byte for byte as node:crypto, into shared memory at an offset, and opens it back', () => {
    const a = aead!;
    const key = crypto.randomBytes(32);
    const aad = crypto.randomBytes(44);
    for (const n of [0, 1, 15, 16, 17, 4095, 65536, 262143, 262144]) {
      const nonce = crypto.randomBytes(12);
      const plain = crypto.randomBytes(n);
      const shared = Buffer.from(new SharedArrayBuffer(n + 16 + 100));
      const out = shared.subarray(37, 37 + n + 16);
      expect(a.sealChunkInto(key, nonce, aad, plain, out), `length ${n}`).toBe(n + 16);
      expect(Buffer.compare(out, reference(key, nonce, aad, plain)), `length ${n}`).toBe(0);
      expect(shared.subarray(0, 37).every((b) => b === 0) && shared.subarray(37 + n + 16).every((b) => b === 0), 'nothing written outside out').toBe(true);
      const back = Buffer.alloc(n);
      expect(a.openChunkInto(key, nonce, aad, out, back)).toBe(n);
      expect(back.equals(plain)).toBe(true);
    }
  });

  it('[Q-3] [DC-4] refuses a changed ciphertext, tag, AAD, nonce or key, and leaves nothing of the plaintext in out', () => {
    const a = aead!;
    const key = crypto.randomBytes(32);
    const nonce = crypto.randomBytes(12);
    const aad = crypto.randomBytes(44);
    const plain = crypto.randomBytes(100_000);
    const sealed = reference(key, nonce, aad, plain);
    const flip = (b: Buffer, i: number): Buffer => {
      const c = Buffer.from(b);
      c[i]! ^= 1;
      return c;
    };
    const cases: Array<[string, Parameters<Aead['openChunkInto']>]> = [
      ['ciphertext', [key, nonce, aad, flip(sealed, 5000), Buffer.alloc(0)]],
      ['tag', [key, nonce, aad, flip(sealed, sealed.length - 1), Buffer.alloc(0)]],
      ['aad', [key, nonce, flip(aad, 0), sealed, Buffer.alloc(0)]],
      ['nonce', [key, flip(nonce, 11), aad, sealed, Buffer.alloc(0)]],
      ['key', [flip(key, 31), nonce, aad, sealed, Buffer.alloc(0)]],
    ];
    for (const [what, args] of cases) {
      const out = Buffer.alloc(plain.length, 0xaa);
      args[4] = out;
      expect(a.openChunkInto(...args), what).toBe(-1);
      expect(out.every((b) => b === 0), `${what}: out zeroed`).toBe(true);
    }
    const out = Buffer.alloc(plain.length);
    expect(a.openChunkInto(key, nonce, aad, sealed, out)).toBe(plain.length);
    expect(out.equals(plain)).toBe(true);
  });

  it('[Q-2] a wrong argument throws, naming it, before any byte is written', () => {
    const a = aead!;
    const key = Buffer.alloc(32);
    const nonce = Buffer.alloc(12);
    const out = Buffer.alloc(16, 7);
    expect(() => a.sealChunkInto(key.subarray(1), nonce, out, Buffer.alloc(0), out)).toThrow(/key must be 32 bytes/);
    expect(() => a.sealChunkInto(key, nonce.subarray(1), out, Buffer.alloc(0), out)).toThrow(/nonce must be 12 bytes/);
    expect(() => a.sealChunkInto(key, nonce, Buffer.alloc(0), Buffer.alloc(1), out)).toThrow(/out must hold the input and a 16-byte tag/);
    expect(() => a.openChunkInto(key, nonce, Buffer.alloc(0), Buffer.alloc(15), out)).toThrow(/at least a 16-byte tag/);
    expect(() => a.openChunkInto(key, nonce, Buffer.alloc(0), Buffer.alloc(40), out)).toThrow(/out must hold the plaintext/);
    expect(() => a.sealChunkInto(key, nonce, Buffer.alloc(0), new Uint16Array(4) as unknown as Uint8Array, out)).toThrow(/input must be a Uint8Array/);
    expect(() => a.sealChunkInto(key, nonce, 'aad' as unknown as Uint8Array, Buffer.alloc(0), out)).toThrow(/aad must be a Uint8Array/);
    expect(() => (a.sealChunkInto as (...x: unknown[]) => number)(key, nonce)).toThrow(/expected \(key, nonce, aad, input, out\)/);
    expect(out.every((b) => b === 7)).toBe(true);
  });

  it('[Q-3] the Electron main finds it: from a CommonJS bundle, as build.mjs makes it, the worker runs the native cipher', async () => {
    // The Electron main is bundled as CommonJS, where import.meta is empty; the bundle lies under the root, as dist/electron does.
    const dir = fs.mkdtempSync(path.join(REPO, 'dist', 'cjs-probe-'));
    try {
      const outfile = path.join(dir, 'probe.cjs');
      await build({
        stdin: {
          contents: "import { cipherBackend } from './app/core/store/cipher-worker';\ncipherBackend().then((c) => { process.stdout.write(JSON.stringify(c)); process.exit(0); });\n",
          resolveDir: REPO,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: ['node20', 'es2021'],
        logLevel: 'silent',
        outfile,
      });
      expect(JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 30_000 }))).toEqual({ backend: 'openssl-evp' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[Q-3] in a packaged Electron app it is taken from app.asar.unpacked, which electron-builder.yml ships and unpacks', () => {
    const resources = scratch('asar-');
    try {
      const archive = path.join(resources, 'app.asar');
      // Electron shows the archive as a directory: the root's marks are inside it, the unpacked addon beside it.
      fs.mkdirSync(path.join(archive, 'kiosk-config'), { recursive: true });
      fs.writeFileSync(path.join(archive, 'package.json'), '{}');
      const unpacked = path.join(resources, 'app.asar.unpacked', 'native', 'aead', 'aead.node');
      expect(nativeAeadPath(path.join(archive, 'dist', 'electron'))).toBeNull();
      fs.mkdirSync(path.dirname(unpacked), { recursive: true });
      fs.writeFileSync(unpacked, '');
      expect(nativeAeadPath(path.join(archive, 'dist', 'electron'))).toBe(unpacked);
      const yml = fs.readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8');
      const files = /^files:\n((?:[ \t]+.*\n)*)/m.exec(yml)?.[1] ?? '';
      expect(files).toMatch(/^\s+- native\/aead\/aead\.node$/m);
      expect(yml).toMatch(/^asarUnpack:\n\s+- "\*\*\/\*\.node"\n/m);
    } finally {
      fs.rmSync(resources, { recursive: true, force: true });
    }
  });
});
