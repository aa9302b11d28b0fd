/* Every Bluetooth scan of a day's app-pair encounters, on the simulated channel.
 *
 * A million people's phones make a few hundred million scans a day, each catching a handful of
 * advertisements: too many for NumPy's passes over temporary arrays, so the loop runs here with the
 * GIL released.  Every draw is a splitmix64 hash of what it belongs to (bluezone.sim.noise), so a scan
 * comes out the same whether it is simulated with the whole day or again, alone, when a key it heard
 * is published.  bluezone.sim.scans holds the NumPy twin of this loop; the tests compare the two.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define MAX_STEPS 288
#define SEGMENT_STEPS 3
#define DRIFT_CODE 1000
#define DIRECTION_CODE 2000
#define CELL_CODE (1LL << 24)
#define SCAN_CODE (2LL << 24)
#define SCAN_STRIDE 64 /* codes per step: packet slots, then caught slots, then the scan's own draws */
#define CAUGHT_SLOT 16
#define ANY_SLOT 32
#define FIRST_SLOT 33
#define FIRST_SUM_SLOT 34
#define ADVERTISEMENTS 16
#define NO_STEP 32767
#define SHARE_BLOCK 1024 /* encounters dealt to the threads in blocks, so that each gets every kind of day */
#define BYTE_SUM_MAX (8 * 255)
#define SUMS (BYTE_SUM_MAX + 1)

/* The channel, in the order of bluezone.sim.scans.parameters; the tables are indexed by the byte sum. */
enum {
    P_A1M, P_N10, P_FAST, P_SENSITIVITY, P_LOG_MIN, P_LOG_MAX,
    P_STATE0, P_STATE1, P_STATE2, P_SHARE0, P_SHARE01, P_REST_PER_BYTE, P_MEDIAN,
    P_BYTES_MEAN, P_BYTES_SD, P_CAPTURE,
    P_ANY,                                  /* P(a scan hears any packet | loudest heard byte sum) */
    P_FIRST = P_ANY + SUMS,                 /* per loudest: P(first heard slot <= j | any), 16 each */
    P_BELOW = P_FIRST + SUMS * ADVERTISEMENTS, /* P(byte sum <= k) */
    P_DRIFT = P_BELOW + SUMS,               /* drift of the distance in decades */
    P_COUNT = P_DRIFT + SUMS
};

static inline uint64_t mix(uint64_t x) {
    x ^= x >> 30; x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27; x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
static inline uint64_t absorb(uint64_t state, int64_t c) { return mix(state ^ (uint64_t)c) + GOLDEN; }
static inline double uniform(uint64_t state, int64_t c) {
    return (double)(mix(absorb(state, c)) >> 11) * (1.0 / 9007199254740992.0);
}
static inline unsigned byte_sum(uint64_t h) {
    uint64_t x = (h & 0x00FF00FF00FF00FFULL) + ((h >> 8) & 0x00FF00FF00FF00FFULL);
    x += x >> 16;
    x += x >> 32;
    return (unsigned)(x & 0xFFFF);
}

typedef struct {
    uint64_t seed_state;
    int64_t day;
    const int32_t *a, *b;
    const int8_t *setting;
    const int16_t *start, *end;
    const float *distance;
    const float *emit, *hear; /* per person: true emitted power; true receiver offset */
    Py_ssize_t people;
    const double *p;
} Day;

typedef struct {
    /* heard: first step each sender was heard in each part of the day (split at `split`) */
    int16_t *first;
    int split;
    /* this thread's share of the encounters: blocks b with b % shares == share */
    int share, shares;
    /* rows: every heard scan of the senders marked in `senders` */
    const uint8_t *senders;
    int32_t *receiver, *sender;
    int16_t *step;
    int8_t *max_rssi, *packets;
    float *mean_rssi;
    Py_ssize_t capacity, rows;
    long long scans; /* scans that heard at least one packet */
} Out;

/* Mean attenuation of each 15-minute segment of encounter e, at the distance contacts.expand draws, taken
 * in decades (log10) so that one logarithm serves the whole encounter. */
static inline __attribute__((always_inline)) void segment_attenuation(const Day *d, Py_ssize_t e, uint64_t prefix, int steps, double *att) {
    const double *p = d->p;
    double typical = log10((double)d->distance[e]);
    for (int seg = 0; seg * SEGMENT_STEPS < steps; seg++) {
        double decades = typical + p[P_DRIFT + byte_sum(mix(absorb(prefix, DRIFT_CODE + seg)))];
        decades = decades < p[P_LOG_MIN] ? p[P_LOG_MIN] : (decades > p[P_LOG_MAX] ? p[P_LOG_MAX] : decades);
        att[seg] = p[P_A1M] + p[P_N10] * decades;
    }
}

/* A heard scan's packets: how many were heard, the sum of their byte sums and the smallest one (the
 * strongest packet).  The scan heard its first packet in slot `first`, with a byte sum drawn given that it
 * is at most `loudest` (by inversion of the table of P(byte sum <= k)); each later slot is caught with the
 * capture probability and heard when its byte sum is at most `loudest`.  Integers, so that C and the NumPy
 * twin agree exactly. */
typedef struct { int heard; unsigned sum, least; } Packets;

static inline Packets packets(const double *p, uint64_t direction, int64_t code, int loudest) {
    const double *first = p + P_FIRST + ADVERTISEMENTS * (Py_ssize_t)loudest, *below = p + P_BELOW;
    double u = uniform(direction, code + FIRST_SLOT);
    int j0 = 0; /* the conditional CDF rises and ends at 1: count the slots below u */
    for (int j = 0; j < ADVERTISEMENTS - 1; j++) j0 += u >= first[j];
    double target = uniform(direction, code + FIRST_SUM_SLOT) * below[loudest];
    int lo = 0, hi = loudest; /* the least k with below[k] >= target */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (below[mid] >= target) hi = mid; else lo = mid + 1;
    }
    Packets r = {1, (unsigned)lo, (unsigned)lo};
    for (int j = j0 + 1; j < ADVERTISEMENTS; j++) {
        if (!(uniform(direction, code + CAUGHT_SLOT + j) < p[P_CAPTURE])) continue;
        int b = (int)byte_sum(mix(absorb(direction, code + j)));
        if (b <= loudest) {
            r.heard++;
            r.sum += (unsigned)b;
            if ((unsigned)b < r.least) r.least = (unsigned)b;
        }
    }
    return r;
}

#if defined(__x86_64__)
#define HAVE_WIDE 1
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512i mix8(__m512i x) {
    x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 30));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64((long long)0xBF58476D1CE4E5B9ULL));
    x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 27));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64((long long)0x94D049BB133111EBULL));
    return _mm512_xor_si512(x, _mm512_srli_epi64(x, 31));
}
#endif

/* The persistent term of a 10-minute cell: one hash's two halves pick both phones' carriage, a second
 * hash's byte sum gives the rest of the slow shadowing (normal to within what the field data can tell,
 * see bluezone.sim.scans), scaled by one factor: dB per byte. */
static inline __attribute__((always_inline)) double persistent(const double *p, uint64_t direction, int64_t cell) {
    int64_t code = CELL_CODE + cell * 4;
    const double states[3] = {p[P_STATE0], p[P_STATE1], p[P_STATE2]};
    uint64_t carriage = mix(absorb(direction, code));
    double u0 = (double)(carriage >> 32) * (1.0 / 4294967296.0);
    double u1 = (double)(carriage & 0xFFFFFFFFu) * (1.0 / 4294967296.0);
    int c0 = (u0 >= p[P_SHARE0]) + (u0 >= p[P_SHARE01]);
    int c1 = (u1 >= p[P_SHARE0]) + (u1 >= p[P_SHARE01]);
    double bytes = (double)byte_sum(mix(absorb(direction, code + 1))) - p[P_BYTES_MEAN];
    return states[c0] + states[c1] + bytes * p[P_REST_PER_BYTE] - p[P_MEDIAN];
}

#ifdef HAVE_WIDE
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512i hash8(__m512i state, __m512i code) {
    return mix8(_mm512_add_epi64(mix8(_mm512_xor_si512(state, code)), _mm512_set1_epi64((long long)GOLDEN)));
}

/* The top bits of 8 hashes as doubles in [0, 1), `bits` of them. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512d unit8(__m512i h, int shift, double scale) {
    return _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_srli_epi64(h, (unsigned)shift)), _mm512_set1_pd(scale));
}

/* The carriage loss picked by 8 uniforms: states[(u >= share0) + (u >= share01)], the shares rising. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512d carriage8(const double *p, __m512d u) {
    __m512d v = _mm512_set1_pd(p[P_STATE0]);
    v = _mm512_mask_mov_pd(v, _mm512_cmp_pd_mask(u, _mm512_set1_pd(p[P_SHARE0]), _CMP_GE_OQ), _mm512_set1_pd(p[P_STATE1]));
    return _mm512_mask_mov_pd(v, _mm512_cmp_pd_mask(u, _mm512_set1_pd(p[P_SHARE01]), _CMP_GE_OQ), _mm512_set1_pd(p[P_STATE2]));
}

/* The persistent term of 8 consecutive 10-minute cells, as `persistent` draws each. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512d persistent8(const double *p, __m512i state, int first_cell) {
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512i code = _mm512_add_epi64(_mm512_set1_epi64(CELL_CODE + (int64_t)first_cell * 4), _mm512_slli_epi64(lanes, 2));
    __m512i carriage = hash8(state, code);
    __m512i rest = hash8(state, _mm512_add_epi64(code, _mm512_set1_epi64(1)));
    __m512d c0 = carriage8(p, unit8(carriage, 32, 1.0 / 4294967296.0));
    __m512d c1 = carriage8(p, _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_and_si512(carriage, _mm512_set1_epi64(0xFFFFFFFFLL))),
                                            _mm512_set1_pd(1.0 / 4294967296.0)));
    __m512d bytes = _mm512_sub_pd(_mm512_cvtepi64_pd(_mm512_sad_epu8(rest, _mm512_setzero_si512())),
                                  _mm512_set1_pd(p[P_BYTES_MEAN]));
    return _mm512_sub_pd(_mm512_add_pd(_mm512_add_pd(c0, c1), _mm512_mul_pd(bytes, _mm512_set1_pd(p[P_REST_PER_BYTE]))),
                         _mm512_set1_pd(p[P_MEDIAN]));
}

/* Which of 8 consecutive steps (from `base`, the `live` ones) heard anything: each step's level, byte-sum
 * threshold and its draw against P(any packet heard) in vector lanes, in the scalar loop's order of
 * operations so that every scan comes out the same. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline unsigned heard8(const double *p, __m512i state, int base, __mmask8 live, __m512d link_minus_att,
                              __m512d slow) {
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512d level = _mm512_sub_pd(link_minus_att, slow);
    __m512d reach = _mm512_roundscale_pd(
        _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(level, _mm512_set1_pd(p[P_SENSITIVITY])),
                                    _mm512_set1_pd(p[P_BYTES_SD] / p[P_FAST])),
                      _mm512_set1_pd(p[P_BYTES_MEAN])),
        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __mmask8 some = live & _mm512_cmp_pd_mask(reach, _mm512_setzero_pd(), _CMP_GE_OQ);
    __m512i loudest = _mm512_cvttpd_epi64(_mm512_min_pd(_mm512_max_pd(reach, _mm512_setzero_pd()),
                                                        _mm512_set1_pd(BYTE_SUM_MAX)));
    __m512d any = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), some, loudest, p + P_ANY, 8);
    __m512i code = _mm512_add_epi64(_mm512_set1_epi64(SCAN_CODE + (int64_t)base * SCAN_STRIDE + ANY_SLOT),
                                    _mm512_slli_epi64(lanes, 6));
    __m512d u = unit8(hash8(state, code), 11, 1.0 / 9007199254740992.0);
    return some & _mm512_cmp_pd_mask(u, any, _CMP_LT_OQ);
}

/* The day's pass over one direction of an encounter: blocks of 16 steps from an even one, so that 8 cells'
 * persistent terms serve both halves.  `att_step[k]` is step first_step + k's attenuation; att_step[-1]
 * must be readable. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline void heard_wide(const double *p, uint64_t direction, double link, const double *att_step, int first_step,
                              int steps, int16_t *slots, int split, long long *scans) {
    const __m512i state = _mm512_set1_epi64((long long)direction);
    const __m512i halves[2] = {_mm512_set_epi64(3, 3, 2, 2, 1, 1, 0, 0), _mm512_set_epi64(7, 7, 6, 6, 5, 5, 4, 4)};
    int end = first_step + steps;
    for (int block = first_step & ~1; block < end; block += 16) {
        __m512d slow8 = persistent8(p, state, block >> 1);
        /* Both halves without a branch between them: their hashes overlap in the core. */
        unsigned heard = 0;
        for (int half = 0; half < 2; half++) {
            int base = block + 8 * half;
            int from = base < first_step ? first_step - base : 0, to = end - base >= 8 ? 8 : end - base;
            __mmask8 live = to <= from ? 0 : (__mmask8)(((1u << to) - 1) & ~((1u << from) - 1));
            __m512d link_minus_att = _mm512_sub_pd(_mm512_set1_pd(link), _mm512_maskz_loadu_pd(live, att_step + (base - first_step)));
            heard |= heard8(p, state, base, live, link_minus_att, _mm512_permutexvar_pd(halves[half], slow8)) << (8 * half);
        }
        if (!heard) continue;
        *scans += __builtin_popcount(heard);
        unsigned before = split <= block ? 0 : (split - block >= 16 ? 0xFFFF : (1u << (split - block)) - 1);
        unsigned early = heard & before, late = heard & ~before;
        if (early && block + __builtin_ctz(early) < slots[0]) slots[0] = (int16_t)(block + __builtin_ctz(early));
        if (late && block + __builtin_ctz(late) < slots[1]) slots[1] = (int16_t)(block + __builtin_ctz(late));
    }
}
#endif

/* Every scan of encounters lo..hi; `wide` (a constant where it is inlined) picks the AVX-512 paths. */
static inline __attribute__((always_inline)) void simulate_with(const Day *d, Py_ssize_t lo, Py_ssize_t hi, Out *out,
                                                                int wide) {
    const double *p = d->p;
    const double bytes_per_db = p[P_BYTES_SD] / p[P_FAST];
    double att[MAX_STEPS / SEGMENT_STEPS + 1], att_steps[MAX_STEPS + 1], *att_step = att_steps + 1;
    for (Py_ssize_t e = lo; e < hi; e++) {
        if ((e / SHARE_BLOCK) % out->shares != out->share) continue;
        int first_step = d->start[e], steps = d->end[e] - first_step;
        if (steps <= 0) continue;
        int32_t ends[2] = {d->a[e], d->b[e]};
        if (out->senders && !out->senders[ends[0]] && !out->senders[ends[1]]) continue;
        uint64_t prefix = absorb(d->seed_state, d->day);
        prefix = absorb(prefix, ends[0]);
        prefix = absorb(prefix, ends[1]);
        prefix = absorb(prefix, d->setting[e]);
        prefix = absorb(prefix, first_step);
        segment_attenuation(d, e, prefix, steps, att);
        for (int k = 0; k < steps; k++) att_step[k] = att[k / SEGMENT_STEPS];
        for (int dir = 0; dir < 2; dir++) {
            int32_t from = ends[dir], to = ends[1 - dir];
            if (out->senders && !out->senders[from]) continue;
            uint64_t direction = absorb(prefix, DIRECTION_CODE + dir);
            double link = (double)d->emit[from] - (double)d->hear[to];
#ifdef HAVE_WIDE
            if (wide && !out->receiver) {
                heard_wide(p, direction, link, att_step, first_step, steps, out->first + 2 * (Py_ssize_t)from,
                           out->split, &out->scans);
                continue;
            }
#endif
            double slow = 0.0;
            for (int k = 0; k < steps; k++) {
                int step = first_step + k;
                if (k == 0 || (step & 1) == 0) slow = persistent(p, direction, step >> 1);
                double level = link - att_step[k] - slow;
                /* A packet is heard when level - fast·(b - mean)/sd reaches the floor: b at most `loudest`. */
                double reach = floor((level - p[P_SENSITIVITY]) * bytes_per_db + p[P_BYTES_MEAN]);
                if (reach < 0) continue;
                int loudest = reach > BYTE_SUM_MAX ? BYTE_SUM_MAX : (int)reach;
                int64_t code = SCAN_CODE + (int64_t)step * SCAN_STRIDE;
                if (!(uniform(direction, code + ANY_SLOT) < p[P_ANY + loudest])) continue;
                if (!out->receiver) { /* the day's pass needs only whether the scan heard anything */
                    out->scans++;
                    int16_t *slot = out->first + 2 * (Py_ssize_t)from + (step >= out->split);
                    if (step < *slot) *slot = (int16_t)step;
                    continue;
                }
                Packets got = packets(p, direction, code, loudest);
                out->scans++;
                if (out->rows < out->capacity) {
                    Py_ssize_t r = out->rows++;
                    double strongest = level - p[P_FAST] * (((double)got.least - p[P_BYTES_MEAN]) / p[P_BYTES_SD]);
                    double mean = level - p[P_FAST] * (((double)got.sum / got.heard - p[P_BYTES_MEAN]) / p[P_BYTES_SD]);
                    out->receiver[r] = to;
                    out->sender[r] = from;
                    out->step[r] = (int16_t)step;
                    out->max_rssi[r] = (int8_t)nearbyint(strongest);
                    out->mean_rssi[r] = (float)(nearbyint(mean * 10.0) / 10.0);
                    out->packets[r] = (int8_t)got.heard;
                }
            }
        }
    }
}

static int use_wide = 0;

#ifdef HAVE_WIDE
__attribute__((target("avx512f,avx512dq,avx512bw")))
static void simulate_wide(const Day *d, Py_ssize_t lo, Py_ssize_t hi, Out *out) { simulate_with(d, lo, hi, out, 1); }
#endif

static void simulate_plain(const Day *d, Py_ssize_t lo, Py_ssize_t hi, Out *out) { simulate_with(d, lo, hi, out, 0); }

static void simulate(const Day *d, Py_ssize_t lo, Py_ssize_t hi, Out *out) {
#ifdef HAVE_WIDE
    if (use_wide) { simulate_wide(d, lo, hi, out); return; }
#endif
    simulate_plain(d, lo, hi, out);
}

/* ---------------------------------------------------------------- argument checks */

static int sized(Py_buffer *b, const char *name, Py_ssize_t n, Py_ssize_t width) {
    if (b->len != n * width) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd values of %zd bytes, got %zd bytes", name, n, width, b->len);
        return -1;
    }
    return 0;
}

/* Parse the day's common arguments into `d`; the buffers stay held in `views` until released. */
static int day_from(PyObject *args, Py_ssize_t first_extra, Day *d, Py_buffer views[9], Py_ssize_t *n) {
    unsigned long long seed;
    long long day;
    PyObject *tuple = PyTuple_GetSlice(args, 0, first_extra);
    if (!tuple) return -1;
    int ok = PyArg_ParseTuple(tuple, "KLy*y*y*y*y*y*y*y*y*", &seed, &day, &views[0], &views[1], &views[2],
                              &views[3], &views[4], &views[5], &views[6], &views[7], &views[8]);
    Py_DECREF(tuple);
    if (!ok) return -1;
    *n = views[0].len / 4;
    Py_ssize_t people = views[6].len / 4;
    if (sized(&views[1], "b", *n, 4) || sized(&views[2], "setting", *n, 1) || sized(&views[3], "start", *n, 2) ||
        sized(&views[4], "end", *n, 2) || sized(&views[5], "distance", *n, 4) ||
        sized(&views[7], "hear", people, 4) || sized(&views[8], "parameters", P_COUNT, 8))
        return -1;
    d->seed_state = seed * GOLDEN + GOLDEN;
    d->day = day;
    d->a = views[0].buf; d->b = views[1].buf; d->setting = views[2].buf;
    d->start = views[3].buf; d->end = views[4].buf; d->distance = views[5].buf;
    d->emit = views[6].buf; d->hear = views[7].buf; d->p = views[8].buf; d->people = people;
    for (Py_ssize_t e = 0; e < *n; e++) {
        if (d->a[e] < 0 || d->a[e] >= people || d->b[e] < 0 || d->b[e] >= people) {
            PyErr_Format(PyExc_ValueError, "encounter %zd names a person outside 0..%zd", e, people - 1);
            return -1;
        }
        if (d->start[e] < 0 || d->end[e] > MAX_STEPS) {
            PyErr_Format(PyExc_ValueError, "encounter %zd has steps outside 0..%d", e, MAX_STEPS);
            return -1;
        }
    }
    for (int k = 0; k < SUMS; k++)
        if (d->p[P_FIRST + ADVERTISEMENTS * k + ADVERTISEMENTS - 1] != 1.0 || d->p[P_BELOW + k] <= 0.0) {
            PyErr_SetString(PyExc_ValueError, "the first-packet distributions must end at 1, byte sums be possible");
            return -1;
        }
    return 0;
}

static void release(Py_buffer *views, int count) {
    for (int i = 0; i < count; i++)
        if (views[i].obj) PyBuffer_Release(&views[i]);
}

#define DAY_ARGS 11

static PyObject *py_heard(PyObject *self, PyObject *args) {
    Py_buffer views[10] = {{0}};
    Day d;
    Py_ssize_t n;
    int share, shares, split;
    PyObject *result = NULL;
    if (PyTuple_GET_SIZE(args) != DAY_ARGS + 4) {
        PyErr_SetString(PyExc_TypeError, "heard(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, "
                                         "share, shares, split, first)");
        return NULL;
    }
    if (day_from(args, DAY_ARGS, &d, views, &n) < 0) goto done;
    PyObject *rest = PyTuple_GetSlice(args, DAY_ARGS, DAY_ARGS + 4);
    if (!rest) goto done;
    int ok = PyArg_ParseTuple(rest, "iiiw*", &share, &shares, &split, &views[9]);
    Py_DECREF(rest);
    if (!ok) goto done;
    if (shares < 1 || share < 0 || share >= shares) { PyErr_SetString(PyExc_ValueError, "share outside 0..shares-1"); goto done; }
    if (sized(&views[9], "first", 2 * d.people, 2)) goto done;
    Out out = {.first = views[9].buf, .split = split, .share = share, .shares = shares};
    Py_BEGIN_ALLOW_THREADS
    simulate(&d, 0, n, &out);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(out.scans);
done:
    release(views, 10);
    return result;
}

static PyObject *py_rows(PyObject *self, PyObject *args) {
    Py_buffer views[16] = {{0}};
    Day d;
    Py_ssize_t n;
    PyObject *result = NULL;
    if (PyTuple_GET_SIZE(args) != DAY_ARGS + 7) {
        PyErr_SetString(PyExc_TypeError, "rows(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, senders, receiver, sender, step, max_rssi, mean_rssi, packets)");
        return NULL;
    }
    if (day_from(args, DAY_ARGS, &d, views, &n) < 0) goto done;
    PyObject *rest = PyTuple_GetSlice(args, DAY_ARGS, DAY_ARGS + 7);
    if (!rest) goto done;
    int ok = PyArg_ParseTuple(rest, "y*w*w*w*w*w*w*", &views[9], &views[10], &views[11], &views[12], &views[13],
                              &views[14], &views[15]);
    Py_DECREF(rest);
    if (!ok) goto done;
    Py_ssize_t capacity = views[10].len / 4;
    if (sized(&views[9], "senders", d.people, 1) || sized(&views[11], "sender", capacity, 4) ||
        sized(&views[12], "step", capacity, 2) || sized(&views[13], "max_rssi", capacity, 1) ||
        sized(&views[14], "mean_rssi", capacity, 4) || sized(&views[15], "packets", capacity, 1))
        goto done;
    Out out = {.senders = views[9].buf, .receiver = views[10].buf, .sender = views[11].buf, .step = views[12].buf,
               .max_rssi = views[13].buf, .mean_rssi = views[14].buf, .packets = views[15].buf,
               .capacity = capacity, .shares = 1};
    Py_BEGIN_ALLOW_THREADS
    simulate(&d, 0, n, &out);
    Py_END_ALLOW_THREADS
    if (out.scans > capacity) {
        PyErr_Format(PyExc_ValueError, "%lld heard scans do not fit in %zd rows", out.scans, capacity);
        goto done;
    }
    result = PyLong_FromSsize_t(out.rows);
done:
    release(views, 16);
    return result;
}

/* AVX-512 with 64-bit multiplies and byte sums, and an OS that saves its registers. */
static int wide_available(void) {
#ifdef HAVE_WIDE
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0; /* OSXSAVE */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1;
    if (!(f && dq && bw)) return 0;
    unsigned int lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xE6) == 0xE6;
#else
    return 0;
#endif
}

static PyObject *py_set_wide(PyObject *self, PyObject *arg) {
    int on = PyObject_IsTrue(arg);
    if (on < 0) return NULL;
    use_wide = on && wide_available();
    return PyBool_FromLong(use_wide);
}

/* One value of a column of signed integers 1, 2, 4 or 8 bytes wide. */
static inline int64_t column_value(const void *column, Py_ssize_t width, Py_ssize_t i) {
    switch (width) {
    case 1: return ((const int8_t *)column)[i];
    case 2: return ((const int16_t *)column)[i];
    case 4: return ((const int32_t *)column)[i];
    default: return ((const int64_t *)column)[i];
    }
}

#ifdef HAVE_WIDE
/* 8 values of a column as int64 lanes, widened as column_value widens one. */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static inline __m512i column_values8(const void *column, Py_ssize_t width, Py_ssize_t stride, Py_ssize_t i) {
    if (!stride) return _mm512_set1_epi64(column_value(column, width, 0));
    switch (width) {
    case 1: return _mm512_cvtepi8_epi64(_mm_loadl_epi64((const __m128i *)((const int8_t *)column + i)));
    case 2: return _mm512_cvtepi16_epi64(_mm_loadu_si128((const __m128i *)((const int16_t *)column + i)));
    case 4: return _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)((const int32_t *)column + i)));
    default: return _mm512_loadu_si512((const int64_t *)column + i);
    }
}

/* hashes_plain's work 8 rows at a time; returns how many rows it did (a multiple of 8). */
__attribute__((target("avx512f,avx512dq,avx512bw")))
static Py_ssize_t hashes_wide(uint64_t state, Py_ssize_t count, const void **column, const Py_ssize_t *width,
                              const Py_ssize_t *stride, Py_ssize_t n, const float *table, void *out) {
    const __m512i golden = _mm512_set1_epi64((long long)GOLDEN);
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i h = _mm512_set1_epi64((long long)state);
        for (Py_ssize_t c = 0; c < count; c++)
            h = _mm512_add_epi64(mix8(_mm512_xor_si512(h, column_values8(column[c], width[c], stride[c], i))), golden);
        h = mix8(h);
        if (table)
            _mm256_storeu_ps((float *)out + i, _mm512_i64gather_ps(_mm512_sad_epu8(h, _mm512_setzero_si512()), table, 4));
        else
            _mm512_storeu_si512((uint64_t *)out + i, h);
    }
    return i;
}
#endif

/* Rows from..n of hashed(): each row's state absorbs its column values, finished (or looked up by byte sum). */
static void hashes_plain(uint64_t state, Py_ssize_t count, const void **column, const Py_ssize_t *width,
                         const Py_ssize_t *stride, Py_ssize_t from, Py_ssize_t n, const float *table, void *out) {
    for (Py_ssize_t i = from; i < n; i++) {
        uint64_t h = state;
        for (Py_ssize_t c = 0; c < count; c++) h = absorb(h, column_value(column[c], width[c], i * stride[c]));
        if (table)
            ((float *)out)[i] = table[byte_sum(mix(h))];
        else
            ((uint64_t *)out)[i] = mix(h);
    }
}

/* bluezone.sim.noise.hashed over whole columns: out[i] is the state absorbing each column's value in turn,
 * finished, or with `table` (BYTE_SUM_MAX + 1 float32) the table's value at that hash's byte sum (out then
 * holds float32): a draw that follows from a normal without a table per row.  A column holds signed integers of
 * 1, 2, 4 or 8 bytes, one per output, or a single value that every output shares. */
#define MAX_COLUMNS 16
static PyObject *py_hashed(PyObject *self, PyObject *args) {
    unsigned long long state;
    PyObject *columns;
    Py_buffer out = {0}, table = {0}, views[MAX_COLUMNS] = {{0}};
    Py_ssize_t held = 0;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "KO!w*|y*", &state, &PyTuple_Type, &columns, &out, &table)) return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(columns), n = out.len / (table.obj ? 4 : 8);
    if (table.obj && table.len != (BYTE_SUM_MAX + 1) * 4) {
        PyErr_Format(PyExc_ValueError, "the table must hold %d float32 values, got %zd bytes", BYTE_SUM_MAX + 1, table.len);
        goto done;
    }
    if (count > MAX_COLUMNS) {
        PyErr_Format(PyExc_ValueError, "at most %d columns, got %zd", MAX_COLUMNS, count);
        goto done;
    }
    const void *column[MAX_COLUMNS];
    Py_ssize_t width[MAX_COLUMNS], stride[MAX_COLUMNS];
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_buffer *v = &views[k];
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(columns, k), v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) goto done;
        held = k + 1;
        const char *format = v->format ? v->format : "B";
        if (format[0] == '=' || format[0] == '@') format++;
        int integer = strlen(format) == 1 && strchr("bhilq", format[0]) &&
                      (v->itemsize == 1 || v->itemsize == 2 || v->itemsize == 4 || v->itemsize == 8);
        if (!integer) {
            PyErr_Format(PyExc_ValueError, "column %zd must hold signed integers, got format %s", k, v->format);
            goto done;
        }
        if (v->len != v->itemsize && v->len != n * v->itemsize) {
            PyErr_Format(PyExc_ValueError, "column %zd must hold 1 or %zd values, got %zd", k, n, v->len / v->itemsize);
            goto done;
        }
        column[k] = v->buf;
        width[k] = v->itemsize;
        stride[k] = v->len == v->itemsize ? 0 : 1;
    }
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t done_rows = 0;
    const float *lookup = table.obj ? table.buf : NULL;
#ifdef HAVE_WIDE
    if (use_wide) done_rows = hashes_wide(state, count, column, width, stride, n, lookup, out.buf);
#endif
    hashes_plain(state, count, column, width, stride, done_rows, n, lookup, out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release(views, (int)held);
    PyBuffer_Release(&out);
    if (table.obj) PyBuffer_Release(&table);
    return result;
}

/* ---------------------------------------------------------------- the log's index by person */

/* Counting sort of the encounters by each of their two people: stable, as NumPy's stable argsort of a
 * then b, so that the NumPy fallback gives the same rows. */
static PyObject *py_by_person(PyObject *self, PyObject *args) {
    Py_buffer a = {0}, b = {0}, offsets = {0}, rows = {0};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*w*w*", &a, &b, &offsets, &rows)) return NULL;
    Py_ssize_t n = a.len / 4, people = offsets.len / 8 - 1;
    if (people < 0 || sized(&b, "b", n, 4) || sized(&rows, "rows", 2 * n, 4)) goto done;
    const int32_t *pa = a.buf, *pb = b.buf;
    int64_t *off = offsets.buf;
    int32_t *out = rows.buf;
    for (Py_ssize_t e = 0; e < n; e++)
        if (pa[e] < 0 || pa[e] >= people || pb[e] < 0 || pb[e] >= people) {
            PyErr_Format(PyExc_ValueError, "encounter %zd names a person outside 0..%zd", e, people - 1);
            goto done;
        }
    Py_BEGIN_ALLOW_THREADS
    memset(off, 0, offsets.len);
    for (Py_ssize_t e = 0; e < n; e++) { off[pa[e] + 1]++; off[pb[e] + 1]++; }
    for (Py_ssize_t p = 0; p < people; p++) off[p + 1] += off[p];
    /* Fill from each person's start; the starts are restored afterwards by shifting the ends back. */
    for (Py_ssize_t e = 0; e < n; e++) out[off[pa[e]]++] = (int32_t)e;
    for (Py_ssize_t e = 0; e < n; e++) out[off[pb[e]]++] = (int32_t)e;
    for (Py_ssize_t p = people; p > 0; p--) off[p] = off[p - 1];
    off[0] = 0;
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&rows);
    return result;
}

static PyMethodDef methods[] = {
    {"hashed", py_hashed, METH_VARARGS,
     "hashed(state, columns, out[, table]): out[i] = the state absorbing each integer column's i-th (or only) "
     "value, finished (uint64), or the float32 table's value at that hash's byte sum"},
    {"set_wide", py_set_wide, METH_O,
     "set_wide(on) -> whether the loop now works 8 steps or packets an instruction (AVX-512, where the CPU has it)"},
    {"heard", py_heard, METH_VARARGS,
     "heard(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, share, shares, split, first) "
     "-> scans heard in this share of the encounters (blocks b with b % shares == share); lowers "
     "first[2*sender + (step >= split)] to each heard step"},
    {"rows", py_rows, METH_VARARGS,
     "rows(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, senders, receiver, sender, "
     "step, max_rssi, mean_rssi, packets) -> how many heard scans of the marked senders were written"},
    {"by_person", py_by_person, METH_VARARGS,
     "by_person(a, b, offsets, rows): rows[offsets[p]:offsets[p + 1]] = the encounters p is in: as a, then as b"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scans", "Bulk simulated Bluetooth scans.", -1, methods};

PyMODINIT_FUNC PyInit__scans(void) {
    use_wide = wide_available();
    return PyModule_Create(&module);
}
