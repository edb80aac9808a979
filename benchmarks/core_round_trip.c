/* How long one cache line takes to go from one CPU to another and back, in nanoseconds.

   Usage: core_round_trip CPU_A CPU_B
   Prints the median of 9 batches of 20,000 round trips of a flag between a thread pinned
   to CPU_A and one pinned to CPU_B.

   Why the benchmark needs it: on a virtual machine, the host decides which physical cores
   run our two virtual CPUs. When they share a level-3 cache a round trip takes ~60 ns;
   when they sit in different core complexes it takes 300-800 ns, and everything that hands
   data from one thread to the other (a 2-thread matrix product, then a 1-thread step
   reading what both threads wrote) slows down, for seconds to minutes at a time. The
   benchmark records this before and after every run, so runs on the two kinds of
   placement can be told apart. No atomics from Python: NumPy and Numba cannot spin on a
   shared flag safely, hence these few lines of C, compiled by the benchmark on first use.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BATCHES = 9, REPS = 20000 };

static _Alignas(64) atomic_int flag;  /* 1: the ball is with the other thread */
static atomic_int done;

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *bounce(void *cpu) {
    if (pin(*(int *)cpu) != 0) exit(2);
    while (!atomic_load_explicit(&done, memory_order_relaxed))
        if (atomic_load_explicit(&flag, memory_order_acquire) == 1)
            atomic_store_explicit(&flag, 0, memory_order_release);
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CPU_A CPU_B\n", argv[0]);
        return 1;
    }
    int cpu_a = atoi(argv[1]), cpu_b = atoi(argv[2]);
    pthread_t other;
    if (pin(cpu_a) != 0 || pthread_create(&other, NULL, bounce, &cpu_b) != 0) return 2;
    double ns[BATCHES];
    for (int k = 0; k < BATCHES; k++) {
        double start = now();
        for (int i = 0; i < REPS; i++) {
            atomic_store_explicit(&flag, 1, memory_order_release);
            while (atomic_load_explicit(&flag, memory_order_acquire) != 0) {}
        }
        ns[k] = (now() - start) / REPS * 1e9;
    }
    atomic_store(&done, 1);
    pthread_join(other, NULL);
    qsort(ns, BATCHES, sizeof ns[0], by_value);
    printf("%.0f\n", ns[BATCHES / 2]);
    return 0;
}
