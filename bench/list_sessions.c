/* list_sessions.c: the per-call cost of cctap_list_sessions through the C ABI (see scripts/bench-cabi.sh).
 * Usage: bench CALLS; prints "c CALLS MEDIAN_US P95_US". */
#include <cctap.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 2000;
    cctap_client *client = NULL;
    if (cctap_client_new(NULL, &client) != CCTAP_OK) {
        fprintf(stderr, "%s\n", cctap_last_error());
        return 1;
    }
    char *out = NULL;
    for (int i = 0; i < 100; i++) { /* warm-up */
        if (cctap_list_sessions(client, NULL, &out) != CCTAP_OK) return 1;
        cctap_string_free(out);
    }
    double *samples = malloc(sizeof(double) * calls);
    for (int i = 0; i < calls; i++) {
        double start = micros();
        if (cctap_list_sessions(client, NULL, &out) != CCTAP_OK) return 1;
        cctap_string_free(out);
        samples[i] = micros() - start;
    }
    qsort(samples, calls, sizeof(double), compare);
    printf("c %d %.1f %.1f\n", calls, samples[calls / 2], samples[calls * 95 / 100]);
    free(samples);
    cctap_client_free(client);
    return 0;
}
