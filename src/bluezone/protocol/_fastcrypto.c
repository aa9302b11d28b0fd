/* Batch GAEN key derivation and RPI matching.
 *
 * The matching hot path is, per diagnosis key, one HKDF-SHA256 and up to 144
 * AES-128 blocks, each block looked up in the phone's sighting index.  Python
 * call overhead would dominate that work, so it runs here in one loop, with
 * the GIL released.  Where the CPU has AVX-512, 16 keys' HKDFs run at once in
 * its registers and AES uses VAES; otherwise SHA-NI and AES-NI are used when
 * present (checked at run time), and portable C when not.  No OpenSSL headers are needed,
 * so the module builds with nothing but a C compiler and the Python headers.
 * bluezone.protocol.backend holds the pure-Python twin of every function here
 * and the tests check the two against each other and the official vectors.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define BZ_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* ---------------------------------------------------------------- helpers */

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

#define MAX_PERIOD 144
#define HKDF_LANES 2 /* keys whose HKDFs run interleaved: SHA-NI gains nothing past two here */
#define HKDF_BLOCK 16 /* keys derived together: one per 32-bit lane of an AVX-512 register */

static int use_sha_ni = 0;
static int use_aes_ni = 0;
static int use_vaes = 0;       /* AES on four blocks per instruction (VAES with AVX-512) */
static int use_avx512 = 0; /* 16 lanes at once in AVX-512 registers: SHA-256, the bitmap test of lookups */

/* ---------------------------------------------------------------- SHA-256 */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t SHA256_IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* The 64 message words of a block. */
static void sha256_schedule(const uint8_t blk[64], uint32_t w[64]) {
    for (int i = 0; i < 16; i++) w[i] = load_be32(blk + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
}

static void sha256_block_portable(uint32_t st[8], const uint8_t blk[64]) {
    uint32_t w[64];
    sha256_schedule(blk, w);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

#ifdef BZ_X86
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_block_shani(uint32_t st[8], const uint8_t blk[64]) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)&st[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&st[4]);
    /* The instructions want the state as ABEF and CDGH. */
    __m128i cdab = _mm_shuffle_epi32(abcd, 0xB1);
    efgh = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    const __m128i abef0 = abef, cdgh0 = cdgh;

    __m128i w[16];
    for (int i = 0; i < 4; i++) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blk + 16 * i)), bswap);
    for (int i = 4; i < 16; i++) {
        __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[i - 4], w[i - 3]), _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
        w[i] = _mm_sha256msg2_epu32(t, w[i - 1]);
    }
    for (int i = 0; i < 16; i++) {
        __m128i msg = _mm_add_epi32(w[i], _mm_loadu_si128((const __m128i *)&K256[4 * i]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

static inline void sha256_block(uint32_t st[8], const uint8_t blk[64]) {
#ifdef BZ_X86
    if (use_sha_ni) { sha256_block_shani(st, blk); return; }
#endif
    sha256_block_portable(st, blk);
}

/* The last block of a message of `len` bytes following `prefix_len` bytes already absorbed
 * (always 64 here: one HMAC pad block).  len <= 55. */
static void final_block(uint8_t blk[64], const uint8_t *msg, size_t len, size_t prefix_len) {
    memset(blk, 0, 64);
    memcpy(blk, msg, len);
    blk[len] = 0x80;
    uint64_t bits = (uint64_t)(prefix_len + len) * 8;
    for (int i = 0; i < 8; i++) blk[63 - i] = (uint8_t)(bits >> (8 * i));
}

static void sha256_final_block(uint32_t st[8], const uint8_t *msg, size_t len, size_t prefix_len) {
    uint8_t blk[64];
    final_block(blk, msg, len, prefix_len);
    sha256_block(st, blk);
}

static void state_to_bytes(const uint32_t st[8], uint8_t out[32]) {
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, st[i]);
}

/* HMAC midstates (inner and outer) for a key of at most 64 bytes. */
static void hmac_midstates(const uint8_t *key, size_t key_len, uint32_t inner[8], uint32_t outer[8]) {
    uint8_t ipad[64], opad[64];
    memset(ipad, 0x36, 64);
    memset(opad, 0x5c, 64);
    for (size_t i = 0; i < key_len; i++) { ipad[i] ^= key[i]; opad[i] ^= key[i]; }
    memcpy(inner, SHA256_IV, 32);
    memcpy(outer, SHA256_IV, 32);
    sha256_block(inner, ipad);
    sha256_block(outer, opad);
}

static void hmac_finish(const uint32_t inner_mid[8], const uint32_t outer_mid[8],
                        const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint32_t st[8];
    uint8_t inner_digest[32];
    memcpy(st, inner_mid, 32);
    sha256_final_block(st, msg, len, 64);
    state_to_bytes(st, inner_digest);
    memcpy(st, outer_mid, 32);
    sha256_final_block(st, inner_digest, 32, 64);
    state_to_bytes(st, out);
}

/* Midstates of HMAC keyed with HKDF's default salt (32 zero bytes). */
static uint32_t zero_salt_inner[8], zero_salt_outer[8];

/* HKDF-SHA256(IKM = 16 bytes, salt = none, info) truncated to 16 bytes. */
static void hkdf16(const uint8_t ikm[16], const uint8_t *info, size_t info_len, uint8_t out[16]) {
    uint8_t prk[32], okm[32], msg[56];
    uint32_t inner[8], outer[8];
    hmac_finish(zero_salt_inner, zero_salt_outer, ikm, 16, prk);
    hmac_midstates(prk, 32, inner, outer);
    memcpy(msg, info, info_len);
    msg[info_len] = 0x01;
    hmac_finish(inner, outer, msg, info_len + 1, okm);
    memcpy(out, okm, 16);
}

#ifdef BZ_X86
/* HKDF for two keys with SHA-NI, entirely in registers.  A state is kept in the instructions' ABEF/CDGH
 * layout, a 64-byte block as four vectors of message words (lane 0 = first word).  A digest becomes the
 * next block's message words by shuffles alone, since SHA-256 words are big-endian values already. */
typedef struct { __m128i abef, cdgh; } sha_ni_state;

__attribute__((target("sha,sse4.1,ssse3")))
static inline sha_ni_state sha_ni_from_words(const uint32_t st[8]) {
    __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xB1);
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);
    sha_ni_state r = {_mm_alignr_epi8(cdab, efgh, 8), _mm_blend_epi16(efgh, cdab, 0xF0)};
    return r;
}

/* Digest → message words (a,b,c,d) and (e,f,g,h). */
__attribute__((target("sha,sse4.1,ssse3")))
static inline void sha_ni_digest_words(sha_ni_state s, __m128i *w0, __m128i *w1) {
    *w0 = _mm_shuffle_epi32(_mm_unpackhi_epi64(s.abef, s.cdgh), 0xB1);
    *w1 = _mm_shuffle_epi32(_mm_unpacklo_epi64(s.abef, s.cdgh), 0xB1);
}

/* Compress HKDF_LANES independent blocks with their rounds interleaved. */
__attribute__((target("sha,sse4.1,ssse3")))
static inline void sha_ni_compress_lanes(sha_ni_state st[HKDF_LANES], __m128i w[HKDF_LANES][4]) {
    sha_ni_state start[HKDF_LANES];
#pragma GCC unroll 4
    for (int s = 0; s < HKDF_LANES; s++) start[s] = st[s];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) {
        const __m128i k = _mm_loadu_si128((const __m128i *)&K256[4 * i]);
#pragma GCC unroll 4
        for (int s = 0; s < HKDF_LANES; s++) {
            if (i >= 4) {
                __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[s][i % 4], w[s][(i + 1) % 4]),
                                          _mm_alignr_epi8(w[s][(i + 3) % 4], w[s][(i + 2) % 4], 4));
                w[s][i % 4] = _mm_sha256msg2_epu32(t, w[s][(i + 3) % 4]);
            }
            __m128i msg = _mm_add_epi32(w[s][i % 4], k);
            st[s].cdgh = _mm_sha256rnds2_epu32(st[s].cdgh, st[s].abef, msg);
            st[s].abef = _mm_sha256rnds2_epu32(st[s].abef, st[s].cdgh, _mm_shuffle_epi32(msg, 0x0E));
        }
    }
#pragma GCC unroll 4
    for (int s = 0; s < HKDF_LANES; s++) {
        st[s].abef = _mm_add_epi32(st[s].abef, start[s].abef);
        st[s].cdgh = _mm_add_epi32(st[s].cdgh, start[s].cdgh);
    }
}

/* HKDF-SHA256 (no salt, 16 bytes) of HKDF_LANES keys; `final_info_block` is info || 0x01, padded. */
__attribute__((target("sha,sse4.1,ssse3")))
static void hkdf16_lanes_shani(const uint8_t *ikm[HKDF_LANES], const uint8_t final_info_block[64],
                               uint8_t *out[HKDF_LANES]) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i pad_first = _mm_set_epi32(0, 0, 0, (int)0x80000000u), zero = _mm_setzero_si128();
    const __m128i len_16 = _mm_set_epi32((64 + 16) * 8, 0, 0, 0), len_32 = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
    const __m128i c36 = _mm_set1_epi32(0x36363636), c5c = _mm_set1_epi32(0x5c5c5c5c);
    const sha_ni_state zi = sha_ni_from_words(zero_salt_inner), zo = sha_ni_from_words(zero_salt_outer);
    const sha_ni_state iv = sha_ni_from_words(SHA256_IV);
    __m128i info[4];
    for (int i = 0; i < 4; i++) info[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(final_info_block + 16 * i)), bswap);
    sha_ni_state st[HKDF_LANES], inner[HKDF_LANES], outer[HKDF_LANES];
    __m128i m[HKDF_LANES][4], prk[HKDF_LANES][2];

    /* Extract: PRK = HMAC(zero salt, IKM). */
    for (int s = 0; s < HKDF_LANES; s++) {
        st[s] = zi;
        m[s][0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)ikm[s]), bswap);
        m[s][1] = pad_first; m[s][2] = zero; m[s][3] = len_16;
    }
    sha_ni_compress_lanes(st, m);
    for (int s = 0; s < HKDF_LANES; s++) {
        sha_ni_digest_words(st[s], &m[s][0], &m[s][1]);
        m[s][2] = pad_first; m[s][3] = len_32;
        st[s] = zo;
    }
    sha_ni_compress_lanes(st, m);
    /* Expand: T(1) = HMAC(PRK, info || 0x01); the key blocks are PRK ⊕ pad, then pad. */
    for (int s = 0; s < HKDF_LANES; s++) {
        sha_ni_digest_words(st[s], &prk[s][0], &prk[s][1]);
        inner[s] = iv;
        m[s][0] = _mm_xor_si128(prk[s][0], c36); m[s][1] = _mm_xor_si128(prk[s][1], c36); m[s][2] = m[s][3] = c36;
    }
    sha_ni_compress_lanes(inner, m);
    for (int s = 0; s < HKDF_LANES; s++) {
        outer[s] = iv;
        m[s][0] = _mm_xor_si128(prk[s][0], c5c); m[s][1] = _mm_xor_si128(prk[s][1], c5c); m[s][2] = m[s][3] = c5c;
    }
    sha_ni_compress_lanes(outer, m);
    for (int s = 0; s < HKDF_LANES; s++)
        for (int i = 0; i < 4; i++) m[s][i] = info[i];
    sha_ni_compress_lanes(inner, m);
    for (int s = 0; s < HKDF_LANES; s++) {
        sha_ni_digest_words(inner[s], &m[s][0], &m[s][1]);
        m[s][2] = pad_first; m[s][3] = len_32;
    }
    sha_ni_compress_lanes(outer, m);
    for (int s = 0; s < HKDF_LANES; s++) {
        __m128i first, second;
        sha_ni_digest_words(outer[s], &first, &second);
        _mm_storeu_si128((__m128i *)out[s], _mm_shuffle_epi8(first, bswap));
    }
}
#endif

/* An HKDF `info`, made ready once per call: the last block of T(1)'s inner hash (info || 0x01, padded),
 * and that block's message words plus the round constants, which the 16-lane path adds in every lane. */
typedef struct {
    const uint8_t *info;
    size_t len;
    uint8_t block[64];
    uint32_t kw[64];
} hkdf_info;

static void hkdf_info_prepare(const uint8_t *info, size_t len, hkdf_info *h) {
    uint8_t msg[56];
    uint32_t w[64];
    memcpy(msg, info, len);
    msg[len] = 0x01;
    final_block(h->block, msg, len + 1, 64);
    sha256_schedule(h->block, w);
    for (int i = 0; i < 64; i++) h->kw[i] = w[i] + K256[i];
    h->info = info;
    h->len = len;
}

#ifdef BZ_X86
/* SHA-256 of 16 messages at once, message i in 32-bit lane i of each AVX-512 register.  On this kind of
 * core SHA-NI retires one two-round instruction every few cycles, while plain AVX-512 rotates and
 * three-way logic on 16 lanes do the same rounds in about half the time per message. */
#define V16 __m512i
#define ADD16 _mm512_add_epi32
#define ROR16 _mm512_ror_epi32
#define XOR3_16(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define CH16(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xCA)
#define MAJ16(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xE8)
#define ALL16(x) _mm512_set1_epi32((int)(x))

/* One compression: `w` holds the block's 16 words (overwritten by the schedule) or is NULL when the block
 * is the same in every lane and `kw` already holds its words plus the round constants. */
__attribute__((target("avx512f")))
static inline void sha256_compress16(V16 st[8], V16 w[16], const uint32_t kw[64]) {
    V16 a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
#pragma GCC unroll 64
    for (int t = 0; t < 64; t++) {
        V16 word_k;
        if (!w) {
            word_k = ALL16(kw[t]);
        } else {
            if (t >= 16) {
                V16 w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
                V16 s0 = XOR3_16(ROR16(w15, 7), ROR16(w15, 18), _mm512_srli_epi32(w15, 3));
                V16 s1 = XOR3_16(ROR16(w2, 17), ROR16(w2, 19), _mm512_srli_epi32(w2, 10));
                w[t & 15] = ADD16(ADD16(w[t & 15], s0), ADD16(w[(t - 7) & 15], s1));
            }
            word_k = ADD16(w[t & 15], ALL16(K256[t]));
        }
        V16 t1 = ADD16(ADD16(h, XOR3_16(ROR16(e, 6), ROR16(e, 11), ROR16(e, 25))), ADD16(CH16(e, f, g), word_k));
        V16 t2 = ADD16(XOR3_16(ROR16(a, 2), ROR16(a, 13), ROR16(a, 22)), MAJ16(a, b, c));
        h = g; g = f; f = e; e = ADD16(d, t1); d = c; c = b; b = a; a = ADD16(t1, t2);
    }
    st[0] = ADD16(st[0], a); st[1] = ADD16(st[1], b); st[2] = ADD16(st[2], c); st[3] = ADD16(st[3], d);
    st[4] = ADD16(st[4], e); st[5] = ADD16(st[5], f); st[6] = ADD16(st[6], g); st[7] = ADD16(st[7], h);
}

/* Words 8..15 of a block holding a 32-byte digest after a 64-byte HMAC pad block. */
__attribute__((target("avx512f")))
static inline void digest_padding16(V16 w[16]) {
    w[8] = ALL16(0x80000000u);
    for (int j = 9; j < 15; j++) w[j] = _mm512_setzero_si512();
    w[15] = ALL16((64 + 32) * 8);
}

/* HKDF-SHA256 (no salt, 16 bytes out) of 16 consecutive 16-byte keys. */
__attribute__((target("avx512f,avx512bw")))
static void hkdf16_x16(const uint8_t *ikm, const hkdf_info *info, uint8_t *out) {
    const V16 bswap = _mm512_broadcast_i32x4(_mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL));
    const V16 key_words = _mm512_set_epi32(60, 56, 52, 48, 44, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0);
    V16 st[8], w[16], prk[8], inner[8], outer[8];
    /* Extract: PRK = HMAC(zero salt, IKM). */
    for (int j = 0; j < 8; j++) st[j] = ALL16(zero_salt_inner[j]);
    for (int j = 0; j < 4; j++)
        w[j] = _mm512_shuffle_epi8(_mm512_i32gather_epi32(ADD16(key_words, ALL16(j)), ikm, 4), bswap);
    w[4] = ALL16(0x80000000u);
    for (int j = 5; j < 15; j++) w[j] = _mm512_setzero_si512();
    w[15] = ALL16((64 + 16) * 8);
    sha256_compress16(st, w, NULL);
    for (int j = 0; j < 8; j++) { w[j] = st[j]; st[j] = ALL16(zero_salt_outer[j]); }
    digest_padding16(w);
    sha256_compress16(st, w, NULL);
    /* Expand: T(1) = HMAC(PRK, info || 0x01); the key blocks are PRK ⊕ pad, then pad. */
    for (int j = 0; j < 8; j++) { prk[j] = st[j]; inner[j] = outer[j] = ALL16(SHA256_IV[j]); }
    for (int j = 0; j < 16; j++) w[j] = j < 8 ? _mm512_xor_si512(prk[j], ALL16(0x36363636u)) : ALL16(0x36363636u);
    sha256_compress16(inner, w, NULL);
    for (int j = 0; j < 16; j++) w[j] = j < 8 ? _mm512_xor_si512(prk[j], ALL16(0x5c5c5c5cu)) : ALL16(0x5c5c5c5cu);
    sha256_compress16(outer, w, NULL);
    sha256_compress16(inner, NULL, info->kw);
    for (int j = 0; j < 8; j++) w[j] = inner[j];
    digest_padding16(w);
    sha256_compress16(outer, w, NULL);
    for (int j = 0; j < 4; j++)
        _mm512_i32scatter_epi32(out, ADD16(key_words, ALL16(j)), _mm512_shuffle_epi8(outer[j], bswap), 4);
}
#endif

/* HKDF of HKDF_LANES keys at once: interleaved SHA-NI where the CPU has it, one by one otherwise. */
static void hkdf16_lanes(const uint8_t *ikm[HKDF_LANES], const hkdf_info *info, uint8_t *out[HKDF_LANES]) {
#ifdef BZ_X86
    if (use_sha_ni) {
        hkdf16_lanes_shani(ikm, info->block, out);
        return;
    }
#endif
    for (int s = 0; s < HKDF_LANES; s++) hkdf16(ikm[s], info->info, info->len, out[s]);
}

/* HKDF of `count` (1..HKDF_BLOCK) consecutive 16-byte keys into `out`. */
static void hkdf16_block(const uint8_t *ikm, int count, const hkdf_info *info, uint8_t *out) {
#ifdef BZ_X86
    if (use_avx512) {
        uint8_t padded[16 * HKDF_BLOCK] = {0}, result[16 * HKDF_BLOCK];
        if (count < HKDF_BLOCK) ikm = memcpy(padded, ikm, 16 * (size_t)count);
        hkdf16_x16(ikm, info, result);
        memcpy(out, result, 16 * (size_t)count);
        return;
    }
#endif
    for (int i = 0; i < count; i += HKDF_LANES) {
        const uint8_t *lane[HKDF_LANES];
        uint8_t result[HKDF_LANES][16], *lane_out[HKDF_LANES];
        for (int s = 0; s < HKDF_LANES; s++) {
            lane[s] = ikm + 16 * (i + s < count ? i + s : count - 1); /* past the end: the last key again */
            lane_out[s] = result[s];
        }
        hkdf16_lanes(lane, info, lane_out);
        for (int s = 0; s < HKDF_LANES && i + s < count; s++) memcpy(out + 16 * (i + s), result[s], 16);
    }
}

/* ---------------------------------------------------------------- AES-128 */

static uint8_t SBOX[256];

static uint8_t gf_mul(uint8_t a, uint8_t b) {
    uint8_t p = 0;
    while (b) {
        if (b & 1) p ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return p;
}

/* The S-box is computed (inverse in GF(2^8), then the affine map) rather than typed in. */
static void init_sbox(void) {
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        if (x) {
            for (int y = 1; y < 256; y++) {
                if (gf_mul((uint8_t)x, (uint8_t)y) == 1) { inv = (uint8_t)y; break; }
            }
        }
        uint8_t s = inv;
        for (int r = 1; r < 5; r++) s ^= (uint8_t)((inv << r) | (inv >> (8 - r)));
        SBOX[x] = s ^ 0x63;
    }
}

typedef struct { uint8_t rk[176]; } aes_portable_key;

static void aes_expand_portable(const uint8_t key[16], aes_portable_key *k) {
    static const uint8_t rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    memcpy(k->rk, key, 16);
    for (int i = 4; i < 44; i++) {
        uint8_t t[4];
        memcpy(t, k->rk + 4 * (i - 1), 4);
        if (i % 4 == 0) {
            uint8_t t0 = t[0];
            t[0] = SBOX[t[1]] ^ rcon[i / 4 - 1]; t[1] = SBOX[t[2]]; t[2] = SBOX[t[3]]; t[3] = SBOX[t0];
        }
        for (int j = 0; j < 4; j++) k->rk[4 * i + j] = k->rk[4 * (i - 4) + j] ^ t[j];
    }
}

static void aes_encrypt_portable(const aes_portable_key *k, const uint8_t in[16], uint8_t out[16]) {
    uint8_t s[16], t[16];
    for (int i = 0; i < 16; i++) s[i] = in[i] ^ k->rk[i];
    for (int round = 1; round <= 10; round++) {
        for (int i = 0; i < 16; i++) s[i] = SBOX[s[i]];
        for (int c = 0; c < 4; c++)          /* ShiftRows: column c takes row r from column c+r */
            for (int r = 0; r < 4; r++) t[4 * c + r] = s[4 * ((c + r) % 4) + r];
        if (round < 10) {
            for (int c = 0; c < 4; c++) {    /* MixColumns */
                uint8_t *col = t + 4 * c, a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
                s[4 * c + 0] = gf_mul(a0, 2) ^ gf_mul(a1, 3) ^ a2 ^ a3;
                s[4 * c + 1] = a0 ^ gf_mul(a1, 2) ^ gf_mul(a2, 3) ^ a3;
                s[4 * c + 2] = a0 ^ a1 ^ gf_mul(a2, 2) ^ gf_mul(a3, 3);
                s[4 * c + 3] = gf_mul(a0, 3) ^ a1 ^ a2 ^ gf_mul(a3, 2);
            }
        } else {
            memcpy(s, t, 16);
        }
        for (int i = 0; i < 16; i++) s[i] ^= k->rk[16 * round + i];
    }
    memcpy(out, s, 16);
}

#ifdef BZ_X86
/* AES-128 key schedule without aeskeygenassist, which is slow on recent cores: the last word, rotated
 * and copied to all four columns by a shuffle, goes through aesenclast with the round constant as its
 * round key; with four equal columns ShiftRows changes nothing, so that is SubWord(RotWord(w)) ^ rcon. */
__attribute__((target("aes,ssse3")))
static void aes_expand_ni(const uint8_t key[16], __m128i rk[11]) {
    const __m128i rotate_last_word = _mm_set1_epi32(0x0c0f0e0d);
    __m128i k = _mm_loadu_si128((const __m128i *)key), rcon = _mm_set1_epi32(1);
    rk[0] = k;
    for (int i = 1; i <= 10; i++) {
        __m128i sub = _mm_aesenclast_si128(_mm_shuffle_epi8(k, rotate_last_word), rcon);
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        rk[i] = k = _mm_xor_si128(k, sub);
        rcon = i == 8 ? _mm_set1_epi32(0x1b) : _mm_slli_epi32(rcon, 1);
    }
}

/* Encrypt n blocks, eight at a time so the AES units stay busy. */
__attribute__((target("aes,sse2")))
static void aes_encrypt_blocks_ni(const __m128i rk[11], const __m128i *in, __m128i *out, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i b[8];
        for (int j = 0; j < 8; j++) b[j] = _mm_xor_si128(in[i + j], rk[0]);
        for (int r = 1; r < 10; r++)
            for (int j = 0; j < 8; j++) b[j] = _mm_aesenc_si128(b[j], rk[r]);
        for (int j = 0; j < 8; j++) out[i + j] = _mm_aesenclast_si128(b[j], rk[10]);
    }
    for (; i < n; i++) {
        __m128i b = _mm_xor_si128(in[i], rk[0]);
        for (int r = 1; r < 10; r++) b = _mm_aesenc_si128(b, rk[r]);
        out[i] = _mm_aesenclast_si128(b, rk[10]);
    }
}
#endif

#ifdef BZ_X86
/* RPIs of intervals start .. start+count-1: PaddedData is a constant 12 bytes then the interval as a
 * little-endian uint32, i.e. the block's fourth 32-bit lane, so counters are made in registers. */
__attribute__((target("aes,sse4.1")))
static void rpis_ni(const __m128i rk[11], __m128i base, int count, uint8_t *out) {
    __m128i *o = (__m128i *)out;
    int i = 0;
    for (; i < count; i += 8) {
        __m128i b[8];
        for (int j = 0; j < 8; j++) b[j] = _mm_xor_si128(_mm_add_epi32(base, _mm_set_epi32(i + j, 0, 0, 0)), rk[0]);
        for (int r = 1; r < 10; r++)
            for (int j = 0; j < 8; j++) b[j] = _mm_aesenc_si128(b[j], rk[r]);
        for (int j = 0; j < 8; j++) _mm_storeu_si128(o + i + j, _mm_aesenclast_si128(b[j], rk[10]));
    }
}

__attribute__((target("avx512f,vaes")))
static void rpis_vaes(const __m128i rk[11], __m128i base, int count, uint8_t *out) {
    __m512i k[11];
    for (int r = 0; r < 11; r++) k[r] = _mm512_broadcast_i32x4(rk[r]);
    const __m512i first = _mm512_add_epi32(_mm512_broadcast_i32x4(base), _mm512_set_epi32(3, 0, 0, 0, 2, 0, 0, 0,
                                                                                            1, 0, 0, 0, 0, 0, 0, 0));
    const __m512i step = _mm512_set_epi32(4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0);
    __m512i *o = (__m512i *)out;
    __m512i ctr = first;
    for (int v = 0; 4 * v < count; v += 6) {
        __m512i b[6];
        for (int j = 0; j < 6; j++) { b[j] = _mm512_xor_si512(ctr, k[0]); ctr = _mm512_add_epi32(ctr, step); }
        for (int r = 1; r < 10; r++)
            for (int j = 0; j < 6; j++) b[j] = _mm512_aesenc_epi128(b[j], k[r]);
        for (int j = 0; j < 6; j++) _mm512_storeu_si512(o + v + j, _mm512_aesenclast_epi128(b[j], k[10]));
    }
}
#endif

/* Room for the RPIs of one key: the vector paths round up to 24 blocks. */
#define RPI_BUFFER (16 * (MAX_PERIOD + 24))

/* ECB-encrypt n blocks (16 bytes each) under one key. */
static void aes_encrypt_many(const uint8_t key[16], const uint8_t *in, uint8_t *out, int n) {
#ifdef BZ_X86
    if (use_aes_ni) {
        __m128i rk[11];
        aes_expand_ni(key, rk);
        aes_encrypt_blocks_ni(rk, (const __m128i *)in, (__m128i *)out, n);
        return;
    }
#endif
    aes_portable_key k;
    aes_expand_portable(key, &k);
    for (int i = 0; i < n; i++) aes_encrypt_portable(&k, in + 16 * i, out + 16 * i);
}

/* ---------------------------------------------------------------- RPI */

static const uint8_t RPIK_INFO[] = "EN-RPIK";

/* PaddedData for intervals start .. start+count-1: "EN-RPI", six zero bytes, uint32 LE. */
static void padded_data(uint32_t start, int count, uint8_t *out) {
    for (int i = 0; i < count; i++) {
        uint8_t *p = out + 16 * i;
        uint32_t en = start + (uint32_t)i;
        memcpy(p, "EN-RPI\0\0\0\0\0\0", 12);
        p[12] = (uint8_t)en; p[13] = (uint8_t)(en >> 8); p[14] = (uint8_t)(en >> 16); p[15] = (uint8_t)(en >> 24);
    }
}

/* RPIs of `count` consecutive intervals under one RPIK, into `out` (RPI_BUFFER bytes). */
static void key_rpis(const uint8_t rpik[16], uint32_t start, int count, uint8_t *out) {
#ifdef BZ_X86
    if (use_aes_ni) {
        __m128i rk[11];
        uint8_t first[16];
        aes_expand_ni(rpik, rk);
        padded_data(start, 1, first);
        __m128i base = _mm_loadu_si128((const __m128i *)first);
        if (use_vaes) rpis_vaes(rk, base, count, out);
        else rpis_ni(rk, base, count, out);
        return;
    }
#endif
    uint8_t padded[16 * MAX_PERIOD];
    padded_data(start, count, padded);
    aes_encrypt_many(rpik, padded, out, count);
}

/* ---------------------------------------------------------------- index */

/* A sighting index: a bitmap that rejects most RPIs with one memory read, then
 * an open-addressing table of the first 8 bytes, then a full 16-byte compare.
 * Layout of the blob: header (magic, bitmap bits, table bits, count), bitmap,
 * table of uint64 prefixes, table of int32 (unique RPI index + 1; 0 = empty),
 * and a copy of the RPIs. */
typedef struct {
    uint32_t magic, bitmap_bits, table_bits, count;
} index_header;

#define INDEX_MAGIC 0x325a4958u /* "XIZ2": the second layout, slots by top bits */

typedef struct {
    const index_header *h;
    const uint64_t *bitmap;
    const uint64_t *prefixes;
    const int32_t *slots;
    const uint8_t *rpis;
    uint64_t bitmap_mask, table_mask;
} index_view;

static size_t index_size(uint32_t bitmap_bits, uint32_t table_bits, uint32_t count) {
    size_t bitmap_words = ((size_t)1 << bitmap_bits) / 64;
    size_t table = (size_t)1 << table_bits;
    return sizeof(index_header) + 8 * bitmap_words + 8 * table + 4 * table + 16 * (size_t)count;
}

static void index_bind(const uint8_t *blob, index_view *v) {
    v->h = (const index_header *)blob;
    size_t bitmap_words = ((size_t)1 << v->h->bitmap_bits) / 64;
    size_t table = (size_t)1 << v->h->table_bits;
    v->bitmap = (const uint64_t *)(blob + sizeof(index_header));
    v->prefixes = v->bitmap + bitmap_words;
    v->slots = (const int32_t *)(v->prefixes + table);
    v->rpis = (const uint8_t *)(v->slots + table);
    v->bitmap_mask = ((uint64_t)1 << v->h->bitmap_bits) - 1;
    v->table_mask = table - 1;
}

/* An RPI's home slot: the top bits of its first 8 bytes, so that RPIs sorted by those bytes (as
 * SightingIndex hands them over) fill the table front to back instead of at random. */
static inline uint64_t index_slot(const index_view *v, uint64_t p) { return p >> (64 - v->h->table_bits); }

/* Index of the RPI in the sighting table, or -1. */
static inline int32_t index_find(const index_view *v, const uint8_t rpi[16]) {
    uint64_t p = load_le64(rpi);
    uint64_t bit = p & v->bitmap_mask;
    if (!(v->bitmap[bit >> 6] & ((uint64_t)1 << (bit & 63)))) return -1;
    uint64_t slot = index_slot(v, p);
    for (;;) {
        int32_t s = v->slots[slot];
        if (s == 0) return -1;
        if (v->prefixes[slot] == p && memcmp(v->rpis + 16 * (size_t)(s - 1), rpi, 16) == 0) return s - 1;
        slot = (slot + 1) & v->table_mask;
    }
}

/* The positions of a group of 16 that hold one of the `left` RPIs still to test. */
static inline uint16_t group_mask(int left) { return (uint16_t)(left >= 16 ? 0xFFFF : (1u << left) - 1); }

#ifdef BZ_X86
/* The bitmap test of index_find for 16 RPIs a pass: bit i of maybe[g] is set when RPI 16g+i may be in the
 * index.  It reads whole passes, so `rpis` needs room up to the next multiple of 16 blocks. */
__attribute__((target("avx512f")))
static void bitmap_test16(const index_view *v, const uint8_t *rpis, int count, uint16_t *maybe) {
    /* The first 32-bit word of each 16-byte RPI: words 0, 4, 8, 12 of two registers, then of two more. */
    const __m512i firsts = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 28, 24, 20, 16, 12, 8, 4, 0);
    const __m512i low_bits = _mm512_set1_epi32((int)(uint32_t)v->bitmap_mask), one = _mm512_set1_epi32(1);
    const __m512i *r = (const __m512i *)rpis;
    for (int g = 0; 16 * g < count; g++, r += 4) {
        __m512i lo = _mm512_permutex2var_epi32(_mm512_loadu_si512(r), firsts, _mm512_loadu_si512(r + 1));
        __m512i hi = _mm512_permutex2var_epi32(_mm512_loadu_si512(r + 2), firsts, _mm512_loadu_si512(r + 3));
        __m512i bit = _mm512_and_si512(_mm512_shuffle_i64x2(lo, hi, 0x44), low_bits);
        /* The bitmap's 64-bit words read as 32-bit ones: bit b is bit b % 32 of word b / 32. */
        __m512i word = _mm512_i32gather_epi32(_mm512_srli_epi32(bit, 5), (const void *)v->bitmap, 4);
        __mmask16 set = _mm512_test_epi32_mask(word, _mm512_sllv_epi32(one, _mm512_and_si512(bit, _mm512_set1_epi32(31))));
        maybe[g] = set & group_mask(count - 16 * g);
    }
}
#endif

/* Which of `count` RPIs may be in the index, 16 to a mask: the AVX-512 bitmap test where the CPU has it,
 * otherwise every position (index_find then tests the bitmap itself). */
static void lookup_candidates(const index_view *v, const uint8_t *rpis, int count, uint16_t *maybe) {
#ifdef BZ_X86
    if (use_avx512) { bitmap_test16(v, rpis, count, maybe); return; }
#endif
    for (int g = 0; 16 * g < count; g++) maybe[g] = group_mask(count - 16 * g);
}

/* ---------------------------------------------------------------- Python glue */

/* Growable buffer of int32 triples (key, sighting RPI, interval). */
typedef struct { int32_t *data; size_t len, cap; } triples;

static int triples_push(triples *t, int32_t a, int32_t b, int32_t c) {
    if (t->len + 3 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 3 * 1024;
        int32_t *d = realloc(t->data, cap * sizeof(int32_t));
        if (!d) return -1;
        t->data = d; t->cap = cap;
    }
    t->data[t->len++] = a; t->data[t->len++] = b; t->data[t->len++] = c;
    return 0;
}

static int check_blocks(Py_buffer *b, const char *name, Py_ssize_t *n) {
    if (b->len % 16) {
        PyErr_Format(PyExc_ValueError, "%s must be a multiple of 16 bytes, got %zd", name, b->len);
        return -1;
    }
    *n = b->len / 16;
    return 0;
}

static int check_int32(Py_buffer *b, const char *name, Py_ssize_t n) {
    if (b->len != 4 * n) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd int32 values, got %zd bytes", name, n, b->len);
        return -1;
    }
    return 0;
}

static PyObject *py_hkdf16(PyObject *self, PyObject *args) {
    Py_buffer ikm, info;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*y*", &ikm, &info)) return NULL;
    PyObject *out = NULL;
    if (check_blocks(&ikm, "ikm", &n) < 0) goto done;
    if (info.len > 54) { PyErr_SetString(PyExc_ValueError, "info must be at most 54 bytes"); goto done; }
    out = PyBytes_FromStringAndSize(NULL, 16 * n);
    if (!out) goto done;
    uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
    hkdf_info prepared;
    hkdf_info_prepare(info.buf, (size_t)info.len, &prepared);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i += HKDF_BLOCK) {
        int count = n - i < HKDF_BLOCK ? (int)(n - i) : HKDF_BLOCK;
        hkdf16_block((const uint8_t *)ikm.buf + 16 * i, count, &prepared, o + 16 * i);
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&ikm);
    PyBuffer_Release(&info);
    return out;
}

static PyObject *py_rpis(PyObject *self, PyObject *args) {
    Py_buffer rpiks, starts, counts;
    Py_ssize_t n, total = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*", &rpiks, &starts, &counts)) return NULL;
    PyObject *out = NULL;
    if (check_blocks(&rpiks, "rpiks", &n) < 0 || check_int32(&starts, "starts", n) < 0 ||
        check_int32(&counts, "counts", n) < 0) goto done;
    const int32_t *cnt = counts.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (cnt[i] < 0 || cnt[i] > MAX_PERIOD) {
            PyErr_Format(PyExc_ValueError, "count %d out of 0..%d", cnt[i], MAX_PERIOD);
            goto done;
        }
        total += cnt[i];
    }
    out = PyBytes_FromStringAndSize(NULL, 16 * total);
    if (!out) goto done;
    uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
    const int32_t *st = starts.buf;
    Py_BEGIN_ALLOW_THREADS
    uint8_t buffer[RPI_BUFFER];
    for (Py_ssize_t i = 0; i < n; i++) {
        key_rpis((const uint8_t *)rpiks.buf + 16 * i, (uint32_t)st[i], cnt[i], buffer);
        memcpy(o, buffer, 16 * (size_t)cnt[i]);
        o += 16 * cnt[i];
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&rpiks);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&counts);
    return out;
}

static PyObject *py_ecb_pairs(PyObject *self, PyObject *args) {
    Py_buffer keys, blocks;
    Py_ssize_t n, m;
    if (!PyArg_ParseTuple(args, "y*y*", &keys, &blocks)) return NULL;
    PyObject *out = NULL;
    if (check_blocks(&keys, "keys", &n) < 0 || check_blocks(&blocks, "blocks", &m) < 0) goto done;
    if (n != m) { PyErr_SetString(PyExc_ValueError, "keys and blocks differ in count"); goto done; }
    out = PyBytes_FromStringAndSize(NULL, 16 * n);
    if (!out) goto done;
    uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++)
        aes_encrypt_many((const uint8_t *)keys.buf + 16 * i, (const uint8_t *)blocks.buf + 16 * i, o + 16 * i, 1);
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&keys);
    PyBuffer_Release(&blocks);
    return out;
}

static PyObject *py_build_index(PyObject *self, PyObject *args) {
    Py_buffer rpis;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*", &rpis)) return NULL;
    PyObject *out = NULL;
    if (check_blocks(&rpis, "rpis", &n) < 0) goto done;
    if (n >= (Py_ssize_t)1 << 30) { PyErr_SetString(PyExc_ValueError, "too many sightings for one index"); goto done; }
    uint32_t table_bits = 4, bitmap_bits = 12;
    while (((Py_ssize_t)1 << table_bits) < 2 * n) table_bits++;
    while (bitmap_bits < 31 && ((Py_ssize_t)1 << bitmap_bits) < 64 * n) bitmap_bits++;
    out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)index_size(bitmap_bits, table_bits, (uint32_t)n));
    if (!out) goto done;
    uint8_t *blob = (uint8_t *)PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS /* the blob is not shared yet */
    memset(blob, 0, index_size(bitmap_bits, table_bits, (uint32_t)n));
    index_header *h = (index_header *)blob;
    h->magic = INDEX_MAGIC; h->bitmap_bits = bitmap_bits; h->table_bits = table_bits; h->count = (uint32_t)n;
    index_view v;
    index_bind(blob, &v);
    memcpy((uint8_t *)v.rpis, rpis.buf, 16 * (size_t)n);
    uint64_t *bitmap = (uint64_t *)v.bitmap, *prefixes = (uint64_t *)v.prefixes;
    int32_t *slots = (int32_t *)v.slots;
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint8_t *r = v.rpis + 16 * i;
        if (index_find(&v, r) >= 0) continue; /* duplicate RPI: the first row answers for it */
        uint64_t p = load_le64(r), bit = p & v.bitmap_mask, slot = index_slot(&v, p);
        bitmap[bit >> 6] |= (uint64_t)1 << (bit & 63);
        while (slots[slot]) slot = (slot + 1) & v.table_mask;
        prefixes[slot] = p;
        slots[slot] = (int32_t)(i + 1);
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&rpis);
    return out;
}

static PyObject *py_match(PyObject *self, PyObject *args) {
    Py_buffer teks, starts, periods, blob;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*", &teks, &starts, &periods, &blob)) return NULL;
    PyObject *out = NULL;
    triples found = {NULL, 0, 0};
    int failed = 0;
    if (check_blocks(&teks, "teks", &n) < 0 || check_int32(&starts, "starts", n) < 0 ||
        check_int32(&periods, "periods", n) < 0) goto done;
    if (blob.len < (Py_ssize_t)sizeof(index_header) || ((const index_header *)blob.buf)->magic != INDEX_MAGIC) {
        PyErr_SetString(PyExc_ValueError, "not a sighting index");
        goto done;
    }
    const index_header *h = blob.buf;
    if ((size_t)blob.len != index_size(h->bitmap_bits, h->table_bits, h->count)) {
        PyErr_SetString(PyExc_ValueError, "sighting index has the wrong size");
        goto done;
    }
    const int32_t *st = starts.buf, *pe = periods.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (pe[i] < 1 || pe[i] > MAX_PERIOD) {
            PyErr_Format(PyExc_ValueError, "rolling period %d out of 1..%d", pe[i], MAX_PERIOD);
            goto done;
        }
    }
    index_view v;
    index_bind(blob.buf, &v);
    hkdf_info rpik_info;
    hkdf_info_prepare(RPIK_INFO, 7, &rpik_info);
    Py_BEGIN_ALLOW_THREADS
    _Alignas(64) uint8_t rpis[RPI_BUFFER];
    uint8_t rpik[HKDF_BLOCK][16];
    for (Py_ssize_t i = 0; i < n && !failed; i += HKDF_BLOCK) {
        int count = n - i < HKDF_BLOCK ? (int)(n - i) : HKDF_BLOCK;
        hkdf16_block((const uint8_t *)teks.buf + 16 * i, count, &rpik_info, rpik[0]);
        for (int s = 0; s < count && !failed; s++) {
            Py_ssize_t key = i + s;
            key_rpis(rpik[s], (uint32_t)st[key], pe[key], rpis);
            uint16_t maybe[(MAX_PERIOD + 15) / 16];
            lookup_candidates(&v, rpis, pe[key], maybe);
            for (int g = 0; 16 * g < pe[key] && !failed; g++) {
                for (unsigned m = maybe[g]; m; m &= m - 1) {
                    int j = 16 * g + __builtin_ctz(m);
                    int32_t hit = index_find(&v, rpis + 16 * j);
                    if (hit >= 0 && triples_push(&found, (int32_t)key, hit, st[key] + j) < 0) { failed = 1; break; }
                }
            }
        }
    }
    Py_END_ALLOW_THREADS
    if (failed) { PyErr_NoMemory(); goto done; }
    out = PyBytes_FromStringAndSize((const char *)found.data, (Py_ssize_t)(found.len * sizeof(int32_t)));
done:
    free(found.data);
    PyBuffer_Release(&teks);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&periods);
    PyBuffer_Release(&blob);
    return out;
}

static void detect_cpu(void) {
#ifdef BZ_X86
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return;
    int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1, osxsave = (c >> 27) & 1;
    use_aes_ni = ((c >> 25) & 1) && sse41;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    use_sha_ni = ((b >> 29) & 1) && sse41 && ssse3;
    int avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, vaes = (c >> 9) & 1;
    if (avx512f && osxsave) {
        unsigned int lo, hi;
        __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        int os_saves_avx512 = (lo & 0xE6) == 0xE6; /* SSE, AVX and all AVX-512 state */
        use_vaes = os_saves_avx512 && use_aes_ni && vaes;
        use_avx512 = os_saves_avx512 && avx512bw;
    }
#endif
}

static void init_constants(void) {
    uint8_t zeros[32] = {0};
    hmac_midstates(zeros, 32, zero_salt_inner, zero_salt_outer);
}

static PyObject *py_set_accelerated(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"on", "wide", NULL};
    int on, wide = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "p|$p", names, &on, &wide)) return NULL;
    use_aes_ni = use_sha_ni = use_vaes = use_avx512 = 0;
    if (on) detect_cpu();
    if (!wide) use_vaes = use_avx512 = 0;
    init_constants();
    Py_RETURN_NONE;
}

static PyObject *py_accelerated(PyObject *self, PyObject *noargs) {
    return Py_BuildValue("{s:O,s:O,s:O,s:O}", "aes", use_aes_ni ? Py_True : Py_False, "vaes",
                         use_vaes ? Py_True : Py_False, "sha", use_sha_ni ? Py_True : Py_False, "avx512",
                         use_avx512 ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
    {"hkdf16", py_hkdf16, METH_VARARGS, "hkdf16(ikm, info) -> HKDF-SHA256 (no salt) of each 16-byte IKM, 16 bytes each"},
    {"rpis", py_rpis, METH_VARARGS, "rpis(rpiks, starts, counts) -> RPIs of consecutive intervals per key"},
    {"ecb_pairs", py_ecb_pairs, METH_VARARGS, "ecb_pairs(keys, blocks) -> AES-128 of block i under key i"},
    {"build_index", py_build_index, METH_VARARGS, "build_index(rpis) -> sighting index blob"},
    {"match", py_match, METH_VARARGS, "match(teks, starts, periods, index) -> int32 triples (key, rpi row, interval)"},
    {"set_accelerated", (PyCFunction)(void (*)(void))py_set_accelerated, METH_VARARGS | METH_KEYWORDS,
     "set_accelerated(on, *, wide=True): use the CPU's AES and SHA instructions when present (on), and its "
     "AVX-512 ones too (wide); portable C only when not on"},
    {"accelerated", py_accelerated, METH_NOARGS, "which CPU instructions are in use"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastcrypto", "Batch GAEN derivation and matching.", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__fastcrypto(void) {
    init_sbox();
    detect_cpu();
    init_constants();
    return PyModule_Create(&module);
}
