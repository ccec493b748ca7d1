// SPDX-License-Identifier: GPL-2.0-or-later
/* Writing the command's outputs: atomically, and policies as JSON. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

int write_atomic(const char *path, int (*write)(void *ctx, const char *tmp), void *ctx)
{
	const char *slash = strrchr(path, '/');
	const mode_t mask = umask(0);
	char *tmp;
	int fd, saved;

	umask(mask);
	/* ".NAME.XXXXXX" next to NAME: same file system, hidden. */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
		     slash ? slash + 1 : path) < 0)
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail_free;
	if (fchmod(fd, 0666 & ~mask) || write(ctx, tmp))
		goto fail_unlink;
	/* The writer reopened the file by name: sync what it wrote. */
	if (fsync(fd) || rename(tmp, path))
		goto fail_unlink;
	close(fd);
	free(tmp);
	return 0;

fail_unlink:
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
fail_free:
	saved = errno;
	free(tmp);
	errno = saved ?: EIO;
	return -1;
}

int output_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *tmp;
	int fd;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	/* What write_atomic() will do: a temporary file next to it. */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
		     slash ? slash + 1 : path) < 0)
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0) {
		unlink(tmp);
		close(fd);
	}
	free(tmp);
	return fd < 0 ? -1 : 0;
}

/*
 * As landlockconfig JSON, exactly as a learned policy is written
 * (ll_policy_write()), so that --check and --policy read it back: through
 * an anonymous file, since the library writes to a path.
 */
int print_policy(const struct ll_policy *policy, FILE *out)
{
	const int fd = memfd_create("policy", MFD_CLOEXEC);
	char path[64], buf[8192];
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ll_policy_write(policy, path) || lseek(fd, 0, SEEK_SET))
		goto fail;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, n, out) != (size_t)n)
			goto fail;
	if (n < 0)
		goto fail;
	close(fd);
	return fflush(out) ? -1 : 0;

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
