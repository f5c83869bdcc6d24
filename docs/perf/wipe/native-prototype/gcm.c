// PROTOTYPE, NOT PART OF THE PRODUCT: the measurement behind "A native AES-GCM" in
// docs/performance.md (2026-12-06, evening). AES-256-GCM chunks of the store's format
// (./check.cjs holds it to node:crypto) sealed with OpenSSL's EVP straight into given memory.
// No bounds checks: do not load it with untrusted arguments.
//   gcc -O2 -fPIC -shared -I/usr/include/node -o gcm.node gcm.c -lcrypto
#include <node_api.h>
#include <openssl/evp.h>
#include <string.h>
// sealChunks(key32, aad, counter, src, srcOff, srcLen, dst, dstOff, cs, lastAtEnd) -> bytes written
static void *ptr(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type t; size_t n; void *data; napi_value ab; size_t off;
  napi_get_typedarray_info(env, v, &t, &n, &data, &ab, &off); *len = n; return data;
}
static napi_value seal(napi_env env, napi_callback_info info) {
  size_t argc = 8; napi_value a[8]; napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  size_t kl, al, sl, dl; unsigned char *key = ptr(env, a[0], &kl), *aad = ptr(env, a[1], &al), *src = ptr(env, a[3], &sl), *dst = ptr(env, a[4], &dl);
  double ctr; napi_get_value_double(env, a[2], &ctr); uint32_t cs; napi_get_value_uint32(env, a[5], &cs);
  bool last; napi_get_value_bool(env, a[6], &last);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new(); size_t o = 0; unsigned long long k = (unsigned long long)ctr;
  EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, NULL);
  for (size_t off = 0; off < sl; off += cs, k++) {
    size_t n = sl - off < cs ? sl - off : cs; unsigned char iv[12] = {0};
    for (int b = 0; b < 6; b++) iv[10 - b] = (k >> (8 * b)) & 0xff;
    iv[11] = (last && off + n >= sl) ? 1 : 0; int ol;
    EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv);
    EVP_EncryptUpdate(c, NULL, &ol, aad, al);
    EVP_EncryptUpdate(c, dst + o, &ol, src + off, n); o += ol;
    EVP_EncryptFinal_ex(c, dst + o, &ol); o += ol;
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, dst + o); o += 16;
  }
  EVP_CIPHER_CTX_free(c);
  napi_value r; napi_create_double(env, (double)o, &r); return r;
}
NAPI_MODULE_INIT() { napi_value f; napi_create_function(env, "seal", NAPI_AUTO_LENGTH, seal, NULL, &f); napi_set_named_property(env, exports, "seal", f); return exports; }
