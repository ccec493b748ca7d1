/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock LSM - Supervisor notification
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#ifndef _SECURITY_LANDLOCK_NOTIFY_H
#define _SECURITY_LANDLOCK_NOTIFY_H

#include <linux/list.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/landlock.h>

#include "ruleset.h"
#include "setup.h"

struct landlock_supervisor;
struct landlock_notify_event;

/**
 * struct landlock_notify - Event queue of a supervisor
 *
 * Embedded in &struct landlock_supervisor.  Events move from @pending (queued
 * by a denied task) to @received (read by the supervisor) and leave when
 * answered.  An event whose requester was interrupted by a signal stays
 * queued as an orphan, to be taken back by the same request when the system
 * call is restarted.
 */
struct landlock_notify {
	/**
	 * @lock: Protects the lists, the events' states and the fields below.
	 */
	spinlock_t lock;
	/**
	 * @pending: Events not read by the supervisor yet.
	 */
	struct list_head pending;
	/**
	 * @received: Events read by the supervisor, waiting for an answer,
	 * and answered orphans.
	 */
	struct list_head received;
	/**
	 * @recv_wait: Where receivers (and poll) wait for events.
	 */
	wait_queue_head_t recv_wait;
	/**
	 * @answer_wait: Where requesters wait for answers.
	 */
	wait_queue_head_t answer_wait;
	/**
	 * @last_cookie: Cookie of the last queued event.
	 */
	u64 last_cookie;
	/**
	 * @num_events: Number of events in @pending and @received.
	 */
	unsigned int num_events;
	/**
	 * @enabled: The supervisor was created with
	 * %LANDLOCK_CREATE_RULESET_NOTIFY.
	 */
	bool enabled;
	/**
	 * @closed: The last supervisor file descriptor was closed: no more
	 * events, and waiting requesters are denied.
	 */
	bool closed;
	/**
	 * @owner: Thread group that created the supervisor.  Its own denials
	 * are never notified: it could end up waiting for itself.
	 */
	struct pid *owner;
	/**
	 * @receiver: Last thread group that received an event, likewise.
	 */
	struct pid *receiver;
};

/**
 * struct landlock_notify_object - Object of a denied filesystem access
 */
struct landlock_notify_object {
	/**
	 * @path: The object, or the directory where @dentry is created,
	 * removed, or renamed or linked from.
	 */
	const struct path *path;
	/**
	 * @dentry: Entry in @path, or NULL.
	 */
	const struct dentry *dentry;
	/**
	 * @dest_path: Destination directory of a rename or link, or NULL.
	 */
	const struct path *dest_path;
	/**
	 * @dest_dentry: Entry in @dest_path, or NULL.
	 */
	const struct dentry *dest_dentry;
};

/**
 * struct landlock_task_security - Task security blob
 */
struct landlock_task_security {
	/**
	 * @candidate: Event to send when the current system call returns
	 * (cf. landlock_notify_fs()), or NULL.  Only used by the task itself.
	 */
	struct landlock_notify_event *candidate;
	/**
	 * @work: Sends @candidate and waits for the answer, before returning
	 * to user space.
	 */
	struct callback_head work;
	/**
	 * @discarded: Earlier candidates of the same system call, released by
	 * @work (a hook may hold locks that releasing them could need).
	 */
	struct landlock_notify_event *discarded;
	/**
	 * @work_queued: @work is queued.
	 */
	bool work_queued;
};

static inline struct landlock_task_security *
landlock_task(const struct task_struct *const task)
{
	return task->security + landlock_blob_sizes.lbs_task;
}

void landlock_notify_init(struct landlock_notify *const notify,
			  const bool enabled);
void landlock_notify_destroy(struct landlock_notify *const notify);
void landlock_notify_close(struct landlock_supervisor *const supervisor);

long landlock_notify_recv(struct landlock_supervisor *const supervisor,
			  struct landlock_supervisor_event __user *const event,
			  const bool nonblock);
long landlock_notify_respond(struct landlock_supervisor *const supervisor,
			     const struct landlock_supervisor_response __user *response);
__poll_t landlock_notify_poll(struct landlock_supervisor *const supervisor,
			      struct file *const file,
			      struct poll_table_struct *const wait);

void landlock_notify_fs(const struct landlock_ruleset *const domain,
			const access_mask_t access_request,
			const layer_mask_t *const layer_masks,
			const struct landlock_notify_object *const object);
void landlock_notify_net(const struct landlock_ruleset *const domain,
			 const access_mask_t access_request,
			 const layer_mask_t *const layer_masks, const u16 port);

#endif /* _SECURITY_LANDLOCK_NOTIFY_H */
