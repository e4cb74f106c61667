/* timeline.c: every state change, one JSON line with a millisecond timestamp. */
#include "config.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "sandbox.h"
#include "xalloc.h"

/*
 * One write(2) per line with O_APPEND: serve and any number of ctl processes append
 * without interleaving, so readers see whole events in the order they happened.
 */
void sb_timeline(struct sb *sb, const char *event, const char *node, ...)
{
	cJSON *o = cJSON_CreateObject();
	va_list ap;
	const char *k;
	char *line, *path;
	int fd;
	cJSON_AddNumberToObject(o, "t", (double)sb_now_ms());
	cJSON_AddStringToObject(o, "event", event);
	if (node)
		cJSON_AddStringToObject(o, "node", node);
	va_start(ap, node);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		cJSON_AddStringToObject(o, k, v ? v : "");
	}
	va_end(ap);
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	path = sb_path(sb, "timeline.jsonl");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd >= 0) {
		size_t n = strlen(line);
		line[n] = '\n';
		if (write(fd, line, n + 1) < 0) {
			/* The timeline is a record, not a precondition: the change stands. */
		}
		close(fd);
	}
	free(line);
}
