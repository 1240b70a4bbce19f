/* stress: 8 threads share one client and make 10,000 calls in all (reads, and calls that must
 * fail cleanly), checking every result. Built with AddressSanitizer by the Makefile; LeakSanitizer
 * then checks at exit that no string was leaked.
 * Usage: stress [TOTAL_CALLS] [THREADS] */
#include <cctap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cctap_client *client;
static atomic_int failures;
static int calls_per_thread;

static void expect(int ok, const char *what) {
    if (!ok) {
        atomic_fetch_add(&failures, 1);
        fprintf(stderr, "unexpected result: %s (%s)\n", what, cctap_last_error());
    }
}

static void *worker(void *arg) {
    int id = (int)(long)arg;
    for (int i = 0; i < calls_per_thread; i++) {
        char *out = NULL;
        switch ((id + i) % 5) {
        case 0:
            expect(cctap_list_sessions(client, "active", &out) == CCTAP_OK && strstr(out, "\"sessions\"") != NULL,
                   "list_sessions");
            break;
        case 1:
            expect(cctap_read_session(client, "session_01HFlakyLoginTestDemo0001", 5, &out) == CCTAP_OK &&
                       strstr(out, "\"entries\"") != NULL,
                   "read_session");
            break;
        case 2:
            expect(cctap_get_session_info(client, "session_01HPendingPermission0003", &out) == CCTAP_OK &&
                       strstr(out, "\"pending_permissions\"") != NULL,
                   "get_session_info");
            break;
        case 3:
            expect(cctap_get_session_events(client, "session_01HNoSuchSession00000", NULL, 3, &out) == CCTAP_E_NOT_FOUND &&
                       out == NULL && cctap_last_status() == CCTAP_E_NOT_FOUND,
                   "not found");
            break;
        default:
            expect(cctap_read_session(client, "bad/id", 5, &out) == CCTAP_E_INVALID_ARGUMENT && out == NULL,
                   "invalid argument");
            break;
        }
        cctap_string_free(out);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int total = argc > 1 ? atoi(argv[1]) : 10000;
    int threads = argc > 2 ? atoi(argv[2]) : 8;
    calls_per_thread = total / threads;
    if (cctap_client_new(NULL, &client) != CCTAP_OK) {
        fprintf(stderr, "cannot create a client: %s\n", cctap_last_error());
        return 1;
    }
    pthread_t pool[64];
    for (long t = 0; t < threads && t < 64; t++) pthread_create(&pool[t], NULL, worker, (void *)t);
    for (int t = 0; t < threads && t < 64; t++) pthread_join(pool[t], NULL);
    cctap_client_free(client);
    int made = calls_per_thread * threads;
    printf("stress: %d calls on %d threads: %d passed, %d failed\n", made, threads, made - failures, failures);
    return failures == 0 ? 0 : 1;
}
