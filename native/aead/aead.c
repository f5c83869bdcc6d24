// AES-256-GCM of one store chunk, into memory the caller gives: the cipher
// worker's (app/core/store/cipher-worker.ts) way past node:crypto, whose
// update() returns a new buffer for every chunk. For GCM Node 20 allocates
// len + 1 bytes, then a zero-filled buffer of len and copies into it; with the
// page faults behind those allocations that cost the worker as much as the
// cipher itself (docs/performance.md, "Slot wipes by memset"). Here OpenSSL's
// EVP writes the ciphertext and tag, or the checked plaintext, straight into
// the slot.
//
// The format is decided in JavaScript (nonce, AAD, chunk boundaries:
// ../../app/core/store/chunked-aead.ts); this file only runs the cipher, so
// the worker and the JS fallback share one definition of the format, and the
// store's tests hold the two to the same bytes.
//
//   sealChunkInto(key, nonce, aad, plain, out)  -> bytes written: plain.length + 16
//       out receives ciphertext || tag.
//   openChunkInto(key, nonce, aad, sealed, out) -> plaintext bytes, or -1 when the
//       tag does not verify; out's first sealed.length - 16 bytes are then
//       zeroed, so nothing unauthenticated is left in it.
// Every argument is a Uint8Array (a Buffer, or a view of shared memory). A
// wrong type or size throws a TypeError or RangeError before any byte is
// read or written.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define KEY_LEN 32
#define NONCE_LEN 12
#define TAG_LEN 16

typedef struct {
  unsigned char *data;
  size_t len;
} bytes;

// One context per thread that loads the addon (each worker is its own
// napi_env), reset after every chunk so no key schedule stays in it.
typedef struct {
  EVP_CIPHER_CTX *ctx;
} instance;

static void instance_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  instance *inst = data;
  EVP_CIPHER_CTX_free(inst->ctx);
  free(inst);
}

static int arg_bytes(napi_env env, napi_value v, const char *name, bytes *out) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a Uint8Array", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a Uint8Array", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (length > INT_MAX) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s is longer than %d bytes", name, INT_MAX);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  out->data = data;
  out->len = length;
  return 1;
}

static int args(napi_env env, napi_callback_info info, bytes b[5], instance **inst) {
  size_t argc = 5;
  napi_value argv[5];
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return 0;
  if (argc != 5) {
    napi_throw_type_error(env, NULL, "expected (key, nonce, aad, input, out)");
    return 0;
  }
  static const char *names[5] = {"key", "nonce", "aad", "input", "out"};
  for (int i = 0; i < 5; i++)
    if (!arg_bytes(env, argv[i], names[i], &b[i])) return 0;
  if (b[0].len != KEY_LEN) {
    napi_throw_range_error(env, NULL, "key must be 32 bytes");
    return 0;
  }
  if (b[1].len != NONCE_LEN) {
    napi_throw_range_error(env, NULL, "nonce must be 12 bytes");
    return 0;
  }
  if (napi_get_instance_data(env, (void **)inst) != napi_ok || *inst == NULL) {
    napi_throw_error(env, NULL, "aead: no cipher context");
    return 0;
  }
  return 1;
}

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value fail(napi_env env, EVP_CIPHER_CTX *ctx, const char *what) {
  EVP_CIPHER_CTX_reset(ctx);
  napi_throw_error(env, NULL, what);
  return NULL;
}

/* Sets ctx up for AES-256-GCM with a 12-byte nonce, to seal (enc 1) or open (enc 0), and feeds it the AAD. */
static int begin(EVP_CIPHER_CTX *ctx, int enc, const bytes *key, const bytes *nonce, const bytes *aad) {
  int n = 0;
  return EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
         EVP_CipherInit_ex(ctx, NULL, NULL, key->data, nonce->data, enc) == 1 &&
         (aad->len == 0 || EVP_CipherUpdate(ctx, NULL, &n, aad->data, (int)aad->len) == 1);
}

static napi_value seal_chunk_into(napi_env env, napi_callback_info info) {
  bytes b[5];
  instance *inst;
  if (!args(env, info, b, &inst)) return NULL;
  bytes key = b[0], nonce = b[1], aad = b[2], plain = b[3], out = b[4];
  if (plain.len > INT_MAX - TAG_LEN || out.len < plain.len + TAG_LEN) {
    napi_throw_range_error(env, NULL, "out must hold the input and a 16-byte tag");
    return NULL;
  }
  EVP_CIPHER_CTX *ctx = inst->ctx;
  int n = 0, m = 0;
  if (!begin(ctx, 1, &key, &nonce, &aad) ||
      (plain.len > 0 && EVP_EncryptUpdate(ctx, out.data, &n, plain.data, (int)plain.len) != 1))
    return fail(env, ctx, "aead: sealing failed");
  if (plain.len == 0) n = 0;
  if (EVP_EncryptFinal_ex(ctx, out.data + n, &m) != 1 || (size_t)(n + m) != plain.len ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out.data + plain.len) != 1)
    return fail(env, ctx, "aead: sealing failed");
  EVP_CIPHER_CTX_reset(ctx);
  return number(env, (double)(plain.len + TAG_LEN));
}

static napi_value open_chunk_into(napi_env env, napi_callback_info info) {
  bytes b[5];
  instance *inst;
  if (!args(env, info, b, &inst)) return NULL;
  bytes key = b[0], nonce = b[1], aad = b[2], sealed = b[3], out = b[4];
  if (sealed.len < TAG_LEN) {
    napi_throw_range_error(env, NULL, "input must hold at least a 16-byte tag");
    return NULL;
  }
  size_t plen = sealed.len - TAG_LEN;
  if (out.len < plen) {
    napi_throw_range_error(env, NULL, "out must hold the plaintext");
    return NULL;
  }
  // OpenSSL wants a writable tag; copy it rather than cast away the input's constness.
  unsigned char tag[TAG_LEN];
  memcpy(tag, sealed.data + plen, TAG_LEN);
  EVP_CIPHER_CTX *ctx = inst->ctx;
  int n = 0, m = 0;
  if (!begin(ctx, 0, &key, &nonce, &aad) ||
      (plen > 0 && EVP_DecryptUpdate(ctx, out.data, &n, sealed.data, (int)plen) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1) {
    OPENSSL_cleanse(out.data, plen);
    return fail(env, ctx, "aead: opening failed");
  }
  if (plen == 0) n = 0;
  int ok = EVP_DecryptFinal_ex(ctx, out.data + n, &m) == 1 && (size_t)(n + m) == plen;
  EVP_CIPHER_CTX_reset(ctx);
  if (!ok) {
    OPENSSL_cleanse(out.data, plen);
    return number(env, -1);
  }
  return number(env, (double)plen);
}

NAPI_MODULE_INIT() {
  instance *inst = calloc(1, sizeof *inst);
  if (!inst || !(inst->ctx = EVP_CIPHER_CTX_new())) {
    free(inst);
    napi_throw_error(env, NULL, "aead: out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, inst, instance_free, NULL) != napi_ok) {
    EVP_CIPHER_CTX_free(inst->ctx);
    free(inst);
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"sealChunkInto", NULL, seal_chunk_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openChunkInto", NULL, open_chunk_into, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}
