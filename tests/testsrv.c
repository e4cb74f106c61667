/* testsrv.c: the forked loopback HTTP peer of the unit tests. */
#include "config.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testsrv.h"

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			_exit(1);
		p += w;
		n -= (size_t)w;
	}
}

void testsrv_start(struct testsrv *s, int connections, testsrv_fn fn, void *ctx)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int sock = socket(AF_INET, SOCK_STREAM, 0), one = 1, pfd[2];
	setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(sock, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(sock, 16), 0);
	getsockname(sock, (struct sockaddr *)&a, &len);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(pfd), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		/* Check's SIGTERM handler signals the whole process group (make too): drop it. */
		signal(SIGTERM, SIG_DFL);
		alarm(60); /* never outlive a failed test for long */
		close(pfd[0]);
		for (int i = 0; connections == 0 || i < connections; i++) {
			char req[16384];
			struct hoist_buf answer;
			ssize_t n;
			int c = accept(sock, NULL, NULL);
			if (c < 0)
				_exit(1);
			n = read(c, req, sizeof req - 1);
			req[n > 0 ? n : 0] = '\0';
			if (n > 0)
				write_all(pfd[1], req, (size_t)n);
			hoist_buf_init(&answer, 0);
			fn(req, &answer, ctx);
			/* The client may hang up early (a cap it enforces): that is its right. */
			signal(SIGPIPE, SIG_IGN);
			if (answer.len && write(c, answer.data, answer.len) < 0)
				i += 0; /* nothing to do: the next connection is served anyway */
			hoist_buf_done(&answer);
			close(c);
		}
		_exit(0);
	}
	close(pfd[1]);
	close(sock);
	s->report = pfd[0];
}

void testsrv_stop(struct testsrv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (s->report >= 0)
		close(s->report);
	s->pid = 0;
	s->report = -1;
}

void testsrv_collect(struct testsrv *s, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	/* The peer writes each request before it answers, so what was answered is there. */
	while (got + 1 < size && (n = read(s->report, buf + got, size - 1 - got)) > 0) {
		got += (size_t)n;
		break;
	}
	buf[got] = '\0';
	testsrv_stop(s);
}

void testsrv_answer(struct hoist_buf *answer, int status, const char *type, const void *body,
		    size_t len)
{
	hoist_buf_printf(answer,
			 "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, type, len);
	hoist_buf_append(answer, body, len);
}

const char *testsrv_url(const struct testsrv *s, const char *path)
{
	static char url[256];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
	return url;
}
