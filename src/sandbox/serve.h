/* serve.h: what serve.c (the ports) and request.c (one request) share. */
#ifndef HOIST_SANDBOX_SERVE_H
#define HOIST_SANDBOX_SERVE_H

#include <netinet/in.h>
#include <microhttpd.h>
#include "sandbox.h"

/* One listening port: the load balancer (node "") or one node. */
struct listener {
	char node[SB_NAME_MAX];
	struct MHD_Daemon *d;
	volatile int closing; /* set before the daemon stops: hanging requests give up */
};

/* The server's settings, fixed once serve has started; read by every request thread. */
struct serve_config {
	const char *dir;
	struct in_addr addr;
	double flaky;
	long long latency;
	unsigned long long seed;
	unsigned long counter; /* requests so far: drives flakiness and the balancer's turn */
};
extern struct serve_config sb_serve_cfg;

/* libmicrohttpd's callbacks; cls is the struct listener. */
enum MHD_Result sb_serve_handle(void *cls, struct MHD_Connection *c, const char *url,
				const char *method, const char *version, const char *upload,
				size_t *upload_size, void **con_cls);
void sb_serve_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			enum MHD_RequestTerminationCode toe);

#endif
