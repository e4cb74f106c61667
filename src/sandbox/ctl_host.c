/* ctl_host.c: the ctl verbs on a node's host: OS snapshot, OS patch, reboot, host-up (seed 003). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

/* When the host of a node is back from its reboot: 0 up, -1 never (a host that hangs). */
static long long back_ms(struct sb *sb, const char *node)
{
	char *key = hoist_xasprintf("host.%s.back_ms", node);
	long long ms = sb_get_int(sb, key, 0);
	free(key);
	return ms;
}

bool sb_host_up(struct sb *sb, const char *node)
{
	long long back = back_ms(sb, node);
	if (back > 0 && sb_now_ms() >= back) {
		/* Back: recorded once, when first seen. */
		char *key = hoist_xasprintf("host.%s.back_ms", node);
		sb_begin(sb);
		sb_set_int(sb, key, 0);
		sb_timeline(sb, "host-up", node, NULL);
		sb_commit(sb);
		free(key);
		return true;
	}
	return back == 0;
}

static enum hoist_status host_down(struct sb *sb, struct sb_node *n, const char *verb,
				   struct hoist_error *err)
{
	if (sb_host_up(sb, n->name))
		return HOIST_OK;
	return sb_refuse(err, back_ms(sb, n->name) < 0 ?
			 _("The host of node %s does not answer since its reboot; %s is not"
			   " possible. Check its console.") :
			 _("The host of node %s is rebooting; %s must wait until it is back."),
			 n->name, verb);
}

/* "Apply patches": the service must be stopped; says on stdout whether to reboot. */
int sb_ctl_os_patch(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	enum hoist_status st;
	if ((st = host_down(sb, n, "os-patch", err)) != HOIST_OK)
		return st;
	if (n->running)
		return sb_refuse(err, _("Node %s is running. Drain and stop it before patching its"
				     " operating system."), n->name);
	if (sb_faulted(err, sb_fault_apply(sb, "os-patch", n->version, n->name, NULL), "os-patch",
		    n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	n->os_patches++;
	sb_node_save(sb, n);
	sb_timeline(sb, "os-patch", n->name, NULL);
	sb_commit(sb);
	printf("%d packages upgraded on %s\n", 3 + n->os_patches % 5, n->name);
	/* The sandbox's patches always bring a new kernel, as most monthly rounds do. */
	printf("reboot-required\n");
	return HOIST_OK;
}

/* A VM snapshot of the node's host, before patching; prints its name. */
int sb_ctl_snapshot(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	enum hoist_status st;
	char *key, *name;
	if ((st = host_down(sb, n, "snapshot", err)) != HOIST_OK)
		return st;
	if (sb_faulted(err, sb_fault_apply(sb, "snapshot", n->version, n->name, NULL), "snapshot",
		    n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	key = hoist_xasprintf("host.%s.snapshots", n->name);
	sb_set_int(sb, key, sb_get_int(sb, key, 0) + 1);
	name = hoist_xasprintf("%s-snap-%lld", n->name, sb_get_int(sb, key, 0));
	sb_timeline(sb, "snapshot", n->name, "snapshot", name, NULL);
	sb_commit(sb);
	printf("%s\n", name);
	free(name);
	free(key);
	return HOIST_OK;
}

/* Like `shutdown -r now`: returns at once; the host is back after the reboot's duration. */
int sb_ctl_reboot(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	enum hoist_status st;
	enum sb_fault_mode m;
	char *key;
	if ((st = host_down(sb, n, "reboot", err)) != HOIST_OK)
		return st;
	if (n->running)
		return sb_refuse(err, _("Node %s is running. Stop the Octopus Server service before"
				     " rebooting its host."), n->name);
	m = sb_fault_find(sb, "reboot", n->version, n->name);
	if (m == SB_FAULT_FAIL || m == SB_FAULT_HALF)
		return sb_faulted(err, SB_FAULT_FAIL, "reboot", n->name);
	sb_begin(sb);
	key = hoist_xasprintf("host.%s.back_ms", n->name);
	sb_set_int(sb, key, m == SB_FAULT_HANG ? -1 : sb_now_ms() + sb_duration(sb, "reboot"));
	sb_timeline(sb, "reboot", n->name, NULL);
	sb_commit(sb);
	free(key);
	return HOIST_OK;
}

/* Exit 0 when the node's host answers (an SSH login would succeed), 1 while it does not. */
int sb_ctl_host_up(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	return host_down(sb, n, "host-up", err);
}
