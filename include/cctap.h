/*
 * cctap.h — the C interface of libcctap: see into and talk to Claude Code Remote Control sessions.
 *
 * This header is the library's manual. libcctap is the cc-tap client (written in Swift) behind a C
 * ABI: list a user's Claude Code sessions, read their conversation, send a message and wait for the
 * answer, and answer the tool-permission prompts a session is waiting on. It uses the user's own
 * Claude Code login, found the way the cc-tap README describes (CCTAP_ACCESS_TOKEN, the macOS
 * Keychain, ~/.claude/.credentials.json, CLAUDE_CODE_OAUTH_TOKEN), and never writes or refreshes it.
 *
 * CONVENTIONS (they hold for every function below)
 *
 *   Results.   Every operation returns a cctap_status (as int): CCTAP_OK (0) on success, or an
 *              error code. On success it stores a JSON document in *out_json; its schema is the
 *              same as the `structuredContent` of the cc-tap MCP tool of the same name (and of
 *              `cc-tap ... --json`). On failure *out_json is set to NULL.
 *
 *   Ownership. A `char *` the library gives you (every *out_json) is yours: release it with
 *              cctap_string_free(), never with free(). Strings you pass in stay yours; the library
 *              copies what it keeps. The `const char *` from cctap_version(), cctap_status_name()
 *              and cctap_last_error() belong to the library: do not free them.
 *
 *   Strings.   Every `const char *` argument is NUL-terminated UTF-8. Invalid UTF-8, or a string
 *              longer than its documented limit, is rejected with CCTAP_E_INVALID_ARGUMENT.
 *              Arguments documented as optional may be NULL; any other NULL is
 *              CCTAP_E_INVALID_ARGUMENT. Session ids may be `session_X`, `cse_X` or the bare `X`.
 *
 *   Errors.    After any call, cctap_last_status() and cctap_last_error() describe the outcome
 *              of the most recent call made on the calling thread (cctap_last_error() is "" after
 *              a success). The message says what failed and what to do; it never contains a secret.
 *
 *   Threads.   Every function may be called from any thread, and one client may be used from
 *              many threads at once. The operations block the calling thread until they finish;
 *              they must be called from your own threads (C, C++, Python...), not from a thread of
 *              Swift's concurrency runtime, where they return CCTAP_E_WOULD_DEADLOCK at once
 *              instead of deadlocking. Progress callbacks run on a library thread.
 *
 *   Logging.   The library writes nothing to stdout or stderr on its own. Its log messages (what it
 *              fell back to, retried or noticed; never a secret) go to the handler you set with
 *              cctap_set_log_handler(), or, with no handler set, to stderr when the environment
 *              variable CCTAP_LOG names a level (trace, debug, info, notice, warning, error,
 *              critical), for quick debugging.
 *
 *   Process.   The library starts a few worker threads on first use and, like any SwiftNIO
 *              program, sets SIGPIPE to be ignored. It stays loaded after dlclose(). Do not use it
 *              in a child created by fork() after the parent used it (use spawn-style processes).
 */
#ifndef CCTAP_H
#define CCTAP_H

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version
 */

#define CCTAP_VERSION_MAJOR 0
#define CCTAP_VERSION_MINOR 2
#define CCTAP_VERSION_PATCH 0
/* The version this header describes, as text. */
#define CCTAP_VERSION "0.2.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, for #if comparisons. */
#define CCTAP_VERSION_NUMBER 2000

/* The version of the loaded library, e.g. "0.2.0". Static storage; never NULL. Compare it with
 * CCTAP_VERSION to detect a header/library mismatch. */
const char *cctap_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes
 */

typedef enum cctap_status {
    CCTAP_OK = 0,
    /* A NULL, invalid UTF-8, too long or malformed argument (e.g. a bad session id or JSON).
     * Nothing was sent. Fix the argument. */
    CCTAP_E_INVALID_ARGUMENT = 1,
    /* The client handle is NULL, already freed, or not one this library made. */
    CCTAP_E_INVALID_HANDLE = 2,
    /* No usable Claude Code login, or it has expired: run `claude` once, then retry. */
    CCTAP_E_CREDENTIALS = 3,
    /* The organisation UUID could not be found: set CCR_ORG_UUID, or run `claude` once. */
    CCTAP_E_ORGANIZATION = 4,
    /* HTTP 401: the login was refused (after one re-read of the credentials). Run `claude`. */
    CCTAP_E_AUTHENTICATION = 5,
    /* HTTP 403: not allowed (missing scope, another organisation, or a proxy's block page). */
    CCTAP_E_PERMISSION = 6,
    /* HTTP 404: no such session (or route). */
    CCTAP_E_NOT_FOUND = 7,
    /* HTTP 429 after retries: wait (the message says how long) and retry. */
    CCTAP_E_RATE_LIMITED = 8,
    /* HTTP 5xx after retries: the service has trouble; retry later. */
    CCTAP_E_SERVER = 9,
    /* Another HTTP error status (e.g. 400, 409); the message has the service's words. */
    CCTAP_E_API = 10,
    /* No answer: connection refused, reset or cut off (reads were retried). */
    CCTAP_E_NETWORK = 11,
    /* No complete answer within the request timeout. */
    CCTAP_E_TIMEOUT = 12,
    /* The service answered something we could not read (the API may have changed). */
    CCTAP_E_BAD_RESPONSE = 13,
    /* A message may or may not have been stored: read the session before sending it again. */
    CCTAP_E_SEND_OUTCOME_UNKNOWN = 14,
    /* The call was cancelled by cctap_client_cancel(). */
    CCTAP_E_CANCELLED = 15,
    /* Called from a Swift concurrency thread, where blocking would deadlock. */
    CCTAP_E_WOULD_DEADLOCK = 16,
    /* A failure inside the library that none of the above describes. Please report it. */
    CCTAP_E_INTERNAL = 17
} cctap_status;

/* The name of a status code, e.g. "CCTAP_E_NOT_FOUND"; "CCTAP_E_UNKNOWN" for other values.
 * Static storage; never NULL. */
const char *cctap_status_name(int status);

/* The status of the calling thread's most recent cctap_* call (CCTAP_OK after a success). */
int cctap_last_status(void);

/* A message describing the calling thread's most recent failure, or "" after a success. Never NULL.
 * Owned by the library; valid until the next cctap_* call on the same thread. */
const char *cctap_last_error(void);

/* Releases a string returned by the library. NULL is allowed and ignored. */
void cctap_string_free(char *string);

/* ---------------------------------------------------------------------------------------------
 * Logging
 */

/* How much a log message matters, from the most detailed to the most severe. */
typedef enum cctap_log_level {
    CCTAP_LOG_TRACE = 0,
    CCTAP_LOG_DEBUG = 1,
    /* What the library chose on its own: a fallback to polling, a partial list, a lost answer. */
    CCTAP_LOG_INFO = 2,
    CCTAP_LOG_NOTICE = 3,
    CCTAP_LOG_WARNING = 4,
    CCTAP_LOG_ERROR = 5,
    CCTAP_LOG_CRITICAL = 6
} cctap_log_level;

/* Receives one log message (UTF-8, one line, valid only during the call) and your user_data. */
typedef void (*cctap_log_fn)(int level, const char *message, void *user_data);

/* Sends the library's log messages of min_level (a cctap_log_level) or more severe to fn, for the
 * whole process and every client, until it is called again; fn NULL removes the handler, and the
 * library is silent again (or follows CCTAP_LOG). fn may run on any library thread, concurrently
 * with itself, and must not call back into cctap (a call would return CCTAP_E_WOULD_DEADLOCK).
 * Returns CCTAP_OK, or CCTAP_E_INVALID_ARGUMENT for a min_level out of range. */
int cctap_set_log_handler(int min_level, cctap_log_fn fn, void *user_data);

/* ---------------------------------------------------------------------------------------------
 * Clients
 */

/* An opaque connection to the service, with its login and settings. */
typedef struct cctap_client cctap_client;

/* Creates a client and stores it in *out_client (NULL on failure).
 *
 * options_json: optional (NULL or "" for defaults, which come from the environment as documented in
 * the cc-tap README). A JSON object, at most 64 KiB, with any of:
 *   "base_url"            string  API endpoint (plain http:// only for loopback hosts)
 *   "access_token"        string  use this OAuth token instead of the stored login
 *   "organization_uuid"   string  skip the organisation lookup
 *   "claude_config_dir"   string  where Claude Code keeps .credentials.json and .claude.json
 *   "request_timeout"     number  seconds per request, 0.1..600 (default 30 for reads, 35 for
 *                                 posting a message; when given, it bounds both)
 *   "poll_interval"       number  seconds between checks while a wait polls, 0.05..60 (default 1)
 *   "event_source"        string  "auto" (default: the event stream, falling back to polling),
 *                                 "poll" (the v2 event list) or "poll-v1" (the v1 event list)
 *   "presence"            boolean tell the service a person is watching while a wait runs
 *                                 (default false, or env CCTAP_PRESENCE). While a client is
 *                                 present the service holds back the user's phone notifications
 *                                 for that session, so leave it off for unattended programs.
 *   "sender"              string  who writes the messages this client sends: "agent" (default, or
 *                                 env CCTAP_SENDER): a program's or a model's words, sent as another
 *                                 Claude session's, which the session's model is told its person
 *                                 did not type; or "person": words a person typed, sent as theirs.
 *                                 Use "person" only for text a person typed and asked to send.
 *   "wording"             object  how messages and hints name the next step, for a binding whose
 *                                 users call methods rather than these functions. Any of, each a
 *                                 phrase of 1..200 bytes: "wait" ("call cctap_wait_for_reply()"),
 *                                 "with_cursor" ("with cursor"), "answer_permission" ("call
 *                                 cctap_respond_to_permission() with a request_id from
 *                                 pending_permissions"), "answer_input" ("call
 *                                 cctap_respond_to_input() with a request_id from pending_inputs"),
 *                                 "list_sessions" ("call
 *                                 cctap_list_sessions()"), "read_session" ("call cctap_read_session()"),
 *                                 "wait_for_attention" ("call cctap_wait_for_attention() with this
 *                                 result's resume_token").
 *                                 A hint then reads e.g. "Call <wait> <with_cursor> seq:42 to keep waiting."
 * Unknown keys are rejected, so a typo does not pass silently.
 *
 * No request is made here: login problems surface on the first operation.
 * Returns CCTAP_OK, CCTAP_E_INVALID_ARGUMENT (bad options) or CCTAP_E_INTERNAL. */
int cctap_client_new(const char *options_json, cctap_client **out_client);

/* Releases a client. NULL is allowed. Calls still running on other threads finish first (they
 * hold their own reference); afterwards the handle is invalid and using it returns
 * CCTAP_E_INVALID_HANDLE (a freed handle is detected as long as its memory was not reused).
 * Freeing the same handle twice is detected and ignored. */
void cctap_client_free(cctap_client *client);

/* Cancels every blocking wait (cctap_send_and_wait, cctap_wait_for_reply,
 * cctap_wait_for_attention) now running on this
 * client, from any thread: they return CCTAP_E_CANCELLED within about a second. Calls started
 * afterwards are not affected. Returns CCTAP_OK or CCTAP_E_INVALID_HANDLE. */
int cctap_client_cancel(cctap_client *client);

/* ---------------------------------------------------------------------------------------------
 * Operations. Each blocks until done and, on success, stores a JSON document in *out_json that the
 * caller releases with cctap_string_free(). Errors are the codes above, with cctap_last_error().
 */

/* Every session on the account, newest activity first, across all pages.
 * status_filter: optional; NULL, "" or "all" for all, "active" (not archived), "archived", a
 * worker state ("running", "idle", "requires_action"), or "needs_attention" (see
 * cctap_wait_for_attention); anything else is CCTAP_E_INVALID_ARGUMENT. Each session carries
 * "needs_attention" (true or false) and, when true, "attention_reason".
 * JSON: {"sessions":[{"id","title","status","worker_status","connection_status","unread",...}],
 *        "count","pages_read","complete",...}
 * "id" is spelled as the service returns it (cse_... on the 2026 routes); every call accepts
 * session_..., cse_... or the bare suffix. "complete" is false (and "note" says why) when the
 * service stopped answering pages: the sessions read so far are returned, not an error. */
int cctap_list_sessions(cctap_client *client, const char *status_filter, char **out_json);

/* One session's details and the prompts it is waiting on.
 * JSON: {"session":{...},"context":{...},"pending_permissions":[{"request_id","tool_name","input",...}],
 *        "pending_inputs":[{"request_id","subtype","request"}]}
 * pending_inputs are blocking worker requests that are not permission prompts (a dialog, an
 * elicitation, ...): only the person can answer those, where Claude Code runs. */
int cctap_get_session_info(cctap_client *client, const char *session_id, char **out_json);

/* The newest last_n (1..1000) entries of a session's conversation, as a readable transcript.
 * JSON: {"session_id","entries":[{"kind","text",...}],"has_older","events_read"} */
int cctap_read_session(cctap_client *client, const char *session_id, int last_n, char **out_json);

/* The newest last_n (1..1000) raw events, oldest first, exactly as stored.
 * event_types: optional; NULL or "" for all, else comma-separated types ("user,assistant,result").
 * JSON: {"session_id","events":[...],"count","event_types","has_older","events_read"} */
int cctap_get_session_events(cctap_client *client, const char *session_id, const char *event_types, int last_n,
                             char **out_json);

/* Sends a message (at most 256 KiB) without waiting for the answer, as the client's "sender".
 * JSON: {"session_id","uuid","cursor","attempts","confirmed_from_events","queued","hint","sender",
 *        "client_platform","peer_messages":{"reported","verdict","reason"},"held"}; pass
 * "cursor" to cctap_wait_for_reply(): it names the message ("seq:12,msg=<uuid>,ahead=0,running=1"),
 * so the wait ends on the turn that answers it. "queued" is true when a turn was running or
 * messages waited ahead of it. An archived session is refused before anything is sent (the error names its likely successor).
 * As an agent: "peer_messages" says whether the session takes messages from other sessions
 * ("verdict": "accept", "hold", "refuse" or "unknown"); "held" true means it was stored but waits
 * for the session's person to let it through (no turn starts until then); a session that refuses
 * them is sent nothing (CCTAP_E_INVALID_ARGUMENT, saying what its person can do). A message is stored at most once; CCTAP_E_SEND_OUTCOME_UNKNOWN means it
 * may or may not have been stored. */
int cctap_send_message(cctap_client *client, const char *session_id, const char *message, char **out_json);

/* Called while a wait runs, on a library thread: for cctap_send_and_wait and cctap_wait_for_reply
 * whenever the reply grows or the message stops being queued, with {"session_id","reply","queued",
 * "elapsed_seconds","events_read","live_text"}: "reply" is the reply so far, "live_text" (when
 * present) its end that the session streamed live and has not stored yet; for
 * cctap_wait_for_attention every 2 s, with {"sessions_watched","already_reported","source",
 * "elapsed_seconds"}. progress_json is valid only during the call.
 * user_data: what you passed to the wait. Return quickly; do not call cctap_* functions that block. */
typedef void (*cctap_progress_fn)(const char *progress_json, void *user_data);

/* Sends a user message and waits until the turn ends, the session asks for permission to use a
 * tool, it waits on other input, or timeout_seconds (0..3600) pass.
 * progress, user_data: optional (NULL for none); see cctap_progress_fn.
 * JSON: {"status":"complete"|"waiting_for_permission"|"waiting_for_input"|"timeout"|"interrupted"|"error"|"idle"|
 *                  "held"|"refused",
 *        "reply","pending_permissions":[...],"pending_inputs":[...],"result":{...},"cursor","hint",
 *        "turn":"own"|"joined"|"queued","sender","peer_messages","likely_successor",...}
 * The reply is always this message's: a turn that was running when it arrived, or that answers a
 * message queued ahead of it, ends nothing ("turn":"queued" until one takes it up). A session
 * already blocked on a prompt answers at once with "waiting_for_permission" and that prompt; the
 * message waits behind it. "idle" (only from cctap_wait_for_reply with a cursor that names no
 * message): no turn is running and none started after the cursor. "held" (at once, sent as an
 * agent): the session holds messages from other sessions for its person; "refused": it refuses them
 * and nothing was sent; "hint" says what its person can do. A session that turned out archived
 * ends the wait with "error" and, when one fits, "likely_successor": the live session that most likely
 * replaced it after /compact or /resume (the same title, created since; not certain).
 * A timeout is a success (CCTAP_OK) with status "timeout": keep waiting with
 * cctap_wait_for_reply() and "cursor"; do not send the message again.
 * If the message was stored but following the reply then failed, the status is that failure's and
 * cctap_last_error() says "The message was sent and stored (uuid ...)" with the cursor to keep
 * waiting from: do not send it again. */
int cctap_send_and_wait(cctap_client *client, const char *session_id, const char *message, double timeout_seconds,
                        cctap_progress_fn progress, void *user_data, char **out_json);

/* Keeps waiting from cursor (the "cursor" of an earlier send or wait result). Otherwise as
 * cctap_send_and_wait(). */
int cctap_wait_for_reply(cctap_client *client, const char *session_id, const char *cursor, double timeout_seconds,
                         cctap_progress_fn progress, void *user_data, char **out_json);

/* Waits until any of the sessions needs its user: a permission prompt or another request blocks
 * it, a turn ended and nobody read the result, or its machine dropped off during a turn. Returns at
 * once when one already does and an earlier call (resume_token) did not report it.
 * session_ids: optional; NULL or "" for every live session of the account, else comma-separated
 * ids (at most 500). timeout_seconds: 0..3600. resume_token: optional; the "resume_token" of the
 * previous result, so only what is new is reported and nothing in between is lost.
 * progress, user_data: optional (NULL for none); see cctap_progress_fn.
 * JSON: {"status":"attention"|"timeout","items":[{"session":{...},"reason":"permission"|"input"|
 *        "unread_result"|"disconnected","pending_permissions":[...],"pending_inputs":[...],"reply",
 *        "cursor"}],"resume_token","sessions_watched","source":"watch"|"poll","elapsed_seconds","hint"}
 * A timeout is a success with status "timeout": call again with its resume_token. The sessions'
 * states come from the account's watch stream, or from polls of the list where it is not served;
 * one client shares one watch between all its waits. A session named here that is not live (unknown
 * or archived) is CCTAP_E_INVALID_ARGUMENT. cctap_client_cancel() ends the wait. */
int cctap_wait_for_attention(cctap_client *client, const char *session_ids, double timeout_seconds,
                             const char *resume_token, cctap_progress_fn progress, void *user_data,
                             char **out_json);

/* Answers a permission prompt. request_id is the prompt's "request_id" (not its tool_use_id).
 * decision: "allow", "deny", or "always": allow, and send back the prompt's "permission_suggestions"
 * so the session stops asking for that rule (its "always_allows" says what, in words, and where;
 * CCTAP_E_INVALID_ARGUMENT when it suggests nothing). message: optional, shown to the session with a deny.
 * updated_input_json: optional JSON object (at most 1 MiB), with allow: the tool input to run
 * instead of the proposed one. An AskUserQuestion prompt is answered with allow and
 * {"questions":<as asked>,"answers":{"<question>":"<chosen label>"}}.
 * The call then watches a few seconds for the worker to show it took the answer.
 * JSON: {"session_id","request_id","decision","always","tool_name","status","detail","sent","note"}
 * status: "acknowledged" (the tool's result or the turn's end arrived), "queued" (no sign yet: the
 * worker may be busy or offline), "refused" (detail has the worker's words) or "withdrawn". */
int cctap_respond_to_permission(cctap_client *client, const char *session_id, const char *request_id,
                                const char *decision, const char *message, const char *updated_input_json,
                                char **out_json);

/* Answers a dialog or a form a session waits on: an entry of "pending_inputs" (of a wait or of
 * cctap_get_session_info), whose "kind", "actions" and "summary" say what it asks.
 * A dialog ("kind":"dialog", request_user_dialog): action "complete" with result_json (any JSON,
 * e.g. "\"Continue\"", as its "payload" offers), or "cancel".
 * A form ("kind":"elicitation", asked by an MCP server of the session): "accept" with result_json, a
 * JSON object that fits its "requested_schema" (checked here: a misfit is CCTAP_E_INVALID_ARGUMENT
 * naming each problem, and nothing is sent), "decline" or "cancel".
 * result_json: at most 1 MiB; NULL or "" with cancel and decline. Answer with the person's choice,
 * never a guess. The call then watches a few seconds for the turn to go on.
 * JSON: {"session_id","request_id","subtype","action","status","detail","sent","note"}; status
 * "acknowledged" (the turn went on or ended), "queued" (no sign yet) or "withdrawn". */
int cctap_respond_to_input(cctap_client *client, const char *session_id, const char *request_id, const char *action,
                           const char *result_json, char **out_json);

/* Asks the session to stop its current turn (its Stop button), then watches a few seconds for the
 * worker's acknowledgement.
 * JSON: {"session_id","request_id","status","detail"}; status "acknowledged", "refused" (detail has
 * the worker's words) or "queued" (no answer yet: the worker may be busy or offline). */
int cctap_interrupt(cctap_client *client, const char *session_id, char **out_json);

/* ---------------------------------------------------------------------------------------------
 * Steering
 *
 * Each returns {"session_id","action","value","status","detail","request_id","note"}. For the worker
 * controls (permission mode, model) "status" is "acknowledged" or "refused" (then "detail" has the
 * worker's words) once the worker answered within a few seconds, else "queued" (it may be busy or
 * offline). For the changes the service makes to the session's record (title, archive, read mark) it
 * is "applied".
 */

/* Sets how the session asks before using tools. mode: "default", "plan", "acceptEdits", "auto" (a
 * second model reviews each action instead of the person), "dontAsk" (runs what is pre-approved and
 * denies anything that would ask) or "bypassPermissions"; the worker acknowledges or refuses it (older
 * workers refuse auto and dontAsk). bypassPermissions runs every tool without asking anyone; it is refused
 * (CCTAP_E_INVALID_ARGUMENT) unless confirm_bypass is nonzero, which a program should pass only when
 * the person asked for it. */
int cctap_set_permission_mode(cctap_client *client, const char *session_id, const char *mode, int confirm_bypass,
                              char **out_json);

/* Switches the session's worker to another model (e.g. "claude-opus-4-8"), 1..200 bytes, no spaces. */
int cctap_set_model(cctap_client *client, const char *session_id, const char *model, char **out_json);

/* Gives the session a new title (1..500 bytes), as shown in lists and the apps. Needs the 2026
 * routes (/v1/code/sessions). */
int cctap_rename_session(cctap_client *client, const char *session_id, const char *title, char **out_json);

/* Archives the session: it leaves the active list and takes no more messages; its history stays
 * readable. Already archived is a success with "detail": "it was already archived". */
int cctap_archive_session(cctap_client *client, const char *session_id, char **out_json);

/* Archives the active sessions whose last activity is older than older_than_days (1..3650) and that
 * are not on a turn; with offline_only non-zero, only those whose machine is disconnected. Every page
 * of the list is read. dry_run non-zero archives nothing and lists exactly what would go.
 * session_ids: optional (NULL for all that are stale); comma-separated ids, at most 500: the ids a dry
 * run named, so a real run archives none its person did not see; each is judged again, and one no
 * longer stale stays ("kept": {"not_listed": n} counts those no longer in the active list).
 * JSON: {"dry_run","older_than_days","offline_only","sessions":[{"id","title","last_activity",
 *        "connection_status","outcome":"would_archive"|"archived"|"already_archived"|"failed",
 *        "detail"}],"archived","failed","kept":{"running"|"recent"|"online"|"undated"|"not_listed":n},
 *        "complete","note"} */
int cctap_prune_sessions(cctap_client *client, double older_than_days, int offline_only, int dry_run,
                         const char *session_ids, char **out_json);

/* Marks the session read, so a finished turn no longer counts as unread (nor as needing attention).
 * Needs the 2026 routes (/v1/code/sessions). */
int cctap_mark_read(cctap_client *client, const char *session_id, char **out_json);

#ifdef __cplusplus
}
#endif

#endif /* CCTAP_H */
