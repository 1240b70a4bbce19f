/* approve: lists the permission prompts a session is waiting on, and answers one.
 * Usage: approve SESSION_ID                      (list)
 *        approve SESSION_ID REQUEST_ID allow|deny (answer it; `ask` or wait_for_reply follows the turn) */
#include "common.h"
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: %s SESSION_ID [REQUEST_ID allow|deny]\n", argv[0]);
        return 2;
    }
    cctap_client *client = open_client();
    char *text = NULL;

    if (argc == 2) {
        int status = cctap_get_session_info(client, argv[1], &text);
        if (status != CCTAP_OK) die("cctap_get_session_info", status);
        json_t *info = take_json(text);
        json_t *pending = json_object_get(info, "pending_permissions");
        if (json_array_size(pending) == 0) printf("No permission prompt is waiting.\n");
        size_t index;
        json_t *prompt;
        json_array_foreach(pending, index, prompt) {
            char *input = json_dumps(json_object_get(prompt, "input"), JSON_COMPACT | JSON_SORT_KEYS);
            printf("%s  %s  %s\n", json_string_value(json_object_get(prompt, "request_id")),
                   json_string_value(json_object_get(prompt, "tool_name")), input);
            free(input);
        }
        json_decref(info);
    } else {
        int status = cctap_respond_to_permission(client, argv[1], argv[2], argv[3], NULL, NULL, &text);
        if (status != CCTAP_OK) die("cctap_respond_to_permission", status);
        json_t *answer = take_json(text);
        printf("answered %s to %s\n", json_string_value(json_object_get(answer, "decision")),
               json_string_value(json_object_get(answer, "tool_name")));
        json_decref(answer);
    }
    cctap_client_free(client);
    return 0;
}
