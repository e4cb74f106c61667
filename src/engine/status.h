/* status.h: hoist's one error enum, its messages, and the error object a caller owns. */
#ifndef HOIST_STATUS_H
#define HOIST_STATUS_H

#include <stdarg.h>

/* One table: the enum, hoist_strerror() and hoist_status_name() come from it. */
#define HOIST_STATUS_INFO(_) \
	_(OK,         N_("success")) \
	_(NOMEM,      N_("out of memory")) \
	_(USAGE,      N_("invalid usage")) \
	_(CONFIG,     N_("configuration error")) \
	_(PARSE,      N_("malformed data")) \
	_(VERSION,    N_("invalid version")) \
	_(FEED,       N_("release feed error")) \
	_(IO,         N_("file or system error")) \
	_(NETWORK,    N_("cannot reach the server")) \
	_(TLS,        N_("TLS verification failed")) \
	_(AUTH,       N_("the server refused the API key")) \
	_(HTTP,       N_("unexpected answer from the server")) \
	_(TOOBIG,     N_("data larger than allowed")) \
	_(TIMEOUT,    N_("timed out")) \
	_(NOTFOUND,   N_("not found")) \
	_(PERMISSION, N_("permission denied")) \
	_(LOCKED,     N_("another upgrade holds the lock")) \
	_(COMMAND,    N_("a command failed")) \
	_(STATE,      N_("the server is not in the expected state")) \
	_(CHECKSUM,   N_("checksum mismatch")) \
	_(CANCELLED,  N_("cancelled")) \
	_(POLICY,     N_("refused by the upgrade policy")) \
	_(UNSAFE,     N_("refused: it would be unsafe")) \
	_(FAILED_PNR, N_("failed after the point of no return"))

enum hoist_status {
#define HOIST_STATUS_ENUM(name, msg) HOIST_##name,
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

/*
 * The detailed message for the user: what failed, where, what to do next.
 * The caller owns it; every function that takes one may be given NULL.
 */
struct hoist_error {
	enum hoist_status status;
	char *message; /* owned; NULL until set */
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
/* Puts "context: " before the current message (keeps the status). */
void hoist_error_prefix(struct hoist_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The message, or the status's meaning when no message was set. */
const char *hoist_error_message(const struct hoist_error *err);

#endif
