// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock LSM - Supervisor notification
 *
 * Copyright © 2026 The landlock-supervisor authors
 *
 * Hooks never wait for a supervisor: many of them run with a directory's
 * inode lock held, which the supervisor may need.  Instead, a hook that
 * denies an access records a candidate event for the current task and queues
 * a task_work.  The task_work runs after the system call returned, before the
 * task goes back to user space: if the system call failed with the error of
 * the candidate (checks whose result the VFS discards leave no event), it
 * sends the event and waits for the answer.  On "allow" after a commit, it
 * makes the system call restart, so that the access is checked again against
 * the rules committed meanwhile; otherwise the system call keeps its error.
 */

#include <asm/syscall.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "fs.h"
#include "net.h"
#include "notify.h"
#include "ruleset.h"
#include "supervisor.h"

/* Bounds the memory that denied tasks can make one supervisor hold. */
#define LANDLOCK_NOTIFY_MAX_EVENTS 4096

/**
 * enum landlock_event_state - Life of an event
 */
enum landlock_event_state {
	/**
	 * @LANDLOCK_EVENT_QUEUED: In &landlock_notify.pending.
	 */
	LANDLOCK_EVENT_QUEUED,
	/**
	 * @LANDLOCK_EVENT_RECEIVED: In &landlock_notify.received, waiting for
	 * an answer.
	 */
	LANDLOCK_EVENT_RECEIVED,
	/**
	 * @LANDLOCK_EVENT_ANSWERED: Answered: off the lists, or in
	 * &landlock_notify.received if it is an orphan.
	 */
	LANDLOCK_EVENT_ANSWERED,
};

/**
 * struct landlock_notify_event - A denied access waiting for a supervisor
 */
struct landlock_notify_event {
	/**
	 * @node: Link in the lists of &struct landlock_notify, or empty.
	 */
	struct list_head node;
	/**
	 * @usage: References from a list, the waiting requester, and a
	 * receiver that is filling in its answer.
	 */
	refcount_t usage;
	/**
	 * @next_discarded: Link in &landlock_task_security.discarded.
	 */
	struct landlock_notify_event *next_discarded;
	/**
	 * @supervisor: The supervisor to ask.
	 */
	struct landlock_supervisor *supervisor;
	/**
	 * @cookie: Identifier, unique for @supervisor.
	 */
	u64 cookie;
	/**
	 * @generation: Number of commits of @supervisor when the access was
	 * denied.
	 */
	u64 generation;
	/**
	 * @state: Cf. &enum landlock_event_state.  Protected by the queue's
	 * lock.
	 */
	enum landlock_event_state state;
	/**
	 * @decision: The answer, once @state is %LANDLOCK_EVENT_ANSWERED.
	 */
	u32 decision;
	/**
	 * @orphan: The requester was interrupted by a signal and will take
	 * this event back when it restarts its system call.
	 */
	bool orphan;
	/**
	 * @syscall_nr: System call that was denied.
	 */
	int syscall_nr;
	/**
	 * @error: Error of the denial, which the system call must return for
	 * the event to be sent.
	 */
	long error;
	/**
	 * @type: %LANDLOCK_EVENT_FS or %LANDLOCK_EVENT_NET.
	 */
	u32 type;
	/**
	 * @access: Rights that the supervised layer denied.
	 */
	access_mask_t access;
	/**
	 * @port: TCP port, in host endianness.
	 */
	u16 port;
	/**
	 * @tid: The requesting thread.
	 */
	struct pid *tid;
	/**
	 * @path: Cf. &landlock_notify_object.path.
	 */
	struct path path;
	/**
	 * @dest_path: Cf. &landlock_notify_object.dest_path.
	 */
	struct path dest_path;
	/**
	 * @name: Name of &landlock_notify_object.dentry, or empty.
	 */
	char name[NAME_MAX + 1];
	/**
	 * @dest_name: Name of &landlock_notify_object.dest_dentry, or empty.
	 */
	char dest_name[NAME_MAX + 1];
};

static_assert(sizeof_field(struct landlock_supervisor_event, name) ==
	      sizeof_field(struct landlock_notify_event, name));
static_assert(sizeof(struct landlock_supervisor_event) == 560);
static_assert(sizeof(struct landlock_supervisor_response) == 16);

static void put_event(struct landlock_notify_event *const event)
{
	might_sleep();
	if (!event || !refcount_dec_and_test(&event->usage))
		return;
	path_put(&event->path);
	path_put(&event->dest_path);
	put_pid(event->tid);
	landlock_put_supervisor(event->supervisor);
	kfree(event);
}

/**
 * landlock_notify_init - Initialize the event queue of a new supervisor
 *
 * @notify: Queue to initialize.
 * @enabled: Whether the supervisor gets events.
 */
void landlock_notify_init(struct landlock_notify *const notify,
			  const bool enabled)
{
	spin_lock_init(&notify->lock);
	INIT_LIST_HEAD(&notify->pending);
	INIT_LIST_HEAD(&notify->received);
	init_waitqueue_head(&notify->recv_wait);
	init_waitqueue_head(&notify->answer_wait);
	notify->enabled = enabled;
	notify->owner = get_pid(task_tgid(current));
}

/**
 * landlock_notify_destroy - Release an event queue
 *
 * @notify: Queue of a supervisor being freed; it is empty (events hold a
 *          reference to their supervisor).
 */
void landlock_notify_destroy(struct landlock_notify *const notify)
{
	WARN_ON_ONCE(!list_empty(&notify->pending) ||
		     !list_empty(&notify->received));
	put_pid(notify->owner);
	put_pid(notify->receiver);
}

/**
 * landlock_notify_close - Deny all events when the supervisor goes away
 *
 * @supervisor: Supervisor whose last file descriptor is being released.
 *
 * Waiting requesters wake up and keep their errors; later denials are not
 * notified.  The committed rules stay in force.
 */
void landlock_notify_close(struct landlock_supervisor *const supervisor)
{
	struct landlock_notify *const notify = &supervisor->notify;
	struct landlock_notify_event *event, *next;
	LIST_HEAD(gone);

	spin_lock(&notify->lock);
	/* Nobody touches the events' links once @closed is set. */
	notify->closed = true;
	list_splice_init(&notify->pending, &gone);
	list_splice_init(&notify->received, &gone);
	notify->num_events = 0;
	spin_unlock(&notify->lock);

	wake_up_all(&notify->answer_wait);
	wake_up_all(&notify->recv_wait);
	list_for_each_entry_safe(event, next, &gone, node) {
		list_del_init(&event->node);
		put_event(event);
	}
}

static u64 get_committed_generation(struct landlock_supervisor *const supervisor)
{
	const struct landlock_supervisor_version *version;
	u64 generation = 0;

	rcu_read_lock();
	version = rcu_dereference(supervisor->committed);
	if (version)
		generation = version->generation;
	rcu_read_unlock();
	return generation;
}

static bool same_request(const struct landlock_notify_event *const a,
			 const struct landlock_notify_event *const b)
{
	return a->tid == b->tid && a->type == b->type &&
	       a->access == b->access && a->port == b->port &&
	       path_equal(&a->path, &b->path) &&
	       path_equal(&a->dest_path, &b->dest_path) &&
	       !strcmp(a->name, b->name) && !strcmp(a->dest_name, b->dest_name);
}

/* Finds the orphan of an interrupted request that is being restarted. */
static struct landlock_notify_event *
find_orphan(struct landlock_notify *const notify,
	    const struct landlock_notify_event *const event)
{
	struct landlock_notify_event *orphan;

	lockdep_assert_held(&notify->lock);
	list_for_each_entry(orphan, &notify->pending, node)
		if (orphan->orphan && same_request(orphan, event))
			return orphan;
	list_for_each_entry(orphan, &notify->received, node)
		if (orphan->orphan && same_request(orphan, event))
			return orphan;
	return NULL;
}

/*
 * Sends @event (or takes back its orphan) and waits for the answer.  Consumes
 * the caller's reference to @event.
 *
 * The wait is interruptible, so that the requester can still be stopped,
 * frozen or traced.  On a signal, the event stays queued as an orphan and the
 * system call is restarted after the signal: the restarted call takes the
 * event back instead of sending a new one.  A fatal signal withdraws it.
 *
 * Returns: true if the system call must be restarted.
 */
static bool wait_for_answer(struct landlock_notify_event *event)
{
	struct landlock_supervisor *const supervisor = event->supervisor;
	struct landlock_notify *const notify = &supervisor->notify;
	struct landlock_notify_event *orphan, *unlinked = NULL;
	bool restart = false, queued = false;

	spin_lock(&notify->lock);
	if (notify->closed)
		goto out_unlock;
	orphan = find_orphan(notify, event);
	if (orphan) {
		orphan->orphan = false;
		refcount_inc(&orphan->usage);
		/* @event is dropped below, with the lock released. */
		swap(event, orphan);
	} else {
		if (notify->num_events >= LANDLOCK_NOTIFY_MAX_EVENTS)
			goto out_unlock;
		event->cookie = ++notify->last_cookie;
		event->state = LANDLOCK_EVENT_QUEUED;
		/* The list's reference. */
		refcount_inc(&event->usage);
		list_add_tail(&event->node, &notify->pending);
		notify->num_events++;
		queued = true;
	}
	spin_unlock(&notify->lock);
	put_event(orphan);
	if (queued)
		wake_up_interruptible(&notify->recv_wait);

	wait_event_interruptible(notify->answer_wait,
				 READ_ONCE(event->state) ==
						 LANDLOCK_EVENT_ANSWERED ||
					 READ_ONCE(notify->closed));

	spin_lock(&notify->lock);
	if (notify->closed) {
		/* Denied: the queue dropped its references. */
	} else if (event->state == LANDLOCK_EVENT_ANSWERED) {
		restart = event->decision == LANDLOCK_SUPERVISOR_ALLOW &&
			  get_committed_generation(supervisor) >
				  event->generation;
		/* An answered orphan that was taken back. */
		if (!list_empty(&event->node))
			unlinked = event;
	} else if (fatal_signal_pending(current)) {
		unlinked = event;
	} else {
		event->orphan = true;
		restart = true;
	}
	if (unlinked) {
		list_del_init(&unlinked->node);
		notify->num_events--;
	}

out_unlock:
	spin_unlock(&notify->lock);
	put_event(unlinked);
	put_event(event);
	return restart;
}

/* Runs before the task returns to user space, after a denied system call. */
static void notify_work(struct callback_head *const work)
{
	struct landlock_task_security *const task_sec =
		container_of(work, struct landlock_task_security, work);
	struct landlock_notify_event *const event = task_sec->candidate;
	struct pt_regs *const regs = task_pt_regs(current);

	task_sec->candidate = NULL;
	task_sec->work_queued = false;
	while (task_sec->discarded) {
		struct landlock_notify_event *const discarded =
			task_sec->discarded;

		task_sec->discarded = discarded->next_discarded;
		put_event(discarded);
	}
	if (!event)
		return;

	/* Only the denial that the system call returns is worth an event. */
	if ((current->flags & PF_EXITING) ||
	    syscall_get_nr(current, regs) != event->syscall_nr ||
	    syscall_get_error(current, regs) != event->error) {
		put_event(event);
		return;
	}
	if (wait_for_answer(event))
		syscall_set_return_value(current, regs, -ERESTARTNOINTR, 0);
}

static bool is_supervising(const struct landlock_notify *const notify,
			   const struct pid *const tgid)
{
	return tgid == notify->owner || tgid == READ_ONCE(notify->receiver);
}

/*
 * Whether a vfork child's parent, which waits for the child's exec or exit,
 * is the supervisor.
 */
static bool is_vfork_child_of(const struct landlock_notify *const notify)
{
	struct task_struct *parent;
	bool supervising;

	if (!current->vfork_done)
		return false;
	rcu_read_lock();
	parent = rcu_dereference(current->real_parent);
	supervising = is_supervising(notify, task_tgid(parent));
	rcu_read_unlock();
	return supervising;
}

/* Whether a denial of the current task may wait for @notify's supervisor. */
static bool can_notify(const struct landlock_notify *const notify)
{
	if (!notify->enabled || READ_ONCE(notify->closed))
		return false;
	/* Kernel threads and workers do not run a system call of their own. */
	if (current->flags &
	    (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER | PF_EXITING))
		return false;
	/* Overridden credentials: the check is on behalf of someone else. */
	if (rcu_access_pointer(current->cred) !=
	    rcu_access_pointer(current->real_cred))
		return false;
	/* A supervisor waiting for its vfork child cannot answer it. */
	if (is_vfork_child_of(notify))
		return false;
	/* A thread group never waits for itself. */
	return !is_supervising(notify, task_tgid(current));
}

static const struct landlock_hierarchy *
get_layer_hierarchy(const struct landlock_ruleset *const domain,
		    const unsigned int level)
{
	const struct landlock_hierarchy *hierarchy = domain->hierarchy;
	int walker;

	for (walker = domain->num_layers - 1; hierarchy && walker > level;
	     walker--)
		hierarchy = hierarchy->parent;
	return hierarchy;
}

/*
 * A denial is quiet if all the rights that the youngest denying layer denies
 * are in its quiet masks, and it marks the object (or an ancestor) as quiet.
 */
static bool is_quiet(const struct landlock_ruleset *const domain,
		     const struct landlock_hierarchy *const hierarchy,
		     const unsigned int level, const access_mask_t access,
		     const struct landlock_notify_object *const object,
		     const u16 port)
{
	const access_mask_t quiet = object ? hierarchy->quiet_masks.fs :
					     hierarchy->quiet_masks.net;

	if (!access || (access & ~quiet))
		return false;
	if (object)
		return landlock_fs_is_quiet(domain, level, object->path);
	return landlock_net_is_quiet(domain, level, port);
}

/*
 * Returns a new event for a denial, addressed to the supervisor of the
 * youngest denying layer, or NULL if no event can help: a denying layer is not
 * supervised, the supervisor does not want events, the denial is quiet, or
 * the current task cannot wait.  @object is NULL for a network access.
 */
static struct landlock_notify_event *
new_event(const struct landlock_ruleset *const domain,
	  const access_mask_t access_request,
	  const layer_mask_t *const layer_masks, const size_t masks_array_size,
	  const u32 type, const struct landlock_notify_object *const object,
	  const u16 port)
{
	const struct landlock_hierarchy *hierarchy;
	const unsigned long access_req = access_request;
	struct landlock_supervisor *supervisor;
	struct landlock_notify_event *event;
	unsigned long access_bit;
	access_mask_t access = 0;
	layer_mask_t denying;
	unsigned int level;

	denying = landlock_denying_layers(access_request, layer_masks,
					  masks_array_size);
	if (!denying || (denying & ~domain->supervised_layers))
		return NULL;
	level = __fls(denying);
	hierarchy = get_layer_hierarchy(domain, level);
	supervisor = hierarchy ? hierarchy->supervisor : NULL;
	if (WARN_ON_ONCE(!supervisor) || !can_notify(&supervisor->notify))
		return NULL;

	for_each_set_bit(access_bit, &access_req, masks_array_size)
		if (layer_masks[access_bit] & BIT(level))
			access |= BIT_ULL(access_bit);
	/* A layer that does not handle REFER denies it forever. */
	if (type == LANDLOCK_EVENT_FS && (access & LANDLOCK_ACCESS_FS_REFER) &&
	    !(domain->access_masks[level].fs & LANDLOCK_ACCESS_FS_REFER))
		return NULL;
	if (is_quiet(domain, hierarchy, level, access, object, port))
		return NULL;

	/* Hooks may run with filesystem locks held. */
	event = kzalloc(sizeof(*event), GFP_NOFS | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!event)
		return NULL;
	refcount_set(&event->usage, 1);
	INIT_LIST_HEAD(&event->node);
	event->supervisor = landlock_get_supervisor(supervisor);
	event->generation = get_committed_generation(supervisor);
	event->type = type;
	event->access = access;
	event->tid = get_pid(task_pid(current));
	event->error = -EACCES;
	return event;
}

/* Makes @event the candidate of the current system call. */
static void set_candidate(struct landlock_notify_event *const event)
{
	struct landlock_task_security *const task_sec = landlock_task(current);

	event->syscall_nr = syscall_get_nr(current, task_pt_regs(current));
	if (event->syscall_nr < 0) {
		event->next_discarded = task_sec->discarded;
		task_sec->discarded = event;
		return;
	}
	/* The last denial of a system call is the one it returns. */
	if (task_sec->candidate) {
		task_sec->candidate->next_discarded = task_sec->discarded;
		task_sec->discarded = task_sec->candidate;
	}
	task_sec->candidate = event;
	if (task_sec->work_queued)
		return;

	init_task_work(&task_sec->work, notify_work);
	if (task_work_add(current, &task_sec->work, TWA_SIGNAL)) {
		/* Exiting: nothing can be sent nor released later. */
		task_sec->candidate = NULL;
		put_event(event);
		return;
	}
	task_sec->work_queued = true;
}

static void copy_name(char *const name, const struct dentry *const dentry)
{
	/* The caller holds the parent directory's lock. */
	spin_lock(&((struct dentry *)dentry)->d_lock);
	strscpy(name, dentry->d_name.name, NAME_MAX + 1);
	spin_unlock(&((struct dentry *)dentry)->d_lock);
}

/**
 * landlock_notify_fs - Prepare an event for a denied filesystem access
 *
 * @domain: Domain of the current task.
 * @access_request: Requested rights.
 * @layer_masks: Per right (%LANDLOCK_NUM_ACCESS_FS entries), the layers that
 *               deny it, after the supervisor rules were checked.
 * @object: What is being accessed.
 *
 * Called by a hook that denies an access with ``EACCES``.  Does not block.
 */
void landlock_notify_fs(const struct landlock_ruleset *const domain,
			const access_mask_t access_request,
			const layer_mask_t *const layer_masks,
			const struct landlock_notify_object *const object)
{
	struct landlock_notify_event *event;

	if (likely(!domain->supervised_layers))
		return;
	event = new_event(domain, access_request, layer_masks,
			  LANDLOCK_NUM_ACCESS_FS, LANDLOCK_EVENT_FS, object, 0);
	if (!event)
		return;
	event->path = *object->path;
	path_get(&event->path);
	if (object->dentry)
		copy_name(event->name, object->dentry);
	if (object->dest_path) {
		event->dest_path = *object->dest_path;
		path_get(&event->dest_path);
		copy_name(event->dest_name, object->dest_dentry);
	}
	set_candidate(event);
}

/**
 * landlock_notify_net - Prepare an event for a denied TCP access
 *
 * @domain: Domain of the current task.
 * @access_request: Requested rights.
 * @layer_masks: Per right (%LANDLOCK_NUM_ACCESS_NET entries), the layers that
 *               deny it, after the supervisor rules were checked.
 * @port: TCP port, in host endianness.
 */
void landlock_notify_net(const struct landlock_ruleset *const domain,
			 const access_mask_t access_request,
			 const layer_mask_t *const layer_masks, const u16 port)
{
	struct landlock_notify_event *event;

	if (likely(!domain->supervised_layers))
		return;
	event = new_event(domain, access_request, layer_masks,
			  LANDLOCK_NUM_ACCESS_NET, LANDLOCK_EVENT_NET, NULL,
			  port);
	if (!event)
		return;
	event->port = port;
	set_candidate(event);
}

/*
 * Fills @user_event for the receiver: process identifiers in its PID
 * namespace and O_PATH file descriptors, only if it may read the requester's
 * state.  The file descriptors are installed by the caller on success.
 */
static int fill_user_event(const struct landlock_notify_event *const event,
			   struct landlock_supervisor_event *const user_event,
			   struct file *files[2], int fds[2])
{
	const struct path *const paths[2] = { &event->path, &event->dest_path };
	struct task_struct *task;
	int i;

	memset(user_event, 0, sizeof(*user_event));
	user_event->cookie = event->cookie;
	user_event->access = event->access;
	user_event->type = event->type;
	user_event->port = event->port;
	user_event->object_fd = -1;
	user_event->dest_fd = -1;
	strscpy(user_event->name, event->name);
	strscpy(user_event->dest_name, event->dest_name);

	task = get_pid_task(event->tid, PIDTYPE_PID);
	if (!task)
		return 0;
	if (!ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS)) {
		put_task_struct(task);
		return 0;
	}
	user_event->tgid = task_tgid_nr_ns(task, task_active_pid_ns(current));
	user_event->tid = task_pid_nr_ns(task, task_active_pid_ns(current));
	put_task_struct(task);

	for (i = 0; i < 2; i++) {
		if (!paths[i]->mnt)
			continue;
		fds[i] = get_unused_fd_flags(O_CLOEXEC);
		if (fds[i] < 0)
			return fds[i];
		files[i] = dentry_open(paths[i], O_PATH, current_cred());
		if (IS_ERR(files[i])) {
			const int err = PTR_ERR(files[i]);

			files[i] = NULL;
			return err;
		}
	}
	user_event->object_fd = fds[0];
	user_event->dest_fd = fds[1];
	return 0;
}

/**
 * landlock_notify_recv - Give the next event to the supervisor
 *
 * @supervisor: Supervisor receiving.
 * @user_event: Where to write the event.
 * @nonblock: Return -EAGAIN instead of waiting for an event.
 *
 * On any error, the event stays queued for the next call.
 *
 * Returns: 0, -EBADFD if the supervisor does not get events, -EAGAIN,
 * -ERESTARTSYS, -EFAULT, or an error from opening file descriptors.
 */
long landlock_notify_recv(struct landlock_supervisor *const supervisor,
			  struct landlock_supervisor_event __user *const user_event,
			  const bool nonblock)
{
	struct landlock_notify *const notify = &supervisor->notify;
	struct landlock_supervisor_event kernel_event;
	struct landlock_notify_event *event;
	struct file *files[2] = {};
	int fds[2] = { -1, -1 };
	struct pid *old_receiver = NULL;
	int err, i;

	if (!notify->enabled)
		return -EBADFD;
	for (;;) {
		spin_lock(&notify->lock);
		event = list_first_entry_or_null(&notify->pending,
						 struct landlock_notify_event,
						 node);
		if (event) {
			list_move_tail(&event->node, &notify->received);
			event->state = LANDLOCK_EVENT_RECEIVED;
			refcount_inc(&event->usage);
			if (notify->receiver != task_tgid(current)) {
				old_receiver = notify->receiver;
				notify->receiver = get_pid(task_tgid(current));
			}
		}
		spin_unlock(&notify->lock);
		put_pid(old_receiver);
		if (event)
			break;
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(notify->recv_wait,
					       !list_empty_careful(&notify->pending));
		if (err)
			return err;
	}

	err = fill_user_event(event, &kernel_event, files, fds);
	if (!err && copy_to_user(user_event, &kernel_event,
				 sizeof(kernel_event)))
		err = -EFAULT;
	for (i = 0; i < 2; i++) {
		if (!err && files[i]) {
			fd_install(fds[i], files[i]);
			continue;
		}
		if (files[i])
			fput(files[i]);
		if (fds[i] >= 0)
			put_unused_fd(fds[i]);
	}
	if (err) {
		/* Puts the event back in front, for the next call. */
		spin_lock(&notify->lock);
		if (!notify->closed && !list_empty(&event->node) &&
		    event->state == LANDLOCK_EVENT_RECEIVED) {
			list_move(&event->node, &notify->pending);
			event->state = LANDLOCK_EVENT_QUEUED;
		}
		spin_unlock(&notify->lock);
	}
	put_event(event);
	return err;
}

/**
 * landlock_notify_respond - Answer an event
 *
 * @supervisor: Supervisor answering.
 * @user_response: The answer.
 *
 * Returns: 0, -EBADFD if the supervisor does not get events, -EFAULT,
 * -EINVAL for an unknown decision or flag, or -ENOENT if no received event
 * waits for an answer with this cookie (answered already, or withdrawn because
 * its requester was killed).
 */
long landlock_notify_respond(struct landlock_supervisor *const supervisor,
			     const struct landlock_supervisor_response __user *user_response)
{
	struct landlock_notify *const notify = &supervisor->notify;
	struct landlock_supervisor_response response;
	struct landlock_notify_event *event, *found = NULL, *unlinked = NULL;

	if (!notify->enabled)
		return -EBADFD;
	if (copy_from_user(&response, user_response, sizeof(response)))
		return -EFAULT;
	if (response.flags ||
	    (response.decision != LANDLOCK_SUPERVISOR_ALLOW &&
	     response.decision != LANDLOCK_SUPERVISOR_DENY))
		return -EINVAL;

	spin_lock(&notify->lock);
	list_for_each_entry(event, &notify->received, node) {
		if (event->cookie == response.cookie &&
		    event->state == LANDLOCK_EVENT_RECEIVED) {
			found = event;
			break;
		}
	}
	if (found) {
		found->decision = response.decision;
		WRITE_ONCE(found->state, LANDLOCK_EVENT_ANSWERED);
		/* An orphan stays listed, to be taken back. */
		if (!found->orphan) {
			list_del_init(&found->node);
			notify->num_events--;
			unlinked = found;
		}
	}
	spin_unlock(&notify->lock);
	if (!found)
		return -ENOENT;
	wake_up_all(&notify->answer_wait);
	put_event(unlinked);
	return 0;
}

/**
 * landlock_notify_poll - Poll a supervisor for events
 *
 * @supervisor: Supervisor polled.
 * @file: Its file.
 * @wait: Poll table.
 *
 * Returns: %EPOLLIN when an event can be received.
 */
__poll_t landlock_notify_poll(struct landlock_supervisor *const supervisor,
			      struct file *const file,
			      struct poll_table_struct *const wait)
{
	struct landlock_notify *const notify = &supervisor->notify;
	__poll_t mask = 0;

	if (!notify->enabled)
		return 0;
	poll_wait(file, &notify->recv_wait, wait);
	spin_lock(&notify->lock);
	if (!list_empty(&notify->pending))
		mask = EPOLLIN | EPOLLRDNORM;
	spin_unlock(&notify->lock);
	return mask;
}
