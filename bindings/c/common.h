/* Helpers shared by the examples: turning a cctap failure into a message, and parsing results. */
#ifndef CCTAP_EXAMPLES_COMMON_H
#define CCTAP_EXAMPLES_COMMON_H

#include <cctap.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints the last failure of this thread and exits with status 1. */
static inline void die(const char *what, int status) {
    fprintf(stderr, "%s failed: %s (%s)\n", what, cctap_last_error(), cctap_status_name(status));
    exit(1);
}

/* Parses a result string and releases it; exits on malformed JSON (which would be a library bug). */
static inline json_t *take_json(char *text) {
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    cctap_string_free(text);
    if (root == NULL) {
        fprintf(stderr, "cctap returned invalid JSON: %s\n", error.text);
        exit(1);
    }
    return root;
}

/* A client configured from the environment (CCTAP_BASE_URL, CCTAP_ACCESS_TOKEN, ...). */
static inline cctap_client *open_client(void) {
    cctap_client *client = NULL;
    int status = cctap_client_new(NULL, &client);
    if (status != CCTAP_OK) die("cctap_client_new", status);
    return client;
}

#endif
