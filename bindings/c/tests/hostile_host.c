/* hostile_host: one libcctap call made by a C program, for the tests of a hostile service
 * (Tests/e2e/test_hostile.py). The test judges that the program SURVIVED the call (exit 0, no signal)
 * and reads what it printed.
 *
 *   hostile_host [--options JSON] OP [ARG...]
 *     OP: new                          only cctap_client_new
 *         list [FILTER]                cctap_list_sessions
 *         info SESSION                 cctap_get_session_info
 *         read SESSION [LAST_N]        cctap_read_session (20 by default)
 *         send SESSION TEXT            cctap_send_message
 *         send_and_wait SESSION TEXT [TIMEOUT]   cctap_send_and_wait (30 s by default)
 *         wait SESSION CURSOR [TIMEOUT]          cctap_wait_for_reply (30 s by default)
 *         respond SESSION REQUEST DECISION       cctap_respond_to_permission
 *         respond_input SESSION REQUEST ACTION [RESULT_JSON]   cctap_respond_to_input
 *         prune DAYS OFFLINE_ONLY DRY_RUN [IDS]  cctap_prune_sessions (the flags 0 or 1; IDS comma-separated)
 *
 * The client takes its options from --options (a JSON object, as cctap_client_new documents) or,
 * without it, from the environment (CCTAP_BASE_URL, CCTAP_ACCESS_TOKEN, ...). Every library log
 * message, at debug level and up, is printed as "log LEVEL: MESSAGE"; then come
 *   status: <the status code's name>
 *   error: <cctap_last_error()>
 *   json: <the result, or nothing>
 * Exits 0 whenever the library returned, 2 on a usage error. */
#include <cctap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_log(int level, const char *message, void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&lock);
    printf("log %d: %s\n", level, message);
    fflush(stdout);
    pthread_mutex_unlock(&lock);
}

static int usage(void) {
    fprintf(stderr, "usage: hostile_host [--options JSON] new|list|info|read|send|send_and_wait|wait|respond|respond_input|prune [ARG...]\n");
    return 2;
}

/* Prints the outcome of the call that returned `status` (taking `out`, which may be NULL). */
static void report(int status, char *out) {
    pthread_mutex_lock(&lock);
    printf("status: %s\n", cctap_status_name(status));
    printf("error: %s\n", cctap_last_error());
    printf("json: %s\n", out ? out : "");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
    cctap_string_free(out);
}

int main(int argc, char **argv) {
    const char *options = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--options") == 0) {
        options = argv[2];
        first = 3;
    }
    if (argc <= first) return usage();
    const char *op = argv[first];
    const char *a = argc > first + 1 ? argv[first + 1] : NULL;
    const char *b = argc > first + 2 ? argv[first + 2] : NULL;
    const char *c = argc > first + 3 ? argv[first + 3] : NULL;
    const char *d = argc > first + 4 ? argv[first + 4] : NULL;

    cctap_set_log_handler(CCTAP_LOG_DEBUG, on_log, NULL);
    cctap_client *client = NULL;
    int status = cctap_client_new(options, &client);
    if (status != CCTAP_OK || strcmp(op, "new") == 0) {
        report(status, NULL);
        cctap_client_free(client);
        return 0;
    }
    char *out = NULL;
    if (strcmp(op, "list") == 0) {
        status = cctap_list_sessions(client, a, &out);
    } else if (strcmp(op, "info") == 0 && a) {
        status = cctap_get_session_info(client, a, &out);
    } else if (strcmp(op, "read") == 0 && a) {
        status = cctap_read_session(client, a, b ? atoi(b) : 20, &out);
    } else if (strcmp(op, "send") == 0 && a && b) {
        status = cctap_send_message(client, a, b, &out);
    } else if (strcmp(op, "send_and_wait") == 0 && a && b) {
        status = cctap_send_and_wait(client, a, b, c ? atof(c) : 30.0, NULL, NULL, &out);
    } else if (strcmp(op, "wait") == 0 && a && b) {
        status = cctap_wait_for_reply(client, a, b, c ? atof(c) : 30.0, NULL, NULL, &out);
    } else if (strcmp(op, "respond") == 0 && a && b && c) {
        status = cctap_respond_to_permission(client, a, b, c, NULL, NULL, &out);
    } else if (strcmp(op, "respond_input") == 0 && a && b && c) {
        status = cctap_respond_to_input(client, a, b, c, d, &out);
    } else if (strcmp(op, "prune") == 0 && a && b && c) {
        status = cctap_prune_sessions(client, atof(a), atoi(b), atoi(c), d, &out);
    } else {
        cctap_client_free(client);
        return usage();
    }
    report(status, out);
    cctap_client_free(client);
    cctap_set_log_handler(CCTAP_LOG_DEBUG, NULL, NULL);
    return 0;
}
