/* ask: sends a message to a session and prints the reply as it arrives.
 * Usage: ask SESSION_ID MESSAGE [TIMEOUT_SECONDS] */
#include "common.h"
#include <string.h>

/* Prints the part of the reply not printed yet. Runs on a library thread. */
static void on_progress(const char *progress_json, void *user_data) {
    size_t *printed = user_data;
    json_t *progress = json_loads(progress_json, 0, NULL);
    const char *reply = json_string_value(json_object_get(progress, "reply"));
    if (reply != NULL && strlen(reply) > *printed) {
        fputs(reply + *printed, stdout);
        fflush(stdout);
        *printed = strlen(reply);
    }
    json_decref(progress);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SESSION_ID MESSAGE [TIMEOUT_SECONDS]\n", argv[0]);
        return 2;
    }
    double timeout = argc > 3 ? atof(argv[3]) : 60;
    cctap_client *client = open_client();
    size_t printed = 0;
    char *text = NULL;
    int status = cctap_send_and_wait(client, argv[1], argv[2], timeout, on_progress, &printed, &text);
    if (status != CCTAP_OK) die("cctap_send_and_wait", status);
    json_t *result = take_json(text);

    const char *reply = json_string_value(json_object_get(result, "reply"));
    if (reply != NULL && strlen(reply) > printed) fputs(reply + printed, stdout);
    printf("\n[%s] %s\n", json_string_value(json_object_get(result, "status")),
           json_string_value(json_object_get(result, "hint")));
    json_decref(result);
    cctap_client_free(client);
    return 0;
}
