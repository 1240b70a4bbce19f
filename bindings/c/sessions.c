/* sessions: prints a table of the account's Claude Code sessions.
 * Usage: sessions [STATUS]     (STATUS: active, running, idle, requires_action, archived) */
#include "common.h"

int main(int argc, char **argv) {
    cctap_client *client = open_client();
    char *text = NULL;
    int status = cctap_list_sessions(client, argc > 1 ? argv[1] : NULL, &text);
    if (status != CCTAP_OK) die("cctap_list_sessions", status);
    json_t *result = take_json(text);

    printf("%-36s %-16s %-13s %s\n", "ID", "STATUS", "CONNECTION", "TITLE");
    size_t index;
    json_t *session;
    json_array_foreach(json_object_get(result, "sessions"), index, session) {
        const char *title = json_string_value(json_object_get(session, "title"));
        printf("%-36s %-16s %-13s %s\n", json_string_value(json_object_get(session, "id")),
               json_string_value(json_object_get(session, "status")),
               json_string_value(json_object_get(session, "connection_status")), title ? title : "(untitled)");
    }
    printf("%lld session(s)\n", (long long)json_integer_value(json_object_get(result, "count")));
    json_decref(result);
    cctap_client_free(client);
    return 0;
}
