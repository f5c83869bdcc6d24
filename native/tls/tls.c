// The download's TLS connection on a thread of its own, decrypting straight
// into memory the caller gives (the store's slots). Node's TLS socket hands
// JavaScript one 16 KiB record at a time, each a callback, a copy out of its
// record buffer and a trip through its stream machinery; on the fetch's
// critical thread that costs 0.4-0.6 CPU-s a GiB more than OpenSSL's own
// reading (docs/performance.md, "A native TLS reader"). Here OpenSSL's
// SSL_read fills a whole slot on this thread and JavaScript hears once per
// slot.
//
// This file only carries bytes: it connects, checks the server's certificate
// against the given CA and host, presents the client's certificate, writes
// the request head it is given and reads what comes back. HTTP is parsed in
// TypeScript (app/core/tis/http-head.ts), as for Node's socket, so both
// transports share one parser and one set of tests.
//
//   open({host, port, ip, ca, cert, key, timeoutMs}, request, onResult) -> handle
//       Starts the thread: connect, handshake, write `request`.
//       onResult(code, message, n, final) answers each read() in turn: code
//       null and n bytes (n 0: the peer closed), or an error code in Node's
//       names (ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED,
//       ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_<REASON>, ...) so that the
//       client's classify() treats both transports alike. After a final
//       answer the thread has ended and the handle takes no more reads.
//   read(handle, view, fill)
//       One read into `view` (a Uint8Array, also a view of shared memory):
//       with fill, until it is full or the stream ends; else what one
//       SSL_read gives. One read at a time; `view` is kept alive until its
//       answer, and must not be transferred (detached) before it.
//   destroy(handle)
//       Shuts the socket down; a pending read is answered ECONNABORTED.
//
// The key's bytes are copied only into OpenSSL and the copy cleansed. No
// argument reaches a shell, a file or the environment.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

// Forward-secret AEAD suites only for TLS 1.2; TLS 1.3's are all AEAD.
#define TLS12_CIPHERS \
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
  "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"

typedef struct {
  unsigned char *data;
  size_t len;
} bytes;

typedef struct {
  char code[64];
  char message[256];
} failure;

typedef struct {
  long n;     // bytes read, when code is empty
  int final;  // the thread ends after this answer
  failure f;  // code "" when the read succeeded
} answer;

typedef struct conn {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int refs;     // the JS handle, the thread, the thread-safe function
  int fd;       // -1 until connected and after the thread closed it
  int closing;  // destroy() was called
  // The read the thread is to do next (set on the JS thread, under mu).
  int has_read;
  unsigned char *buf;
  size_t len;
  int fill;
  // What the thread needs, owned copies.
  char *host;
  char port[8];
  int ip;
  bytes ca, cert, key, request;
  int timeout_ms;
  napi_threadsafe_function tsfn;
  // JS-thread-only state.
  napi_ref view_ref;  // the pending read's memory
  int reading;        // a read is pending
  int done;           // the final answer was given
} conn;

static void bytes_free(bytes *b, int secret) {
  if (b->data && secret) OPENSSL_cleanse(b->data, b->len);
  free(b->data);
  b->data = NULL;
  b->len = 0;
}

static void conn_unref(conn *c) {
  pthread_mutex_lock(&c->mu);
  int left = --c->refs;
  pthread_mutex_unlock(&c->mu);
  if (left > 0) return;
  bytes_free(&c->ca, 0);
  bytes_free(&c->cert, 0);
  bytes_free(&c->key, 1);
  bytes_free(&c->request, 0);
  free(c->host);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->cv);
  free(c);
}

static void set_failure(failure *f, const char *code, const char *message) {
  snprintf(f->code, sizeof f->code, "%s", code);
  snprintf(f->message, sizeof f->message, "%s", message);
}

static void errno_failure(failure *f, int err, const char *what) {
  const char *name = strerrorname_np(err);
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  set_failure(f, name ? name : "EIO", msg);
}

// Node's names for the verification errors errors.ts knows; every other
// failure of the chain is still a server that is not trusted.
static const char *verify_code(long v) {
  switch (v) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "UNABLE_TO_GET_ISSUER_CERT";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "CERT_HAS_EXPIRED";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "CERT_NOT_YET_VALID";
    case X509_V_ERR_CERT_UNTRUSTED: return "CERT_UNTRUSTED";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "CERT_SIGNATURE_FAILURE";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return "ERR_TLS_CERT_ALTNAME_INVALID";
    default: return "CERT_REJECTED";
  }
}

// OpenSSL's reason, as Node names it: ERR_SSL_ and the reason in capitals,
// spaces as underscores (e.g. ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED).
static void ssl_failure(failure *f, const char *what) {
  unsigned long e = ERR_peek_last_error();
  const char *reason = e ? ERR_reason_error_string(e) : NULL;
  char code[64] = "ERR_SSL_";
  size_t k = strlen(code);
  for (const char *p = reason ? reason : "unknown"; *p && k + 1 < sizeof code; p++, k++) {
    char ch = *p;
    code[k] = ch == ' ' ? '_' : (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
  }
  code[k] = 0;
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, reason ? reason : "TLS failure");
  set_failure(f, code, msg);
  ERR_clear_error();
}

// Why an SSL call returned r: a closed stream (0), or a failure (-1, in f).
static int ssl_trouble(conn *c, SSL *ssl, int r, const char *what, failure *f) {
  int se = SSL_get_error(ssl, r);
  int err = errno;
  pthread_mutex_lock(&c->mu);
  int closing = c->closing;
  pthread_mutex_unlock(&c->mu);
  if (closing) {
    set_failure(f, "ECONNABORTED", "the connection was closed by the client");
    return -1;
  }
  if (se == SSL_ERROR_ZERO_RETURN) return 0;
  // The socket blocks, so "try again" means its SO_RCVTIMEO or SO_SNDTIMEO ran out.
  int timed_out = se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE || (se == SSL_ERROR_SYSCALL && (err == EAGAIN || err == EWOULDBLOCK));
  if (timed_out) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: no data for %d ms", what, c->timeout_ms);
    set_failure(f, "ETIMEDOUT", msg);
    ERR_clear_error();
    return -1;
  }
  if (se == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    if (err == 0) return 0;
    errno_failure(f, err, what);
    return -1;
  }
  ssl_failure(f, what);
  return -1;
}

static int connect_tcp(conn *c, failure *f) {
  struct addrinfo hints = {0}, *list = NULL;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  int g = getaddrinfo(c->host, c->port, &hints, &list);
  if (g != 0) {
    char msg[256];
    snprintf(msg, sizeof msg, "getaddrinfo %s: %s", c->host, gai_strerror(g));
    set_failure(f, g == EAI_AGAIN ? "EAI_AGAIN" : "ENOTFOUND", msg);
    return -1;
  }
  int last = ECONNREFUSED;
  for (struct addrinfo *a = list; a; a = a->ai_next) {
    int s = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      last = errno;
      continue;
    }
    struct timeval tv = {c->timeout_ms / 1000, (c->timeout_ms % 1000) * 1000};
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);  // connect() too, on Linux
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_mutex_lock(&c->mu);
    int closing = c->closing;
    if (!closing) c->fd = s;
    pthread_mutex_unlock(&c->mu);
    if (closing) {
      close(s);
      freeaddrinfo(list);
      set_failure(f, "ECONNABORTED", "the connection was closed by the client");
      return -1;
    }
    if (connect(s, a->ai_addr, a->ai_addrlen) == 0) {
      freeaddrinfo(list);
      return 0;
    }
    last = errno == EINPROGRESS ? ETIMEDOUT : errno;
    pthread_mutex_lock(&c->mu);
    c->fd = -1;
    pthread_mutex_unlock(&c->mu);
    close(s);
  }
  freeaddrinfo(list);
  errno_failure(f, last, "connect");
  return -1;
}

static int load_identity(conn *c, SSL_CTX *ctx, failure *f) {
  int ok = 0;
  BIO *b = BIO_new_mem_buf(c->ca.data, (int)c->ca.len);
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  X509 *x;
  int cas = 0;
  while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
    if (X509_STORE_add_cert(store, x) == 1) cas++;
    X509_free(x);
  }
  BIO_free(b);
  ERR_clear_error();  // the end of the PEM list reads as an error
  if (cas == 0) {
    set_failure(f, "ERR_TLS_CA", "no CA certificate could be read from ca");
    return -1;
  }
  b = BIO_new_mem_buf(c->cert.data, (int)c->cert.len);
  x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
  if (x && SSL_CTX_use_certificate(ctx, x) == 1) {
    ok = 1;
    X509 *more;
    while ((more = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
      if (SSL_CTX_add0_chain_cert(ctx, more) != 1) X509_free(more);
    }
  }
  X509_free(x);
  BIO_free(b);
  ERR_clear_error();
  if (!ok) {
    set_failure(f, "ERR_TLS_CERT", "the client certificate could not be read from cert");
    return -1;
  }
  b = BIO_new_mem_buf(c->key.data, (int)c->key.len);
  EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
  BIO_free(b);
  bytes_free(&c->key, 1);  // in OpenSSL now, or unusable: either way not kept here
  ok = k && SSL_CTX_use_PrivateKey(ctx, k) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(k);
  ERR_clear_error();
  if (!ok) {
    set_failure(f, "ERR_TLS_KEY", "the client key could not be read from key, or does not match cert");
    return -1;
  }
  return 0;
}

static SSL *handshake(conn *c, SSL_CTX **ctx_out, failure *f) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  *ctx_out = ctx;
  if (!ctx) {
    ssl_failure(f, "TLS context");
    return NULL;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (load_identity(c, ctx, f) != 0) return NULL;
  SSL *ssl = SSL_new(ctx);
  if (!ssl) {
    ssl_failure(f, "TLS session");
    return NULL;
  }
  X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
  // An address is checked against the certificate's IP names; a name against its DNS names, and sent as SNI.
  int named = c->ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, c->host) : (SSL_set1_host(ssl, c->host) && SSL_set_tlsext_host_name(ssl, c->host));
  if (named != 1 || SSL_set_fd(ssl, c->fd) != 1) {
    ssl_failure(f, "TLS session");
    SSL_free(ssl);
    return NULL;
  }
  ERR_clear_error();
  errno = 0;
  int r = SSL_connect(ssl);
  if (r != 1) {
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK) {
      char msg[256];
      snprintf(msg, sizeof msg, "the server's certificate: %s", X509_verify_cert_error_string(v));
      set_failure(f, verify_code(v), msg);
      ERR_clear_error();
    } else if (ssl_trouble(c, ssl, r, "TLS handshake", f) == 0) {
      set_failure(f, "ECONNRESET", "TLS handshake: the server closed the connection");
    }
    SSL_free(ssl);
    return NULL;
  }
  return ssl;
}

static int write_all(conn *c, SSL *ssl, failure *f) {
  ERR_clear_error();
  errno = 0;
  int r = SSL_write(ssl, c->request.data, (int)c->request.len);
  if (r == (int)c->request.len) return 0;
  if (ssl_trouble(c, ssl, r, "sending the request", f) == 0) set_failure(f, "EPIPE", "sending the request: the server closed the connection");
  return -1;
}

/** Reads into buf: one SSL_read, or (fill) until len. Returns bytes, 0 at the stream's end, -1 on failure (in f) with nothing read. */
static long read_some(conn *c, SSL *ssl, unsigned char *buf, size_t len, int fill, failure *f, int *ended) {
  size_t got = 0;
  while (got < len) {
    size_t want = len - got;
    ERR_clear_error();
    errno = 0;
    int r = SSL_read(ssl, buf + got, want > INT_MAX ? INT_MAX : (int)want);
    if (r > 0) {
      got += (size_t)r;
      if (!fill) break;
      continue;
    }
    int t = ssl_trouble(c, ssl, r, "reading", f);
    *ended = 1;
    if (t == 0) {
      f->code[0] = 0;  // a clean end: the next read answers 0
      return (long)got;
    }
    // Bytes already read are answered first; the failure with the next read.
    return got > 0 ? (long)got : -1;
  }
  return (long)got;
}

/** Waits for the next read; false when destroy() came first. */
static int next_read(conn *c, unsigned char **buf, size_t *len, int *fill) {
  pthread_mutex_lock(&c->mu);
  while (!c->has_read && !c->closing) pthread_cond_wait(&c->cv, &c->mu);
  int have = c->has_read;
  *buf = c->buf;
  *len = c->len;
  *fill = c->fill;
  pthread_mutex_unlock(&c->mu);
  return have;
}

static int post(conn *c, long n, int final, const failure *f) {
  answer *a = calloc(1, sizeof *a);
  if (!a) return -1;
  a->n = n;
  a->final = final;
  if (f) a->f = *f;
  pthread_mutex_lock(&c->mu);
  c->has_read = 0;  // before the answer: JavaScript may ask again from its callback
  pthread_mutex_unlock(&c->mu);
  if (napi_call_threadsafe_function(c->tsfn, a, napi_tsfn_blocking) != napi_ok) {
    free(a);
    return -1;
  }
  return 0;
}

static void *run(void *arg) {
  conn *c = arg;
  failure f = {{0}, {0}};
  SSL_CTX *ctx = NULL;
  SSL *ssl = NULL;
  int ok = connect_tcp(c, &f) == 0 && (ssl = handshake(c, &ctx, &f)) != NULL && write_all(c, ssl, &f) == 0;
  bytes_free(&c->key, 1);
  // Answer reads until the stream ends or fails, then once more with that.
  int ended = !ok;
  unsigned char *buf;
  size_t len;
  int fill;
  while (next_read(c, &buf, &len, &fill)) {
    if (ended) {
      post(c, 0, 1, f.code[0] ? &f : NULL);
      break;
    }
    pthread_mutex_lock(&c->mu);
    int closing = c->closing;
    pthread_mutex_unlock(&c->mu);
    if (closing) {
      set_failure(&f, "ECONNABORTED", "the connection was closed by the client");
      post(c, 0, 1, &f);
      break;
    }
    long n = read_some(c, ssl, buf, len, fill, &f, &ended);
    if (n < 0) {
      post(c, 0, 1, &f);
      break;
    }
    if (n == 0) {
      post(c, 0, 1, NULL);
      break;
    }
    if (post(c, n, 0, NULL) != 0) break;
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  pthread_mutex_lock(&c->mu);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  pthread_mutex_unlock(&c->mu);
  napi_release_threadsafe_function(c->tsfn, napi_tsfn_release);
  conn_unref(c);
  return NULL;
}

/* ---- the JavaScript side ---- */

static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  conn *c = context;
  answer *a = data;
  if (env == NULL) {  // the environment is going away
    free(a);
    return;
  }
  if (c->view_ref) {
    napi_delete_reference(env, c->view_ref);
    c->view_ref = NULL;
  }
  c->reading = 0;
  if (a->final) c->done = 1;
  napi_unref_threadsafe_function(env, c->tsfn);
  napi_value argv[4], undefined;
  napi_get_undefined(env, &undefined);
  if (a->f.code[0]) {
    napi_create_string_utf8(env, a->f.code, NAPI_AUTO_LENGTH, &argv[0]);
    napi_create_string_utf8(env, a->f.message, NAPI_AUTO_LENGTH, &argv[1]);
  } else {
    napi_get_null(env, &argv[0]);
    napi_get_null(env, &argv[1]);
  }
  napi_create_double(env, (double)a->n, &argv[2]);
  napi_get_boolean(env, a->final, &argv[3]);
  free(a);
  napi_call_function(env, undefined, cb, 4, argv, NULL);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  conn_unref(data);
}

static void shut(conn *c) {
  pthread_mutex_lock(&c->mu);
  c->closing = 1;
  if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
}

static void handle_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  shut(data);
  conn_unref(data);
}

static int get_bytes(napi_env env, napi_value v, bytes *out, int copy, const char *name) {
  bool is;
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is || napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a Uint8Array", name);
    napi_throw_type_error(env, NULL, msg);
    return -1;
  }
  if (!copy) {
    out->data = data;
    out->len = len;
    return 0;
  }
  if (len > (size_t)INT_MAX) {  // OpenSSL takes these lengths as int
    char msg[96];
    snprintf(msg, sizeof msg, "%s is too large", name);
    napi_throw_range_error(env, NULL, msg);
    return -1;
  }
  out->data = malloc(len ? len : 1);
  if (!out->data) {
    napi_throw_error(env, NULL, "tls: out of memory");
    return -1;
  }
  memcpy(out->data, data, len);
  out->len = len;
  return 0;
}

static napi_value prop(napi_env env, napi_value obj, const char *name) {
  napi_value v = NULL;
  napi_get_named_property(env, obj, name, &v);
  return v;
}

static conn *unwrap(napi_env env, napi_value v) {
  void *p = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &p) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a connection handle");
    return NULL;
  }
  return p;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype t;
  if (argc < 3 || napi_typeof(env, argv[2], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "expected (options, request, onResult)");
    return NULL;
  }
  conn *c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, NULL, "tls: out of memory");
    return NULL;
  }
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, NULL);
  c->fd = -1;
  c->refs = 1;  // the handle's, until the others are taken
  napi_value opts = argv[0];
  size_t hlen = 0;
  double port = 0, timeout = 0;
  bool ip = false;
  napi_value host = prop(env, opts, "host");
  if (napi_get_value_string_utf8(env, host, NULL, 0, &hlen) != napi_ok || hlen == 0 || hlen > 253) {
    napi_throw_type_error(env, NULL, "host must be a name or an address");
    goto fail;
  }
  c->host = malloc(hlen + 1);
  if (!c->host) goto oom;
  napi_get_value_string_utf8(env, host, c->host, hlen + 1, &hlen);
  if (napi_get_value_double(env, prop(env, opts, "port"), &port) != napi_ok || port < 1 || port > 65535 || port != (int)port) {
    napi_throw_range_error(env, NULL, "port must be 1-65535");
    goto fail;
  }
  snprintf(c->port, sizeof c->port, "%d", (int)port);
  if (napi_get_value_double(env, prop(env, opts, "timeoutMs"), &timeout) != napi_ok || timeout < 1 || timeout > 86400000) {
    napi_throw_range_error(env, NULL, "timeoutMs must be 1-86400000");
    goto fail;
  }
  c->timeout_ms = (int)timeout;
  napi_get_value_bool(env, prop(env, opts, "ip"), &ip);
  c->ip = ip;
  if (get_bytes(env, prop(env, opts, "ca"), &c->ca, 1, "ca") || get_bytes(env, prop(env, opts, "cert"), &c->cert, 1, "cert") ||
      get_bytes(env, prop(env, opts, "key"), &c->key, 1, "key") || get_bytes(env, argv[1], &c->request, 1, "request"))
    goto fail;
  napi_value name;
  napi_create_string_utf8(env, "court-kiosk tls", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, c, tsfn_finalize, c, call_js, &c->tsfn) != napi_ok) {
    napi_throw_error(env, NULL, "tls: no thread-safe function");
    goto fail;
  }
  c->refs = 3;
  // Kept referenced only while a read is pending, as a socket keeps the loop alive only while it reads.
  napi_unref_threadsafe_function(env, c->tsfn);
  napi_value handle;
  if (napi_create_external(env, c, handle_finalize, NULL, &handle) != napi_ok) {
    // Without a handle nobody could stop the thread: do not start it.
    napi_release_threadsafe_function(c->tsfn, napi_tsfn_abort);  // its finalizer drops one ref
    c->refs -= 1;                                                // the thread's
    napi_throw_error(env, NULL, "tls: no handle");
    conn_unref(c);
    return NULL;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // The thread starts with every signal blocked: signals stay the main thread's (Node's and
  // Electron's handlers), and a write to a socket the peer closed gives EPIPE, never SIGPIPE.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t th;
  int e = pthread_create(&th, &attr, run, c);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (e != 0) {
    napi_release_threadsafe_function(c->tsfn, napi_tsfn_abort);
    conn_unref(c);  // the thread's; the handle's goes with its finalizer
    napi_throw_error(env, NULL, "tls: no thread");
    return NULL;
  }
  return handle;
oom:
  napi_throw_error(env, NULL, "tls: out of memory");
fail:
  conn_unref(c);
  return NULL;
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "expected (handle, view, fill)");
    return NULL;
  }
  conn *c = unwrap(env, argv[0]);
  if (!c) return NULL;
  pthread_mutex_lock(&c->mu);
  int closing = c->closing;
  pthread_mutex_unlock(&c->mu);
  // After destroy() the thread may have ended without a last answer: nobody would answer this read.
  if (c->done || closing || c->reading) {
    napi_throw_error(env, NULL, c->reading ? "tls: a read is already pending" : "tls: the connection has ended");
    return NULL;
  }
  bytes view;
  if (get_bytes(env, argv[1], &view, 0, "view")) return NULL;
  if (view.len == 0) {
    napi_throw_range_error(env, NULL, "view must not be empty");
    return NULL;
  }
  bool fill = false;
  napi_get_value_bool(env, argv[2], &fill);
  if (napi_create_reference(env, argv[1], 1, &c->view_ref) != napi_ok) {
    napi_throw_error(env, NULL, "tls: no reference");
    return NULL;
  }
  c->reading = 1;
  napi_ref_threadsafe_function(env, c->tsfn);
  pthread_mutex_lock(&c->mu);
  c->buf = view.data;
  c->len = view.len;
  c->fill = fill;
  c->has_read = 1;
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

static napi_value js_destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  conn *c = argc == 1 ? unwrap(env, argv[0]) : NULL;
  if (!c) return NULL;
  shut(c);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"read", NULL, js_read, NULL, NULL, NULL, napi_enumerable, NULL},
      {"destroy", NULL, js_destroy, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}
