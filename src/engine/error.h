/* error.h: hoist's one error enum, its messages, and the error object a caller owns. */
#ifndef HOIST_ERROR_H
#define HOIST_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The exit codes of `hoist` (DESIGN §9, man/hoist.1 EXIT STATUS; a test holds the man
 * page to this table): name, code, meaning.
 */
#define HOIST_EXIT_INFO(_) \
	_(DONE,        0,  N_("done; for check: no eligible update")) \
	_(FAILED,      1,  N_("failed before the point of no return; the server is as it was")) \
	_(USAGE,       2,  N_("usage or configuration error")) \
	_(UNREACHABLE, 3,  N_("cannot reach or authenticate to the server or the feed")) \
	_(FAILED_PNR,  4,  N_("failed after the point of no return; the rollback guide was printed")) \
	_(LOCKED,      5,  N_("another upgrade holds the lock")) \
	_(UPDATE,      10, N_("check: an eligible update is available"))

enum hoist_exit {
#define HOIST_EXIT_ENUM(name, code, msg) HOIST_EXIT_##name = code,
	HOIST_EXIT_INFO(HOIST_EXIT_ENUM)
#undef HOIST_EXIT_ENUM
};

/*
 * One table: the enum, hoist_strerror(), hoist_status_name() and the exit code of each
 * status come from it.
 */
#define HOIST_STATUS_INFO(_) \
	_(OK,         DONE,        N_("success")) \
	_(NOMEM,      FAILED,      N_("out of memory")) \
	_(USAGE,      USAGE,       N_("invalid usage")) \
	_(CONFIG,     USAGE,       N_("configuration error")) \
	_(PARSE,      FAILED,      N_("malformed data")) \
	_(VERSION,    USAGE,       N_("invalid version")) \
	_(FEED,       UNREACHABLE, N_("release feed error")) \
	_(IO,         FAILED,      N_("file or system error")) \
	_(NETWORK,    UNREACHABLE, N_("cannot reach the server")) \
	_(TLS,        UNREACHABLE, N_("TLS verification failed")) \
	_(AUTH,       UNREACHABLE, N_("the server refused the API key")) \
	_(HTTP,       FAILED,      N_("unexpected answer from the server")) \
	_(TOOBIG,     FAILED,      N_("data larger than allowed")) \
	_(TIMEOUT,    UNREACHABLE, N_("timed out")) \
	_(NOTFOUND,   FAILED,      N_("not found")) \
	_(PERMISSION, USAGE,       N_("permission denied")) \
	_(LOCKED,     LOCKED,      N_("another upgrade holds the lock")) \
	_(COMMAND,    FAILED,      N_("a command failed")) \
	_(STATE,      FAILED,      N_("the server is not in the expected state")) \
	_(CHECKSUM,   FAILED,      N_("checksum mismatch")) \
	_(CANCELLED,  FAILED,      N_("cancelled")) \
	_(POLICY,     FAILED,      N_("refused by the upgrade policy")) \
	_(UNSAFE,     FAILED,      N_("refused: it would be unsafe")) \
	_(FAILED_PNR, FAILED_PNR,  N_("failed after the point of no return"))

enum hoist_status {
#define HOIST_STATUS_ENUM(name, exit, msg) HOIST_##name,
	HOIST_STATUS_INFO(HOIST_STATUS_ENUM)
#undef HOIST_STATUS_ENUM
	HOIST_STATUS_COUNT
};

/* The translated one-line meaning of a status. */
const char *hoist_strerror(enum hoist_status st);
/* A stable lower-case name for JSON ("network", "auth"). */
const char *hoist_status_name(enum hoist_status st);
/* The exit code of `hoist` for a status (DESIGN §9). */
int hoist_status_exit_code(enum hoist_status st);
/* The exit codes, from HOIST_EXIT_INFO: *n entries of code and untranslated meaning. */
struct hoist_exit_info {
	const char *name; /* "UNREACHABLE" */
	int code;
	const char *meaning; /* N_(); translate with _() */
};
const struct hoist_exit_info *hoist_exit_codes(size_t *n);

/*
 * One part of an error: a prefix ("context") or the cause, in the writer's language, and
 * the untranslated format and arguments it was said from (hoist_i18n_vsay), so that a
 * reader in another language says it again.
 */
struct hoist_error_part {
	char *text;    /* owned: in the writer's language */
	char *msgid;   /* owned: text's untranslated format; NULL: text is all there is */
	char **args;   /* owned: the format's arguments, as text */
	size_t n_args;
};

/*
 * The detailed message for the user: what failed, where, what to do next.
 * The caller owns it; every function that takes one may be given NULL.
 * message is its parts joined with ": ", the outermost prefix first, the cause last.
 */
struct hoist_error {
	enum hoist_status status;
	char *message; /* owned; NULL until set */
	struct hoist_error_part *parts; /* owned; n_parts of them (0 while message is NULL) */
	size_t n_parts;
};

void hoist_error_init(struct hoist_error *err);
void hoist_error_done(struct hoist_error *err);
void hoist_error_clear(struct hoist_error *err);
/* Sets status and a printf-style message (already translated by the caller); returns st. */
enum hoist_status hoist_error_set(struct hoist_error *err, enum hoist_status st,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum hoist_status hoist_error_vset(struct hoist_error *err, enum hoist_status st,
				   const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/*
 * The same from an untranslated format (N_("...")): the message is said in the current
 * language, and the format and its arguments are kept for a reader in another one.
 */
enum hoist_status hoist_error_say(struct hoist_error *err, enum hoist_status st,
				  const char *msgid, ...)
	__attribute__((format(printf, 3, 4)));
enum hoist_status hoist_error_vsay(struct hoist_error *err, enum hoist_status st,
				   const char *msgid, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Puts "context: " before the current message (keeps the status). */
void hoist_error_prefix(struct hoist_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same from an untranslated format (N_("...")), kept as hoist_error_say keeps it. */
void hoist_error_prefix_say(struct hoist_error *err, const char *msgid, ...)
	__attribute__((format(printf, 2, 3)));
/* The message, or the status's meaning when no message was set. */
const char *hoist_error_message(const struct hoist_error *err);
/*
 * The message in the reader's language (a new string): each part said again from its
 * kept format, or as its writer said it when it kept none or its format does not fit the
 * reader's catalogue; joined with ": " as hoist_error_message joins them.
 */
char *hoist_error_render(const struct hoist_error *err);
/* Renders n parts as hoist_error_render does (parts borrowed; a new string). */
char *hoist_error_parts_render(const struct hoist_error_part *parts, size_t n);
/* dst (cleared first) takes src's status, message and parts; src is left as initialised. */
void hoist_error_move(struct hoist_error *dst, struct hoist_error *src);
/* dst (cleared first) becomes a copy of src. */
void hoist_error_copy(struct hoist_error *dst, const struct hoist_error *src);
/* Copies n parts (a new array, or NULL when n is 0); frees n parts and their array. */
struct hoist_error_part *hoist_error_parts_copy(const struct hoist_error_part *parts, size_t n);
void hoist_error_parts_free(struct hoist_error_part *parts, size_t n);

#endif
