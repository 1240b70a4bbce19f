/* quiet: libcctap says nothing on its own, and says it all to a log handler.
 *
 * Runs, with a fresh client each time, the calls that make the library log (the test arms the
 * emulator's faults first): a list whose later pages are refused (partial list), a 503 before a
 * session read (a retry), a send whose answer is lost after storing (confirmed from the events) and
 * a wait whose event stream is refused (a fall back to polling).
 *   quiet SESSION_ID               once with no handler, once with a handler taking every level, then
 *                                  once more after removing it; prints one summary line
 *   quiet SESSION_ID --no-handler  once with no handler (to see CCTAP_LOG's stderr output)
 * Needs CCTAP_BASE_URL, CCTAP_ACCESS_TOKEN and CCR_ORG_UUID; QUIET_SHOW=1 prints each message the
 * handler gets. Exits 1 if a call fails. */
#include <cctap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int messages = 0, informative = 0;

static void on_log(int level, const char *message, void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&lock);
    messages++;
    if (getenv("QUIET_SHOW")) printf("log %d: %s\n", level, message);
    if (level >= CCTAP_LOG_INFO && strlen(message) > 0) informative++;
    pthread_mutex_unlock(&lock);
}

/* 1 when status is CCTAP_OK; otherwise says which call failed. */
static int expect(int status, const char *what) {
    if (status == CCTAP_OK) return 1;
    printf("quiet: %s failed: %s\n", what, cctap_last_error());
    return 0;
}

/* One pass over the logging paths; 1 when every call succeeded. */
static int pass(const char *session) {
    cctap_client *client = NULL;
    if (!expect(cctap_client_new(NULL, &client), "cctap_client_new")) return 0;
    char *out = NULL, cursor[512] = "";
    int ok = expect(cctap_list_sessions(client, NULL, &out), "list");
    cctap_string_free(out);
    out = NULL;
    ok = ok && expect(cctap_get_session_info(client, session, &out), "info");
    cctap_string_free(out);
    out = NULL;
    ok = ok && expect(cctap_send_message(client, session, "said quietly", &out), "send");
    if (ok) {
        const char *found = strstr(out, "\"cursor\":\"");
        if (found) sscanf(found + 10, "%511[^\"]", cursor);
    }
    cctap_string_free(out);
    out = NULL;
    ok = ok && cursor[0] && expect(cctap_wait_for_reply(client, session, cursor, 30, NULL, NULL, &out), "wait");
    cctap_string_free(out);
    cctap_client_free(client);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: quiet SESSION_ID [--no-handler]\n");
        return 2;
    }
    if (!pass(argv[1])) return 1;
    if (argc > 2 && strcmp(argv[2], "--no-handler") == 0) return 0;

    if (cctap_set_log_handler(CCTAP_LOG_CRITICAL + 1, on_log, NULL) != CCTAP_E_INVALID_ARGUMENT) return 1;
    if (cctap_set_log_handler(CCTAP_LOG_TRACE, on_log, NULL) != CCTAP_OK) return 1;
    if (!pass(argv[1])) return 1;
    cctap_set_log_handler(CCTAP_LOG_TRACE, NULL, NULL);
    pthread_mutex_lock(&lock);
    int before = messages;
    pthread_mutex_unlock(&lock);
    cctap_client *client = NULL;
    char *out = NULL;
    if (!expect(cctap_client_new(NULL, &client), "cctap_client_new")) return 1;
    int listed = expect(cctap_list_sessions(client, NULL, &out), "list");
    cctap_string_free(out);
    cctap_client_free(client);
    if (!listed) return 1;
    pthread_mutex_lock(&lock);
    printf("quiet: %d messages, %d at info or above, %d after removal\n", before, informative, messages - before);
    pthread_mutex_unlock(&lock);
    return 0;
}
