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

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define MAX_STEPS 288
#define SEGMENT_STEPS 3
#define DRIFT_CODE 1000
#define DIRECTION_CODE 2000
#define CELL_CODE (1LL << 24)
#define SCAN_CODE (2LL << 24)
#define CAUGHT_SLOT 16
#define ADVERTISEMENTS 16
#define NO_STEP 32767

/* The channel, in the order of bluezone.sim.scans.PARAMETERS. */
enum {
    P_A1M, P_N10, P_FAST, P_SENSITIVITY, P_DRIFT, P_D_MIN, P_D_MAX,
    P_STATE0, P_STATE1, P_STATE2, P_SHARE0, P_SHARE01, P_REST, P_MEDIAN,
    P_BYTES_MEAN, P_BYTES_SD, P_CDF, P_COUNT = P_CDF + ADVERTISEMENTS + 1
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
static inline double box_muller(double u1, double u2) {
    return sqrt(-2.0 * log1p(-u1)) * cos(2.0 * M_PI * u2);
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
    /* rows: every heard scan of the senders marked in `senders` */
    const uint8_t *senders;
    int32_t *receiver, *sender;
    int16_t *step;
    int8_t *max_rssi, *packets;
    float *mean_rssi;
    Py_ssize_t capacity, rows;
    long long scans; /* scans that heard at least one packet */
} Out;

/* Mean attenuation of each 15-minute segment of encounter e, as contacts.expand draws its distance. */
static void segment_attenuation(const Day *d, Py_ssize_t e, uint64_t prefix, int steps, double *att) {
    const double *p = d->p;
    for (int seg = 0; seg * SEGMENT_STEPS < steps; seg++) {
        uint64_t s = absorb(prefix, DRIFT_CODE + seg);
        double z = box_muller(uniform(s, 1), uniform(s, 2));
        double metres = (double)d->distance[e] * exp(p[P_DRIFT] * z);
        metres = metres < p[P_D_MIN] ? p[P_D_MIN] : (metres > p[P_D_MAX] ? p[P_D_MAX] : metres);
        metres = (double)(float)metres; /* expand keeps float32 distances */
        att[seg] = p[P_A1M] + p[P_N10] * log10(metres);
    }
}

static double persistent(const double *p, uint64_t direction, int64_t cell) {
    int64_t code = CELL_CODE + cell * 4;
    const double states[3] = {p[P_STATE0], p[P_STATE1], p[P_STATE2]};
    double u0 = uniform(direction, code), u1 = uniform(direction, code + 1);
    int c0 = (u0 >= p[P_SHARE0]) + (u0 >= p[P_SHARE01]);
    int c1 = (u1 >= p[P_SHARE0]) + (u1 >= p[P_SHARE01]);
    double z = box_muller(uniform(direction, code + 2), uniform(direction, code + 3));
    return states[c0] + states[c1] + p[P_REST] * z - p[P_MEDIAN];
}

static void simulate(const Day *d, Py_ssize_t lo, Py_ssize_t hi, Out *out) {
    const double *p = d->p;
    double att[MAX_STEPS / SEGMENT_STEPS + 1];
    for (Py_ssize_t e = lo; e < hi; e++) {
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
        for (int dir = 0; dir < 2; dir++) {
            int32_t from = ends[dir], to = ends[1 - dir];
            if (out->senders && !out->senders[from]) continue;
            uint64_t direction = absorb(prefix, DIRECTION_CODE + dir);
            double link = (double)d->emit[from] - (double)d->hear[to];
            double slow = 0.0;
            for (int k = 0; k < steps; k++) {
                int step = first_step + k;
                if (k == 0 || (step & 1) == 0) slow = persistent(p, direction, step >> 1);
                double level = link - att[k / SEGMENT_STEPS] - slow;
                int64_t code = SCAN_CODE + (int64_t)step * 32;
                double u = uniform(direction, code + CAUGHT_SLOT);
                int caught = 0;
                while (u >= p[P_CDF + caught]) caught++;
                int heard = 0;
                double strongest = -INFINITY, total = 0.0;
                for (int j = 0; j < caught; j++) {
                    double z = ((double)byte_sum(mix(absorb(direction, code + j))) - p[P_BYTES_MEAN]) / p[P_BYTES_SD];
                    double rssi = level - p[P_FAST] * z;
                    if (rssi >= p[P_SENSITIVITY]) {
                        heard++;
                        total += rssi;
                        if (rssi > strongest) strongest = rssi;
                    }
                }
                if (!heard) continue;
                out->scans++;
                if (out->first) {
                    int16_t *slot = out->first + 2 * (Py_ssize_t)from + (step >= out->split);
                    if (step < *slot) *slot = (int16_t)step;
                }
                if (out->receiver && out->rows < out->capacity) {
                    Py_ssize_t r = out->rows++;
                    out->receiver[r] = to;
                    out->sender[r] = from;
                    out->step[r] = (int16_t)step;
                    out->max_rssi[r] = (int8_t)nearbyint(strongest);
                    out->mean_rssi[r] = (float)(nearbyint(total / heard * 10.0) / 10.0);
                    out->packets[r] = (int8_t)heard;
                }
            }
        }
    }
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
    if (d->p[P_CDF + ADVERTISEMENTS] != 1.0) {
        PyErr_SetString(PyExc_ValueError, "the caught-packets distribution must end at 1");
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
    Py_ssize_t n, lo, hi;
    int split;
    PyObject *result = NULL;
    if (PyTuple_GET_SIZE(args) != DAY_ARGS + 4) {
        PyErr_SetString(PyExc_TypeError, "heard(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, lo, hi, split, first)");
        return NULL;
    }
    if (day_from(args, DAY_ARGS, &d, views, &n) < 0) goto done;
    PyObject *rest = PyTuple_GetSlice(args, DAY_ARGS, DAY_ARGS + 4);
    if (!rest) goto done;
    int ok = PyArg_ParseTuple(rest, "nniw*", &lo, &hi, &split, &views[9]);
    Py_DECREF(rest);
    if (!ok) goto done;
    if (lo < 0 || hi > n || lo > hi) { PyErr_SetString(PyExc_ValueError, "lo..hi outside the encounters"); goto done; }
    if (sized(&views[9], "first", 2 * d.people, 2)) goto done;
    Out out = {.first = views[9].buf, .split = split};
    Py_BEGIN_ALLOW_THREADS
    simulate(&d, lo, hi, &out);
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
               .capacity = capacity};
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

static PyMethodDef methods[] = {
    {"heard", py_heard, METH_VARARGS,
     "heard(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, lo, hi, split, first) -> "
     "scans heard in encounters lo..hi; lowers first[2*sender + (step >= split)] to each heard step"},
    {"rows", py_rows, METH_VARARGS,
     "rows(seed, day, a, b, setting, start, end, distance, emit, hear, parameters, senders, receiver, sender, "
     "step, max_rssi, mean_rssi, packets) -> how many heard scans of the marked senders were written"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scans", "Bulk simulated Bluetooth scans.", -1, methods};

PyMODINIT_FUNC PyInit__scans(void) { return PyModule_Create(&module); }
