// A streaming fetch written in C, as a reference for bench/tis.ts: the least a
// client can do that fetches a part over mutual TLS and, as the bytes arrive,
// hashes them (SHA-256), seals them (AES-256-GCM in 256 KiB chunks, as the
// store) and writes the sealed bytes with O_DIRECT, fsynced once at the end.
// No JavaScript, no V8, no libuv: OpenSSL's own TLS, SHA-256 and AES-GCM, a
// ring of 4 MiB slots shared by POSIX threads. It answers one question the
// "necessary work at once" ceiling cannot: how fast a client can be that
// must hash and seal bytes only after they arrive.
//
// --workers 2: the TLS thread fills slots; one thread hashes them and another
//   seals and writes them (the kiosk's layout: main thread, hash worker,
//   cipher worker).
// --workers 1: one thread hashes and seals each 256 KiB chunk in turn (in
//   cache), then writes.
// --workers 0: the TLS thread does all of it, chunk by chunk.
//
// Build: cc -O2 -pthread -o native-fetch native-fetch.c -lssl -lcrypto
// Usage: native-fetch URL CA CERT KEY OUT [--workers N] [--slots N]
// Prints one JSON line: bytes, seconds, sha256, the CPU seconds of each thread.
// A bench tool only: the product fetches with app/core/tis.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOT (4u << 20)
#define CHUNK (256u << 10)
#define TAG 16u
#define BLOCK 4096u
#define MAX_SLOTS 64

static void die(const char *what) {
  fprintf(stderr, "native-fetch: %s: %s\n", what, errno ? strerror(errno) : "failed");
  ERR_print_errors_fp(stderr);
  exit(1);
}

static double now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the ring of slots ---- */
typedef struct {
  unsigned char *mem;
  size_t len;      /* bytes filled */
  uint64_t seq;    /* which slot of the stream this holds, +1; 0: free */
  int pending;     /* workers still to finish with it */
} slot_t;

static slot_t slots[MAX_SLOTS];
static int nslots = 4;
static int workers = 2;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t filled = PTHREAD_COND_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static uint64_t published = 0; /* slots of the stream filled so far */
static int finished = 0;       /* the stream ended */

/* ---- hashing ---- */
static EVP_MD_CTX *md;
static double hash_cpu = 0;

/* ---- sealing and writing ---- */
static unsigned char key[32];
static uint64_t nonce_ctr = 0;
static EVP_CIPHER_CTX *cx;
static unsigned char *out;     /* aligned staging for O_DIRECT writes */
static size_t out_len = 0;
static off_t out_off = 0;
static int fd = -1;
static double seal_cpu = 0;

static void seal_chunk(const unsigned char *p, size_t n) {
  unsigned char iv[12] = {0};
  uint64_t c = ++nonce_ctr;
  memcpy(iv + 4, &c, 8);
  int k = 0;
  if (EVP_EncryptInit_ex(cx, NULL, NULL, key, iv) != 1) die("EncryptInit");
  if (EVP_EncryptUpdate(cx, out + out_len, &k, p, (int)n) != 1) die("EncryptUpdate");
  out_len += (size_t)k;
  if (EVP_EncryptFinal_ex(cx, out + out_len, &k) != 1) die("EncryptFinal");
  out_len += (size_t)k;
  if (EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, TAG, out + out_len) != 1) die("GetTag");
  out_len += TAG;
}

/** Writes the whole blocks staged so far, keeping the partial block at the front. */
static void flush_blocks(void) {
  size_t whole = out_len - out_len % BLOCK;
  for (size_t w = 0; w < whole;) {
    ssize_t r = pwrite(fd, out + w, whole - w, out_off);
    if (r < 0) die("pwrite");
    w += (size_t)r;
    out_off += r;
  }
  memmove(out, out + whole, out_len - whole);
  out_len -= whole;
}

static void seal_slot(const unsigned char *p, size_t n) {
  for (size_t o = 0; o < n; o += CHUNK) seal_chunk(p + o, n - o < CHUNK ? n - o : CHUNK);
  flush_blocks();
}

/** Hashes and seals each chunk in turn, while it is in cache. */
static void both_slot(const unsigned char *p, size_t n) {
  for (size_t o = 0; o < n; o += CHUNK) {
    size_t k = n - o < CHUNK ? n - o : CHUNK;
    if (EVP_DigestUpdate(md, p + o, k) != 1) die("DigestUpdate");
    seal_chunk(p + o, k);
  }
  flush_blocks();
}

/* ---- workers ---- */
typedef void (*work_fn)(const unsigned char *, size_t);

static void hash_slot(const unsigned char *p, size_t n) {
  if (EVP_DigestUpdate(md, p, n) != 1) die("DigestUpdate");
}

static void *worker(void *arg) {
  work_fn f = (work_fn)arg;
  uint64_t next = 1;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (published < next && !finished) pthread_cond_wait(&filled, &mu);
    if (published < next) {
      pthread_mutex_unlock(&mu);
      break;
    }
    slot_t *s = &slots[(next - 1) % (uint64_t)nslots];
    pthread_mutex_unlock(&mu);
    f(s->mem, s->len);
    pthread_mutex_lock(&mu);
    if (--s->pending == 0) {
      s->seq = 0;
      pthread_cond_signal(&freed);
    }
    pthread_mutex_unlock(&mu);
    next += 1;
  }
  double c = now(CLOCK_THREAD_CPUTIME_ID);
  if (f == hash_slot) hash_cpu = c;
  else seal_cpu = c;
  return NULL;
}

/** The slot for stream slot `seq` (1-based), once it is free. */
static slot_t *take(uint64_t seq) {
  slot_t *s = &slots[(seq - 1) % (uint64_t)nslots];
  pthread_mutex_lock(&mu);
  while (s->seq != 0) pthread_cond_wait(&freed, &mu);
  pthread_mutex_unlock(&mu);
  s->len = 0;
  return s;
}

static void publish(slot_t *s, uint64_t seq) {
  if (workers == 0) {
    both_slot(s->mem, s->len);
    return;
  }
  pthread_mutex_lock(&mu);
  s->seq = seq;
  s->pending = workers;
  published = seq;
  pthread_cond_broadcast(&filled);
  pthread_mutex_unlock(&mu);
}

/* ---- TLS and HTTP ---- */
static int connect_to(const char *host, const char *port) {
  struct addrinfo hints = {0}, *ai;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &ai) != 0) die("getaddrinfo");
  int s = socket(ai->ai_family, SOCK_STREAM, 0);
  if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen) != 0) die("connect");
  freeaddrinfo(ai);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: native-fetch URL CA CERT KEY OUT [--workers 0|1|2] [--slots N]\n");
    return 2;
  }
  for (int i = 6; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--workers") == 0) workers = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--slots") == 0) nslots = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "native-fetch: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (workers < 0 || workers > 2 || nslots < 1 || nslots > MAX_SLOTS) {
    fprintf(stderr, "native-fetch: --workers 0..2, --slots 1..%d\n", MAX_SLOTS);
    return 2;
  }
  if (workers == 0) nslots = 1;

  /* https://HOST:PORT/PATH */
  const char *url = argv[1];
  if (strncmp(url, "https://", 8) != 0) die("URL must be https://");
  char host[256], port[16] = "443";
  const char *hp = url + 8, *slash = strchr(hp, '/');
  const char *path = slash ? slash : "/";
  size_t hl = slash ? (size_t)(slash - hp) : strlen(hp);
  if (hl >= sizeof host) die("host too long");
  memcpy(host, hp, hl);
  host[hl] = 0;
  char *colon = strrchr(host, ':');
  if (colon) {
    snprintf(port, sizeof port, "%s", colon + 1);
    *colon = 0;
  }

  double w0 = now(CLOCK_MONOTONIC);

  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx || SSL_CTX_load_verify_locations(ctx, argv[2], NULL) != 1) die("CA");
  if (SSL_CTX_use_certificate_chain_file(ctx, argv[3]) != 1 || SSL_CTX_use_PrivateKey_file(ctx, argv[4], SSL_FILETYPE_PEM) != 1) die("client identity");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL *ssl = SSL_new(ctx);
  X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
  if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1) {
    X509_VERIFY_PARAM_set1_host(vp, host, 0);
    SSL_set_tlsext_host_name(ssl, host);
  }
  int sock = connect_to(host, port);
  SSL_set_fd(ssl, sock);
  if (SSL_connect(ssl) != 1) die("TLS handshake");

  char req[2048];
  int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n", path, host, port);
  if (SSL_write(ssl, req, rl) != rl) die("request");

  /* The head, up to the blank line; what follows it is the body's start. */
  char head[16384];
  size_t got = 0;
  char *end = NULL;
  while (!end) {
    if (got == sizeof head - 1) die("head too large");
    int r = SSL_read(ssl, head + got, (int)(sizeof head - 1 - got));
    if (r <= 0) die("reading the head");
    got += (size_t)r;
    head[got] = 0;
    end = strstr(head, "\r\n\r\n");
  }
  if (strncmp(head, "HTTP/1.1 200", 12) != 0) die("status not 200");
  char *cl = strcasestr(head, "\r\ncontent-length:");
  if (!cl || cl > end) die("no Content-Length");
  uint64_t length = strtoull(cl + 17, NULL, 10);

  for (int i = 0; i < nslots; i++)
    if (posix_memalign((void **)&slots[i].mem, BLOCK, SLOT) != 0) die("slot memory");
  if (posix_memalign((void **)&out, BLOCK, 2 * SLOT) != 0) die("write memory");
  if (RAND_bytes(key, sizeof key) != 1) die("key");
  md = EVP_MD_CTX_new();
  cx = EVP_CIPHER_CTX_new();
  if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) die("DigestInit");
  if (EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1) die("EncryptInit");
  fd = open(argv[5], O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);
  if (fd < 0) die(argv[5]);

  pthread_t th[2];
  if (workers == 2) {
    pthread_create(&th[0], NULL, worker, (void *)hash_slot);
    pthread_create(&th[1], NULL, worker, (void *)seal_slot);
  } else if (workers == 1) {
    pthread_create(&th[0], NULL, worker, (void *)both_slot);
  }

  uint64_t seq = 1, body = 0;
  slot_t *s = take(seq);
  size_t early = got - (size_t)(end + 4 - head);
  memcpy(s->mem, end + 4, early);
  s->len = early;
  body = early;
  while (body < length) {
    if (s->len == SLOT) {
      publish(s, seq);
      s = take(++seq);
    }
    size_t want = SLOT - s->len;
    if (want > length - body) want = (size_t)(length - body);
    int r = SSL_read(ssl, s->mem + s->len, want > INT32_MAX ? INT32_MAX : (int)want);
    if (r <= 0) die("reading the body");
    s->len += (size_t)r;
    body += (uint64_t)r;
  }
  if (s->len > 0) publish(s, seq);
  double tls_cpu = now(CLOCK_THREAD_CPUTIME_ID);
  pthread_mutex_lock(&mu);
  finished = 1;
  pthread_cond_broadcast(&filled);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < workers; i++) pthread_join(th[i], NULL);
  SSL_shutdown(ssl);
  close(sock);

  /* The last partial block: written without O_DIRECT, then one fsync. */
  if (out_len > 0) {
    int fl = fcntl(fd, F_GETFL);
    if (fcntl(fd, F_SETFL, fl & ~O_DIRECT) != 0) die("fcntl");
    if (pwrite(fd, out, out_len, out_off) != (ssize_t)out_len) die("pwrite tail");
    out_off += (off_t)out_len;
  }
  if (fsync(fd) != 0) die("fsync");
  close(fd);
  double w1 = now(CLOCK_MONOTONIC);

  unsigned char dg[32];
  unsigned int dl = 0;
  EVP_DigestFinal_ex(md, dg, &dl);
  char hex[65];
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", dg[i]);
  if (workers == 0) tls_cpu = now(CLOCK_THREAD_CPUTIME_ID);
  printf("{\"bytes\":%llu,\"seconds\":%.4f,\"sha256\":\"%s\",\"workers\":%d,\"slots\":%d,\"written\":%lld,"
         "\"threadCpuSeconds\":{\"tls\":%.3f,\"hash\":%.3f,\"seal\":%.3f},\"processCpuSeconds\":%.3f}\n",
         (unsigned long long)body, w1 - w0, hex, workers, nslots, (long long)out_off, tls_cpu, workers == 2 ? hash_cpu : 0.0,
         workers >= 1 ? seal_cpu : 0.0, now(CLOCK_PROCESS_CPUTIME_ID));
  return 0;
}
