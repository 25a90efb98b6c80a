/* Reference kernel for benchmarks/roofline.py: the forward pass of an MLP and its training
 * accuracy for P candidate weight vectors, written for the machine.
 *
 * Compiled at run time by roofline.py with the system compiler:
 *   cc -O3 -march=native -ffast-math -fopenmp -shared -fPIC -DLAYERS=5,10,1 -DNL=2 -DACT=0
 *      -DBLOCK=64 roofline_kernel.c -o kernel.so -lmvec -lm
 * Layout: the data are stored transposed (features, rows), so the row axis is the vector
 * axis; activations live in a (units, BLOCK rows) tile on the stack (L1). Transfers:
 * ACT=0 sigmoid 1 / (1 + expf(-z)), ACT=1 tanhf, both vectorised through glibc's libmvec
 * (-ffast-math lets gcc call _ZGVeN16v_expf / tanhf on AVX-512, the AVX2 variants elsewhere).
 * The output layer has one unit and no transfer: class 1 iff its activation > 0 (the
 * sigmoid output's threshold), compared with y. Candidates are split over OpenMP threads.
 */
#include <math.h>
#include <omp.h>

#ifndef BLOCK
#define BLOCK 64
#endif

static const int SIZES[NL + 1] = {LAYERS};

static int max_width(void) {
    int m = 0;
    for (int l = 0; l <= NL; l++) m = SIZES[l] > m ? SIZES[l] : m;
    return m;
}

int n_weights(void) {
    int n = 0;
    for (int l = 0; l < NL; l++) n += (SIZES[l] + 1) * SIZES[l + 1];
    return n;
}

int vector_bytes(void) {
#if defined(__AVX512F__)
    return 64;
#elif defined(__AVX2__)
    return 32;
#else
    return 16;
#endif
}

static inline float transfer(float z) {
#if ACT == 0
    return 1.0f / (1.0f + expf(-z));
#elif ACT == 1
    return tanhf(z);
#else
    return 1.0f - 2.0f / (1.0f + expf(2.0f * z)); /* tanh through expf */
#endif
}

/* One layer on one tile, UB output units at a time (each input row is loaded once for UB
 * units): out[u][r] = f(b[u] + sum_i w[i][u] * in[i][r]). */
#define LAYER_UB(UB)                                                                         \
    static inline void layer_##UB(const float *restrict w, int n_in, int n_out,              \
                                  const float *restrict in, int in_stride,                   \
                                  float *restrict out, int last) {                           \
        const float *restrict b = w + n_in * n_out;                                          \
        for (int u0 = 0; u0 < n_out; u0 += UB) {                                             \
            float acc[UB][BLOCK];                                                            \
            for (int k = 0; k < UB; k++)                                                     \
                _Pragma("omp simd") for (int r = 0; r < BLOCK; r++) acc[k][r] = b[u0 + k];   \
            for (int i = 0; i < n_in; i++) {                                                 \
                const float *restrict row = in + i * in_stride;                              \
                for (int k = 0; k < UB; k++) {                                               \
                    const float wik = w[i * n_out + u0 + k];                                 \
                    _Pragma("omp simd") for (int r = 0; r < BLOCK; r++) acc[k][r] += wik * row[r]; \
                }                                                                            \
            }                                                                                \
            for (int k = 0; k < UB; k++) {                                                   \
                float *restrict o = out + (u0 + k) * BLOCK;                                  \
                if (last) {                                                                  \
                    _Pragma("omp simd") for (int r = 0; r < BLOCK; r++) o[r] = acc[k][r];    \
                } else {                                                                     \
                    _Pragma("omp simd") for (int r = 0; r < BLOCK; r++) o[r] = transfer(acc[k][r]); \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }
LAYER_UB(1)
LAYER_UB(2)
LAYER_UB(4)

static inline void layer(const float *restrict w, int n_in, int n_out, const float *restrict in,
                         int in_stride, float *restrict out, int last) {
    if (n_out % 4 == 0)
        layer_4(w, n_in, n_out, in, in_stride, out, last);
    else if (n_out % 2 == 0)
        layer_2(w, n_in, n_out, in, in_stride, out, last);
    else
        layer_1(w, n_in, n_out, in, in_stride, out, last);
}

/* Training accuracy of one candidate: xt is (features, n_pad), y holds -1 on padded rows. */
static float accuracy(const float *restrict w, const float *restrict xt, const int *restrict y,
                      int n, int n_pad) {
    float tile_a[64 * BLOCK] __attribute__((aligned(64)));
    float tile_b[64 * BLOCK] __attribute__((aligned(64)));
    int hits = 0;
    for (int r0 = 0; r0 < n_pad; r0 += BLOCK) {
        const float *in = xt + r0;
        int stride = n_pad;
        const float *wl = w;
        float *out = tile_a;
        for (int l = 0; l < NL; l++) {
            layer(wl, SIZES[l], SIZES[l + 1], in, stride, out, l == NL - 1);
            wl += (SIZES[l] + 1) * SIZES[l + 1];
            in = out;
            stride = BLOCK;
            out = out == tile_a ? tile_b : tile_a;
        }
        const int *yr = y + r0;
#pragma omp simd reduction(+ : hits)
        for (int r = 0; r < BLOCK; r++) hits += (in[r] > 0.0f) == yr[r];
    }
    return (float)hits / (float)n;
}

/* Scores of P candidates (weights: P x n_weights, each layer's w (in, out) then b). */
int evaluate(const float *weights, int population, const float *xt, const int *y, int n,
             int n_pad, float *scores, int threads) {
    if (max_width() > 64 || n_pad % BLOCK) return -1;
    const int nw = n_weights();
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int p = 0; p < population; p++)
        scores[p] = accuracy(weights + (long)p * nw, xt, y, n, n_pad);
    return 0;
}
